"""Admin pages to browse seeded data."""

from django.contrib import admin

from . import models


@admin.register(models.TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ("github_login", "display_name", "github_id", "is_bot", "team")
    list_filter = ("team", "is_bot")
    search_fields = ("github_login", "display_name")


class PRReviewInline(admin.TabularInline):
    model = models.PRReview
    extra = 0
    fields = ("github_review_id", "reviewer", "state", "submitted_at")
    raw_id_fields = ("reviewer",)
    show_change_link = True


class PRFileInline(admin.TabularInline):
    model = models.PRFile
    extra = 0
    fields = ("filename", "status", "additions", "deletions", "file_category")


@admin.register(models.PullRequest)
class PullRequestAdmin(admin.ModelAdmin):
    list_display = (
        "github_repo", "github_pr_id", "title", "state", "is_draft", "author",
        "pr_created_at", "merged_at", "cycle_time_hours", "team",
    )
    list_filter = ("team", "state", "is_draft", "github_repo")
    search_fields = ("title", "github_repo", "=github_pr_id", "author__github_login")
    date_hierarchy = "pr_created_at"
    raw_id_fields = ("author",)
    readonly_fields = ("event_seq", "event_digest")
    inlines = [PRReviewInline, PRFileInline]


@admin.register(models.PRReview)
class PRReviewAdmin(admin.ModelAdmin):
    list_display = ("github_review_id", "pull_request", "reviewer", "state", "submitted_at", "team")
    list_filter = ("team", "state")
    search_fields = ("=github_review_id", "reviewer__github_login", "body")
    raw_id_fields = ("pull_request", "reviewer")


@admin.register(models.Commit)
class CommitAdmin(admin.ModelAdmin):
    list_display = ("github_sha", "github_repo", "pull_request", "author_name", "committed_at")
    list_filter = ("team", "github_repo")
    search_fields = ("=github_sha", "author_name", "author_email", "message")
    raw_id_fields = ("pull_request", "author")


@admin.register(models.PRFile)
class PRFileAdmin(admin.ModelAdmin):
    list_display = ("filename", "pull_request", "status", "additions", "deletions", "file_category")
    list_filter = ("team", "status", "file_category")
    search_fields = ("filename",)
    raw_id_fields = ("pull_request",)


@admin.register(models.PRCheckRun)
class PRCheckRunAdmin(admin.ModelAdmin):
    list_display = (
        "name", "pull_request", "status", "conclusion", "duration_seconds", "completed_at",
    )
    list_filter = ("team", "status", "conclusion")
    search_fields = ("name", "=github_check_run_id")
    raw_id_fields = ("pull_request",)

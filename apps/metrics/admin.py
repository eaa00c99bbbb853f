"""Admin pages to browse seeded data.

Seeded rows are read-only here (viewing only: the projector owns them). List pages run a
constant number of queries whatever the page size (``list_select_related`` for every related
column, filters that read small or grouped results). A PR page shows at most
``admin_inlines.INLINE_CAP`` rows per child, with a link to the full filtered list, and the PR
list has a server-side chart (merged PRs per week, median cycle time) of the filtered PRs. Text
from GitHub is shown through ``printable`` (control characters visible) and autoescaped.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from eventlog.text import printable

from . import models
from .admin_inlines import (
    CommitInline,
    PRCheckRunInline,
    PRFileInline,
    PRReviewInline,
    ReadOnlyPermissions,
    check_link,
    field_column,
    github_link,
)
from .charts import merged_per_week

GAP_TEXT = {
    "too_large": "GitHub declined (too large)", "forbidden": "the token may not read it",
    "not_found": "gone while it was read", "resource_limits": "GitHub's resource limits",
    "timeout": "GitHub kept timing out", "truncated": "GitHub stopped paginating",
    "error": "GitHub reported an error",
}


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """Viewing only: no add, change or delete (the projector owns seeded rows)."""


class RepositoryFilter(admin.SimpleListFilter):
    """By repository: the distinct repositories of the PR table (one query), for any model
    whose ``repo_field`` reaches a repository."""

    title, parameter_name, repo_field = "repository", "repo", "github_repo"

    def lookups(self, request, model_admin):
        repos = list(models.PullRequest.objects.order_by("github_repo")
                     .values_list("github_repo", flat=True).distinct())
        if self.value() and self.value() not in repos:
            repos.append(self.value())
        return [(r, printable(r, 60)) for r in repos]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.repo_field: self.value()}) if self.value() else queryset


class PRRepositoryFilter(RepositoryFilter):
    repo_field = "pull_request__github_repo"


class AuthorFilter(admin.SimpleListFilter):
    """By author: the ``TOP`` authors with the most PRs (one grouped query) and the selected
    one; a list of every member would run to thousands."""

    title, parameter_name, TOP = "author", "author", 20

    def lookups(self, request, model_admin):
        top = (models.PullRequest.objects.filter(author__isnull=False)
               .values("author_id", "author__github_login").annotate(n=Count("id"))
               .order_by("-n", "author__github_login")[: self.TOP])
        choices = [(str(r["author_id"]), f"{printable(r['author__github_login'], 40)} "
                    f"({r['n']:,})") for r in top]
        value = self.value()
        if value and value.isdigit() and value not in {c[0] for c in choices}:
            member = models.TeamMember.objects.filter(pk=value).first()
            choices.append((value, printable(member.github_login, 40) if member else value))
        return choices

    def queryset(self, request, queryset):
        return queryset.filter(author_id=self.value()) if self.value() else queryset


@admin.register(models.TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("github_login", "display_name", "github_id", "is_bot", "profile", "team")
    list_filter = ("team", "is_bot")
    list_select_related = ("team",)
    search_fields = ("github_login", "display_name")

    @admin.display(description="GitHub")
    def profile(self, obj):
        login = obj.github_login
        if obj.is_bot and login.endswith("[bot]"):
            return github_link(f"apps/{login.removesuffix('[bot]')}", "app")
        return github_link(login, "profile")


def missing_data_lines(missing: dict[str, Any]) -> list[str]:
    """``missing_data`` as sentences: "files unknown: GitHub declined (too large), 3,200
    expected" (a connection GitHub cut short is "partial", with what was fetched)."""
    lines = []
    for name, gap in sorted((missing or {}).items()):
        gap = gap if isinstance(gap, dict) else {}
        expected, fetched, reason = gap.get("expected"), gap.get("fetched"), gap.get("reason")
        partial = isinstance(fetched, int)
        text = (f"{name.replace('_', ' ')} {'partial' if partial else 'unknown'}: "
                f"{GAP_TEXT.get(reason, str(reason or 'unknown reason'))}")
        if isinstance(expected, int):
            text += f", {expected:,} expected"
        if partial:
            text += f", {fetched:,} fetched"
        lines.append(printable(text, 300))
    return lines


@admin.register(models.PullRequest)
class PullRequestAdmin(ReadOnlyAdmin):
    list_display = ("number", "github_repo", "short_title", "state", "is_draft", "author",
                    "created", "merged", "cycle_time", "on_github", "team")
    list_filter = ("team", RepositoryFilter, "state", "is_draft", AuthorFilter,
                   ("merged_at", admin.DateFieldListFilter))
    list_select_related = ("author", "team")
    search_fields = ("title", "github_repo", "=github_pr_id", "author__github_login")
    date_hierarchy = "pr_created_at"
    readonly_fields = ("on_github", "created", "updated", "first_review", "merged", "closed",
                       "review_time", "cycle_time", "missing", "event_seq", "event_digest")
    fieldsets = (
        (None, {"fields": ("team", "github_repo", "github_pr_id", "on_github", "title", "state",
                           "is_draft", "author")}),
        ("Timing", {"fields": ("created", "updated", "first_review", "merged", "closed",
                               "review_time", "cycle_time")}),
        ("Size", {"fields": ("additions", "deletions", "changed_files", "commits_count")}),
        ("Branches and metadata", {"fields": ("head_ref", "base_ref", "head_sha", "labels",
                                              "assignees", "milestone_title", "linked_issues")}),
        ("What GitHub would not serve", {"fields": ("missing",)}),
        ("Description", {"fields": ("body",), "classes": ("collapse",)}),
        ("Provenance", {"fields": ("event_seq", "event_digest"), "classes": ("collapse",)}),
    )
    inlines = [PRReviewInline, CommitInline, PRFileInline, PRCheckRunInline]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = (getattr(response, "context_data", None) or {}).get("cl")
        if cl is not None:
            response.context_data["merged_chart"] = merged_per_week(cl.queryset)
        return response

    @admin.display(description="#", ordering="github_pr_id")
    def number(self, obj):
        return f"#{obj.github_pr_id}"

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj):
        return printable(obj.title, 100)

    @admin.display(description="GitHub")
    def on_github(self, obj):
        return github_link(f"{obj.github_repo}/pull/{obj.github_pr_id}", "open on GitHub")

    created = field_column("pr_created_at", "Created")
    updated = field_column("pr_updated_at", "Updated")
    first_review = field_column("first_review_at", "First review")
    merged = field_column("merged_at", "Merged")
    closed = field_column("closed_at", "Closed")
    review_time = field_column("review_time_hours", "Review time (h)")
    cycle_time = field_column("cycle_time_hours", "Cycle time (h)")

    @admin.display(description="Missing data")
    def missing(self, obj):
        lines = missing_data_lines(obj.missing_data)
        if not lines:
            return "nothing: every connection was served in full"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>",
                                                           ((line,) for line in lines)))


class ChildAdmin(ReadOnlyAdmin):
    """A PR's child rows: filterable by team and repository, linked to their PR."""

    list_filter: tuple = ("team", PRRepositoryFilter)


@admin.register(models.PRReview)
class PRReviewAdmin(ChildAdmin):
    list_display = ("github_review_id", "pull_request", "reviewer", "state", "submitted_at",
                    "team")
    list_filter = (*ChildAdmin.list_filter, "state")
    list_select_related = ("pull_request", "reviewer", "team")
    search_fields = ("=github_review_id", "reviewer__github_login", "body")
    date_hierarchy = "submitted_at"


@admin.register(models.Commit)
class CommitAdmin(ChildAdmin):
    list_display = ("sha", "github_repo", "pull_request", "author_name", "committed_at",
                    "on_github", "team")
    list_filter = ("team", RepositoryFilter)
    list_select_related = ("pull_request", "team")
    search_fields = ("=github_sha", "author_name", "author_email", "message")
    date_hierarchy = "committed_at"

    @admin.display(description="SHA", ordering="github_sha")
    def sha(self, obj):
        return obj.github_sha[:10]

    @admin.display(description="GitHub")
    def on_github(self, obj):
        return github_link(f"{obj.github_repo}/commit/{obj.github_sha}", "open on GitHub")


@admin.register(models.PRFile)
class PRFileAdmin(ChildAdmin):
    list_display = ("path", "pull_request", "status", "additions", "deletions",
                    "file_category", "team")
    list_filter = (*ChildAdmin.list_filter, "status", "file_category")
    list_select_related = ("pull_request", "team")
    search_fields = ("filename",)

    @admin.display(description="File", ordering="filename")
    def path(self, obj):
        return printable(obj.filename, 120)


@admin.register(models.PRCheckRun)
class PRCheckRunAdmin(ChildAdmin):
    list_display = ("ci_name", "kind", "pull_request", "status", "conclusion", "duration",
                    "completed_at", "on_github", "team")
    list_filter = (*ChildAdmin.list_filter, "kind", "status", "conclusion")
    list_select_related = ("pull_request", "team")
    search_fields = ("name", "=github_check_run_id")
    date_hierarchy = "completed_at"

    duration = field_column("duration_seconds", "Duration (s)")

    @admin.display(description="Name", ordering="name")
    def ci_name(self, obj):
        return printable(obj.name, 80)

    @admin.display(description="Link")
    def on_github(self, obj):
        return check_link(obj)

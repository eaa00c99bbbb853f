"""The metrics data model: pull requests and what hangs off them, scoped by team.

Names match the metrics product (``github_pr_id`` is the PR *number*, ``pr_created_at`` ...) so
its code keeps working. Rows are written by ``apps.seeding.projection``; every natural key is
enforced by a database constraint, so a re-run can never duplicate a row. Every PR keeps every
commit and CI row it lists: a commit or check run shared by two PRs (stacked PRs, a merge-back
PR, two PRs on one head commit) is a row of each.
"""

from django.db import models

from apps.teams.models import Team


class TeamScoped(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta:
        abstract = True


class TeamMember(TeamScoped):
    """A GitHub account met in a team's repositories (author, reviewer, committer)."""

    github_login = models.CharField(max_length=255)
    github_id = models.BigIntegerField(null=True, blank=True)
    display_name = models.TextField(blank=True, default="")
    is_bot = models.BooleanField(default=False)

    class Meta:
        verbose_name, verbose_name_plural = "team member", "team members"
        constraints = [
            models.UniqueConstraint(fields=["team", "github_login"], name="uniq_member_login"),
        ]
        ordering = ["github_login"]

    def __str__(self) -> str:
        return self.github_login


class PullRequest(TeamScoped):
    """One pull request as last reported by GitHub."""

    class State(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"
        MERGED = "merged"

    github_repo = models.CharField(max_length=255, help_text='"owner/name"')
    github_pr_id = models.IntegerField(help_text="The PR number, not GitHub's internal id.")
    title = models.TextField()
    body = models.TextField(blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices)
    is_draft = models.BooleanField(default=False)
    author = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="pull_requests"
    )
    pr_created_at = models.DateTimeField()
    pr_updated_at = models.DateTimeField()
    merged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    additions = models.IntegerField(default=0)
    deletions = models.IntegerField(default=0)
    changed_files = models.IntegerField(default=0)
    commits_count = models.IntegerField(default=0)
    head_ref = models.TextField(blank=True, default="")
    base_ref = models.TextField(blank=True, default="")
    head_sha = models.CharField(max_length=64, blank=True, default="")
    labels = models.JSONField(default=list, blank=True)
    assignees = models.JSONField(default=list, blank=True)
    milestone_title = models.TextField(blank=True, default="")
    linked_issues = models.JSONField(default=list, blank=True)
    first_review_at = models.DateTimeField(null=True, blank=True)
    review_time_hours = models.FloatField(null=True, blank=True)
    cycle_time_hours = models.FloatField(null=True, blank=True)
    # Provenance: the event-log record this row was built from. The projector never lets an
    # event with a lower seq overwrite a row built from a higher one.
    event_seq = models.BigIntegerField(default=-1, editable=False)
    event_digest = models.CharField(max_length=32, blank=True, default="", editable=False)
    # What GitHub would not serve for this PR, by connection (e.g. {"files": {"reason":
    # "too_large", "expected": 3200, ...}}): those children are unknown, not empty.
    missing_data = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name, verbose_name_plural = "pull request", "pull requests"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "github_repo", "github_pr_id"], name="uniq_pr_number"
            ),
        ]
        indexes = [
            models.Index(fields=["team", "github_repo", "state"], name="pr_repo_state"),
            models.Index(fields=["team", "merged_at"], name="pr_merged_at"),
            models.Index(fields=["team", "pr_created_at"], name="pr_created_at"),
        ]
        ordering = ["-pr_created_at"]

    def __str__(self) -> str:
        return f"{self.github_repo}#{self.github_pr_id}"


class PRReview(TeamScoped):
    """A submitted (or pending) review; ``submitted_at`` is null when GitHub says so."""

    pull_request = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="reviews")
    github_review_id = models.BigIntegerField()
    reviewer = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    state = models.CharField(max_length=32, help_text="Lower-case GitHub review state.")
    body = models.TextField(blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name, verbose_name_plural = "PR review", "PR reviews"
        constraints = [
            models.UniqueConstraint(fields=["team", "github_review_id"], name="uniq_review_id"),
        ]
        indexes = [models.Index(fields=["team", "submitted_at"], name="review_submitted_at")]

    def __str__(self) -> str:
        return f"review {self.github_review_id} ({self.state})"


class Commit(TeamScoped):
    """A commit of a pull request, with the full message (one row per PR listing it)."""

    github_sha = models.CharField(max_length=64)
    github_repo = models.CharField(max_length=255)
    pull_request = models.ForeignKey(
        PullRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="commits"
    )
    author = models.ForeignKey(
        TeamMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="commits"
    )
    author_name = models.TextField(blank=True, default="")
    author_email = models.TextField(blank=True, default="")
    message = models.TextField(blank=True, default="")
    committed_at = models.DateTimeField(null=True, blank=True)
    additions = models.IntegerField(default=0)
    deletions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pull_request", "github_sha"],
                                    name="uniq_pr_commit_sha"),
        ]
        indexes = [models.Index(fields=["team", "committed_at"], name="commit_committed_at"),
                   models.Index(fields=["team", "github_sha"], name="commit_sha")]

    def __str__(self) -> str:
        return self.github_sha[:10]


class PRFile(TeamScoped):
    """A file changed by a pull request."""

    class Status(models.TextChoices):
        ADDED = "added"
        MODIFIED = "modified"
        REMOVED = "removed"
        RENAMED = "renamed"
        COPIED = "copied"
        CHANGED = "changed"

    class Category(models.TextChoices):
        FRONTEND = "frontend"
        BACKEND = "backend"
        TEST = "test"
        DOCS = "docs"
        CONFIG = "config"
        OTHER = "other"

    pull_request = models.ForeignKey(PullRequest, on_delete=models.CASCADE, related_name="files")
    filename = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices)
    additions = models.IntegerField(default=0)
    deletions = models.IntegerField(default=0)
    changes = models.IntegerField(default=0)
    file_category = models.CharField(max_length=16, choices=Category.choices)

    class Meta:
        verbose_name, verbose_name_plural = "PR file", "PR files"
        constraints = [
            models.UniqueConstraint(fields=["pull_request", "filename"], name="uniq_pr_file"),
        ]

    def __str__(self) -> str:
        return self.filename


class PRCheckRun(TeamScoped):
    """CI on a pull request's head commit: a check run, or a legacy commit status.

    ``kind`` says which. A check run has its GitHub id, status (queued ... completed) and
    conclusion. A commit status (Buildkite, CircleCI, Vercel ...) has no id: ``name`` is its
    context, ``status`` its state (pending, success, failure, error, expected), ``conclusion``
    the same state once final (success, failure, error) and null while pending or expected, and
    ``completed_at`` the time the final state was reported.
    """

    class Kind(models.TextChoices):
        CHECK_RUN = "check_run", "check run"
        STATUS = "status", "commit status"

    pull_request = models.ForeignKey(
        PullRequest, on_delete=models.CASCADE, related_name="check_runs"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CHECK_RUN)
    github_check_run_id = models.BigIntegerField(null=True, blank=True)
    name = models.TextField()
    status = models.CharField(max_length=32)
    conclusion = models.CharField(max_length=32, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.IntegerField(null=True, blank=True)
    description = models.TextField(blank=True, default="")
    url = models.TextField(blank=True, default="")

    class Meta:
        verbose_name, verbose_name_plural = "CI check", "CI checks"
        constraints = [
            models.UniqueConstraint(
                fields=["pull_request", "github_check_run_id"], name="uniq_pr_check_run",
                condition=models.Q(kind="check_run"),
            ),
            models.UniqueConstraint(
                fields=["pull_request", "name"], name="uniq_pr_status_context",
                condition=models.Q(kind="status"),
            ),
        ]
        indexes = [models.Index(fields=["team", "github_check_run_id"], name="check_run_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.conclusion or self.status})"

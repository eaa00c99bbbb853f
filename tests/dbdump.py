"""Full table dumps, to prove that an operation changed no row."""

from __future__ import annotations

from typing import Any

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team

MODELS = (Team, TeamMember, PullRequest, PRReview, Commit, PRFile, PRCheckRun, AppliedOffset)
VOLATILE = {"updated_at", "created_at"}  # bookkeeping timestamps of our own tables


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every seeded table (all columns but volatile bookkeeping), by pk."""
    tables = {}
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE
                  or model is PullRequest]
        tables[model.__name__] = list(model.objects.order_by("pk").values_list(*fields))
    return tables


def natural_dump() -> dict[str, set[tuple[Any, ...]]]:
    """Rows by natural keys only (no pks): comparable across databases and runs."""
    return {
        "members": set(TeamMember.objects.values_list(
            "team__slug", "github_login", "github_id", "display_name", "is_bot")),
        "prs": set(PullRequest.objects.values_list(
            "team__slug", "github_repo", "github_pr_id", "title", "body", "state", "is_draft",
            "author__github_login", "pr_created_at", "pr_updated_at", "merged_at", "closed_at",
            "additions", "deletions", "changed_files", "commits_count", "head_sha",
            "milestone_title", "first_review_at", "cycle_time_hours")),
        "reviews": set(PRReview.objects.values_list(
            "pull_request__github_repo", "pull_request__github_pr_id", "github_review_id",
            "reviewer__github_login", "state", "body", "submitted_at")),
        "commits": set(Commit.objects.values_list(
            "pull_request__github_repo", "pull_request__github_pr_id", "github_sha",
            "author__github_login", "author_name", "author_email", "message", "committed_at",
            "additions", "deletions")),
        "files": set(PRFile.objects.values_list(
            "pull_request__github_repo", "pull_request__github_pr_id", "filename", "status",
            "additions", "deletions", "changes", "file_category")),
        "check_runs": set(PRCheckRun.objects.values_list(
            "pull_request__github_repo", "pull_request__github_pr_id", "github_check_run_id",
            "name", "status", "conclusion", "started_at", "completed_at", "duration_seconds")),
    }

"""Child task: the naive way, as the original seeder wrote rows (the baseline of the projector).

One ORM round trip per row: ``get_or_create`` on the row's natural key, then field assignment
and ``save()``, for the PR and each of its reviews, commits, files, check runs and commit
statuses (team members:
``get_or_create`` with defaults). Django's default autocommit, DEBUG off. Runs on a sample of the
log (every ``stride``-th PR event), since doing all of it would take far too long; the result
is reported per PR.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.db import connection

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.seeding.events import CHILD_CONNECTIONS
from apps.seeding.projection import rows
from apps.teams.models import Team
from eventlog import EventLog

from .schema import count_rows


def seed_sample(log_dir: str, repo: str, sample: int, stride: int,
                pragmas: list[str] | None = None) -> dict[str, Any]:
    events = sample_events(Path(log_dir), sample, stride)
    with connection.cursor() as cursor:
        for pragma in pragmas or ():
            cursor.execute(pragma)
    team = Team.objects.create(name="Bench", slug="bench")
    started = time.perf_counter()
    for data in events:
        NaiveSeeder(team, repo).seed(data)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        counts = count_rows(cursor)
    children = sum(len(d[name] or ()) for d in events for name in CHILD_CONNECTIONS)
    return {"seconds": seconds, "prs": len(events), "child_rows": children, "rows": counts}


def sample_events(log_dir: Path, sample: int, stride: int) -> list[dict[str, Any]]:
    """Every ``stride``-th PR event of the log, at most ``sample`` of them."""
    picked, index = [], 0
    for record in EventLog(log_dir).read():
        if record.type != "pr":
            continue
        if index % stride == 0:
            picked.append(record.data)
            if len(picked) == sample:
                break
        index += 1
    return picked


class NaiveSeeder:
    """Per-row ``get_or_create``/``save`` of one PR event and its children."""

    def __init__(self, team: Team, repo: str) -> None:
        self.team, self.repo = team, repo

    def seed(self, data: dict[str, Any]) -> None:
        pr, _ = PullRequest.objects.get_or_create(
            team=self.team, github_repo=self.repo, github_pr_id=data["number"],
            defaults=_pr_defaults(data))
        for name, value in rows.pull_request_fields(data).items():
            setattr(pr, name, value)
        pr.author = self.member(data.get("author"))
        pr.save()
        for review in data.get("reviews") or []:
            self.review(pr, review)
        for commit in data.get("commits") or []:
            self.commit(pr, commit)
        for f in data.get("files") or []:
            self.file(pr, f)
        for run in data.get("check_runs") or []:
            self.ci(pr, rows.check_run_values(run))
        for status in data.get("statuses") or []:
            self.ci(pr, rows.status_values(status))

    def member(self, actor: dict[str, Any] | None) -> TeamMember | None:
        if not actor:
            return None
        member, _ = TeamMember.objects.get_or_create(
            team=self.team, github_login=actor["login"], defaults=rows.member_fields(actor))
        return member

    def review(self, pr: PullRequest, review: dict[str, Any]) -> None:
        obj, _ = PRReview.objects.get_or_create(team=self.team, github_review_id=review["id"],
                                                defaults={"pull_request": pr})
        _, obj.state, obj.body, obj.submitted_at = rows.review_values(review)
        obj.pull_request, obj.reviewer = pr, self.member(review.get("author"))
        obj.save()

    def commit(self, pr: PullRequest, commit: dict[str, Any]) -> None:
        obj, _ = Commit.objects.get_or_create(team=self.team, pull_request=pr,
                                              github_sha=commit["sha"],
                                              defaults={"github_repo": self.repo})
        (_, obj.author_name, obj.author_email, obj.message, obj.committed_at, obj.additions,
         obj.deletions) = rows.commit_values(commit)
        obj.author = self.member(commit.get("author"))
        obj.save()

    def file(self, pr: PullRequest, f: dict[str, Any]) -> None:
        obj, _ = PRFile.objects.get_or_create(team=self.team, pull_request=pr,
                                              filename=f["path"])
        _, obj.status, obj.additions, obj.deletions, obj.changes, obj.file_category = (
            rows.file_values(f))
        obj.save()

    def ci(self, pr: PullRequest, values: tuple) -> None:
        """A check run (by its id) or a commit status (by its context), as the projector's
        ``rows.check_run_values``/``status_values`` give them."""
        fields = dict(zip(rows.CI_COLUMNS, values, strict=True))
        key = {"github_check_run_id": fields["github_check_run_id"]} \
            if fields["kind"] == PRCheckRun.Kind.CHECK_RUN else {"name": fields["name"]}
        obj, _ = PRCheckRun.objects.get_or_create(team=self.team, pull_request=pr,
                                                  kind=fields["kind"], **key)
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save()


def _pr_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """The NOT NULL fields a new PR row needs before its real values are assigned."""
    fields = rows.pull_request_fields(data)
    return {k: fields[k] for k in ("title", "state", "pr_created_at", "pr_updated_at")}

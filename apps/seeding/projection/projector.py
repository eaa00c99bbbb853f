"""The projector: replay a repo's event log into the metrics tables, idempotently.

Reads PR events from the team's applied offset on, in batches. Each batch is applied in one
transaction that also advances the ``AppliedOffset`` row (the tracking record), so after a crash
rows and offset agree and the next run resumes at ``applied_offset + 1``. Idempotent and
order-safe: every PR row keeps the ``seq`` of the event it was built from, and an event with a
lower or equal seq never overwrites it, so replaying twice, or from any offset, changes nothing.

The latest event of a PR is the truth: fields are overwritten and children (reviews, commits,
files, check runs) are replaced by exactly what the event lists. Knows the database and the log;
knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.teams.models import Team
from eventlog import EventLog, Record

from . import rows
from ..models import AppliedOffset
from .upsert import BulkUpsert

BATCH_EVENTS = 500


@dataclass(frozen=True, slots=True)
class Window:
    """Which PRs to project: updated at or after ``since``, created at or before ``until``."""

    since: datetime | None = None
    until: datetime | None = None

    def admits(self, data: dict[str, Any]) -> bool:
        if self.since is not None and rows.when(data["updated_at"]) < self.since:
            return False
        return self.until is None or rows.when(data["created_at"]) <= self.until

    def within(self, other: Window) -> bool:
        """Is every PR this window admits also admitted by ``other``?"""
        since_ok = other.since is None or (self.since is not None and self.since >= other.since)
        until_ok = other.until is None or (self.until is not None and self.until <= other.until)
        return since_ok and until_ok

    def union(self, other: Window) -> Window:
        since = None if None in (self.since, other.since) else min(self.since, other.since)
        until = None if None in (self.until, other.until) else max(self.until, other.until)
        return Window(since, until)


@dataclass(slots=True)
class ProjectionReport:
    """What a projection did, in PRs (and log records read)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0        # the repo's other PRs already in the database

    outside_window: int = 0
    records: int = 0
    applied_offset: int = -1
    replayed_from: int = 0

    def describe(self) -> str:
        text = (f"Skipped {self.unchanged} existing PRs, created {self.created} new, "
                f"updated {self.updated}")
        if self.outside_window:
            text += f"; {self.outside_window} outside the window"
        return text

    def add(self, other: ProjectionReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.outside_window += other.outside_window


Progress = Callable[[int, ProjectionReport], None]


class Projector:
    """Projects ``log`` (the log of ``repo``) into ``team``'s rows."""

    def __init__(self, team: Team, repo: str, log: EventLog, *, window: Window | None = None,
                 batch_events: int = BATCH_EVENTS) -> None:
        self.team, self.repo, self.log = team, repo, log
        self.window = window or Window()
        self.batch_events = batch_events

    def project(self, from_offset: int | None = None,
                progress: Progress | None = None) -> ProjectionReport:
        """Apply the log from ``from_offset`` (default: after the applied offset) to its end.

        A window wider than what was projected before replays from the start of the log (rows
        already up to date are skipped by seq). Returns counts of PRs created/updated/unchanged.
        """
        tracking = self._tracking()
        if tracking.applied_offset >= 0 and tracking.applied_offset >= self.log.next_seq():
            # the log ends before what was applied: it was replaced, its seqs start over
            forget_projection(self.team, self.repo)
            tracking = self._tracking()
        stored = Window(tracking.window_since, tracking.window_until)
        start = tracking.applied_offset + 1 if from_offset is None else from_offset
        if tracking.applied_offset >= 0 and not self.window.within(stored):
            start = 0
        report = ProjectionReport(applied_offset=tracking.applied_offset, replayed_from=start)
        union = stored.union(self.window) if tracking.applied_offset >= 0 else self.window
        batch: dict[int, tuple[int, dict[str, Any]]] = {}
        last_seq = None
        for record in self.log.read(start):
            last_seq = record.seq
            report.records += 1
            self._collect(record, batch, report)
            if len(batch) >= self.batch_events:
                self._apply(batch, last_seq, union, report)
                batch = {}
                if progress:
                    progress(last_seq, report)
        if last_seq is not None:
            self._apply(batch, last_seq, union, report)
        elif union != stored:
            AppliedOffset.objects.filter(pk=tracking.pk).update(
                window_since=union.since, window_until=union.until)
        if progress and last_seq is not None:
            progress(last_seq, report)
        total = PullRequest.objects.filter(team=self.team, github_repo=self.repo).count()
        report.unchanged = total - report.created - report.updated
        return report

    def _tracking(self) -> AppliedOffset:
        tracking, _ = AppliedOffset.objects.get_or_create(team=self.team, github_repo=self.repo)
        return tracking

    def _collect(self, record: Record, batch: dict, report: ProjectionReport) -> None:
        if record.type != "pr":
            return
        if not self.window.admits(record.data):
            report.outside_window += 1
            return
        data, number = record.data, record.data["number"]
        previous = batch.get(number)
        if data.get("check_runs") is None and previous and previous[1].get("check_runs"):
            # "not fetched" is no news: keep the runs an earlier event of the batch had, as
            # projecting the two events one by one would
            data = {**data, "check_runs": previous[1]["check_runs"]}
        batch[number] = (record.seq, data)  # the latest event of a PR wins

    def _apply(self, batch: dict[int, tuple[int, dict[str, Any]]], last_seq: int,
               window: Window, report: ProjectionReport) -> None:
        with transaction.atomic():
            tracking = AppliedOffset.objects.select_for_update().get(
                team=self.team, github_repo=self.repo)
            result = BatchWriter(self.team, self.repo).write(batch)
            report.add(result)
            tracking.applied_offset = max(tracking.applied_offset, last_seq)
            tracking.window_since, tracking.window_until = window.since, window.until
            tracking.save(update_fields=["applied_offset", "window_since", "window_until",
                                         "updated_at"])
            report.applied_offset = tracking.applied_offset


def forget_projection(team: Team, repo: str) -> None:
    """Make the next projection of ``repo`` re-check every row of it against the log (after
    the log was replaced, so its seqs start over): drop the tracking record and the rows' seqs.
    """
    with transaction.atomic():
        AppliedOffset.objects.filter(team=team, github_repo=repo).delete()
        PullRequest.objects.filter(team=team, github_repo=repo).update(event_seq=-1)


class BatchWriter:
    """Writes one batch of PR events with bulk upserts (inside the caller's transaction)."""

    def __init__(self, team: Team, repo: str) -> None:
        self.team, self.repo = team, repo

    def write(self, batch: dict[int, tuple[int, dict[str, Any]]]) -> ProjectionReport:
        report = ProjectionReport()
        if not batch:
            return report
        existing = {n: (pk, seq, dig) for n, pk, seq, dig in PullRequest.objects.filter(
            team=self.team, github_repo=self.repo, github_pr_id__in=list(batch)).order_by()
            .values_list("github_pr_id", "pk", "event_seq", "event_digest")}
        changed, bumps = [], []
        for number, (seq, data) in batch.items():
            old = existing.get(number)
            digest = rows.digest(data)
            if old is not None and old[1] >= seq:
                continue
            if old is not None and old[2] == digest:
                bumps.append(PullRequest(pk=old[0], event_seq=seq))
            else:
                changed.append((seq, digest, data, old is not None))
                report.created += old is None
                report.updated += old is not None
        if bumps:
            PullRequest.objects.bulk_update(bumps, ["event_seq"])
        if changed:
            self._write_changed(changed)
        return report

    def _write_changed(self, changed: list[tuple[int, str, dict[str, Any], bool]]) -> None:
        """``changed``: (seq, digest, event data, whether the PR row existed) per PR."""
        members = self._upsert_members(a for _, _, d, _ in changed for a in rows.actors(d))
        prs = self._upsert_pull_requests(changed, members)
        self._replace_children(changed, prs, members)

    def _upsert_members(self, actors: Iterable[dict[str, Any]]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for actor in actors:
            fields = rows.member_fields(actor)
            merged = wanted.setdefault(actor["login"], fields)
            _coalesce(merged, fields)
        if not wanted:
            return {}
        current = {login: (gid, name, bot) for login, gid, name, bot in TeamMember.objects
                   .filter(team=self.team, github_login__in=list(wanted)).order_by()
                   .values_list("github_login", "github_id", "display_name", "is_bot")}
        upserts = []
        for login, fields in wanted.items():
            old = current.get(login)
            if old is not None:
                _coalesce(fields, dict(zip(MEMBER_FIELDS[2:], old, strict=True)))
                if tuple(fields[k] for k in MEMBER_FIELDS[2:]) == old:
                    continue
            upserts.append((self.team.pk, login, *(fields[k] for k in MEMBER_FIELDS[2:])))
        BulkUpsert(TeamMember, MEMBER_FIELDS, ["team_id", "github_login"]).execute(upserts)
        return dict(TeamMember.objects.filter(team=self.team, github_login__in=list(wanted))
                    .order_by().values_list("github_login", "pk"))

    def _upsert_pull_requests(self, changed, members: dict[str, int]) -> dict[int, int]:
        values = []
        for seq, digest, data, _ in changed:
            fields = rows.pull_request_fields(data)
            fields.update(author_id=members.get((data.get("author") or {}).get("login")),
                          event_seq=seq, event_digest=digest)
            values.append((self.team.pk, self.repo, data["number"],
                           *(fields[k] for k in PR_FIELDS[3:])))
        BulkUpsert(PullRequest, PR_FIELDS, PR_FIELDS[:3]).execute(values)
        numbers = [d["number"] for _, _, d, _ in changed]
        return dict(PullRequest.objects.filter(team=self.team, github_repo=self.repo,
                                               github_pr_id__in=numbers)
                    .order_by().values_list("github_pr_id", "pk"))

    def _replace_children(self, changed, prs: dict[int, int], members: dict[str, int]) -> None:
        """Replace the children of PRs that existed; new PRs have none to remove."""
        ids = [prs[d["number"]] for _, _, d, existed in changed if existed]
        with_checks = [prs[d["number"]] for _, _, d, existed in changed
                       if existed and d.get("check_runs") is not None]
        if ids:
            for model in (PRReview, Commit, PRFile):
                model.objects.filter(pull_request_id__in=ids).delete()
            PRCheckRun.objects.filter(pull_request_id__in=with_checks).delete()
        children = _Children(self.team.pk, self.repo, members)
        for _, _, data, _ in sorted(changed, key=lambda c: c[0]):  # later events win shared keys
            children.add(prs[data["number"]], data)
        children.save()


MEMBER_FIELDS = ["team_id", "github_login", "github_id", "display_name", "is_bot"]
PR_FIELDS = [
    "team_id", "github_repo", "github_pr_id", "title", "body", "state", "is_draft", "author_id",
    "pr_created_at", "pr_updated_at", "merged_at", "closed_at", "additions", "deletions",
    "changed_files", "commits_count", "head_ref", "base_ref", "head_sha", "labels",
    "assignees", "milestone_title", "linked_issues", "first_review_at", "review_time_hours",
    "cycle_time_hours", "event_seq", "event_digest",
]
REVIEW_FIELDS = ["team_id", "pull_request_id", "reviewer_id", *rows.REVIEW_COLUMNS]
COMMIT_FIELDS = ["team_id", "pull_request_id", "github_repo", "author_id", *rows.COMMIT_COLUMNS]
FILE_FIELDS = ["team_id", "pull_request_id", *rows.FILE_COLUMNS]
RUN_FIELDS = ["team_id", "pull_request_id", *rows.CHECK_RUN_COLUMNS]


class _Children:
    """Child rows of a batch as tuples, de-duplicated by their unique keys (a commit or check
    run can be listed by two PRs; the later event wins)."""

    def __init__(self, team_id: int, repo: str, members: dict[str, int]) -> None:
        self.team_id, self.repo, self.members = team_id, repo, members
        self.reviews: dict[int, tuple] = {}
        self.commits: dict[str, tuple] = {}
        self.files: dict[tuple[int, str], tuple] = {}
        self.runs: dict[int, tuple] = {}

    def _member(self, actor: dict[str, Any] | None) -> int | None:
        return self.members.get(actor["login"]) if actor else None

    def add(self, pr: int, data: dict[str, Any]) -> None:
        team, member = self.team_id, self._member
        for r in data.get("reviews") or []:
            self.reviews[r["id"]] = (team, pr, member(r.get("author")), *rows.review_values(r))
        for c in data.get("commits") or []:
            self.commits[c["sha"]] = (team, pr, self.repo, member(c.get("author")),
                                      *rows.commit_values(c))
        for f in data.get("files") or []:
            self.files[(pr, f["path"])] = (team, pr, *rows.file_values(f))
        for run in data.get("check_runs") or []:
            self.runs[run["id"]] = (team, pr, *rows.check_run_values(run))

    def save(self) -> None:
        BulkUpsert(PRReview, REVIEW_FIELDS, ["team_id", "github_review_id"]).execute(
            self.reviews.values())
        BulkUpsert(Commit, COMMIT_FIELDS, ["team_id", "github_sha"]).execute(
            self.commits.values())
        BulkUpsert(PRFile, FILE_FIELDS, ["pull_request_id", "filename"]).execute(
            self.files.values())
        BulkUpsert(PRCheckRun, RUN_FIELDS, ["team_id", "github_check_run_id"]).execute(
            self.runs.values())


def _coalesce(target: dict[str, Any], other: dict[str, Any]) -> None:
    """Fill ``target``'s empty values from ``other``; a bot flag, once set, stays set."""
    for key, value in other.items():
        if key == "is_bot":
            target[key] = bool(target.get(key)) or bool(value)
        elif target.get(key) in (None, "") and value not in (None, ""):
            target[key] = value

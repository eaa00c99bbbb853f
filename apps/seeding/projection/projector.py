"""The projector: replay a repo's event log into the metrics tables, idempotently.

Reads events from the team's applied offset on, in batches. Each batch is applied in one
transaction that also advances the ``AppliedOffset`` row (the tracking record), so after a crash
rows and offset agree and the next run resumes at ``applied_offset + 1``. Idempotent and
order-safe: every PR row keeps the ``seq`` of the last event applied to it, and an event with a
lower or equal seq never overwrites it, so replaying twice, or from any offset, changes nothing
(``force`` re-applies regardless). The window decides which PRs the database holds
(``window``); a PR the database refuses is quarantined, never blocking the rest
(``quarantine``). Knows the database and the log; knows nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from apps.metrics.models import PullRequest
from apps.teams.models import Team
from eventlog import EventLog

from .. import events as ev
from ..models import AppliedOffset
from . import quarantine as q
from .batch import BatchWriter, Statements
from .plan import ChangedPR, CIUpdate, Pending, collect, plan_batch
from .tracking import forget_projection, tracking_for
from .window import Window

BATCH_EVENTS = 500


@dataclass(slots=True)
class ProjectionReport:
    """What a projection did, in PRs (and log records read). The PRs the window admits are
    ``in_window = created + updated + unchanged``."""

    created_prs: set[int] = field(default_factory=set)
    updated_prs: set[int] = field(default_factory=set)
    unchanged: int = 0
    in_window: int = 0
    removed: int = 0                  # rows the window no longer admits
    outside_window: int = 0           # distinct PRs read that the window excludes
    quarantined: list[tuple[int, str]] = field(default_factory=list)
    records: int = 0
    prs_read: int = 0
    applied_offset: int = -1
    replayed_from: int = 0
    would_change: set[int] = field(default_factory=set)   # dry run

    @property
    def created(self) -> int:
        return len(self.created_prs)

    @property
    def updated(self) -> int:
        return len(self.updated_prs - self.created_prs)

    def describe(self) -> str:
        text = (f"{self.in_window} PRs in the window: {self.created} new, {self.updated} "
                f"updated, {self.unchanged} unchanged")
        if self.removed:
            text += f"; {self.removed} removed (outside the window)"
        if self.quarantined:
            text += f"; {len(self.quarantined)} quarantined"
        return text


Progress = Callable[[int, ProjectionReport], None]


class Projector:
    """Projects ``log`` (the log of ``repo``) into ``team``'s rows."""

    def __init__(self, team: Team, repo: str, log: EventLog, *, window: Window | None = None,
                 batch_events: int = BATCH_EVENTS, force: bool = False,
                 dry_run: bool = False) -> None:
        self.team, self.repo, self.log = team, repo, log
        self.window = window or Window()
        self.batch_events, self.force, self.dry_run = batch_events, force, dry_run
        self.writer = BatchWriter(team, repo, Statements())

    def project(self, from_offset: int | None = None,
                progress: Progress | None = None) -> ProjectionReport:
        """Apply the log from ``from_offset`` (default: after the applied offset) to its end,
        then remove the rows the window excludes. A window wider than the one projected before
        replays from the start of the log (rows already up to date are skipped by seq)."""
        start, tracking = self._start(from_offset)
        report = ProjectionReport(applied_offset=tracking.applied_offset, replayed_from=start)
        if not self.dry_run:
            self._retry_quarantined(report)
        batch: dict[int, Pending] = {}
        outside: set[int] = set()
        read: set[int] = set()
        last_seq = None
        for record in self.log.read(start):
            last_seq = record.seq
            report.records += 1
            self._collect(record, batch, outside, read)
            if len(batch) >= self.batch_events:
                self._apply(batch, last_seq, report)
                batch = {}
                if progress:
                    progress(len(read), report)
        self._apply(batch, last_seq, report)
        report.outside_window, report.prs_read = len(outside), len(read)
        if progress:
            progress(len(read), report)
        self._finish(report)
        return report

    def _start(self, from_offset: int | None) -> tuple[int, AppliedOffset]:
        tracking = tracking_for(self.team, self.repo)
        if 0 <= tracking.applied_offset >= self.log.next_seq() and not self.dry_run:
            forget_projection(self.team, self.repo)  # the log was replaced: seqs start over
            tracking = tracking_for(self.team, self.repo)
        stored = Window(tracking.window_since, tracking.window_until)
        start = tracking.applied_offset + 1 if from_offset is None else from_offset
        if tracking.applied_offset >= 0 and not self.window.within(stored):
            start = 0
        return start, tracking

    def _collect(self, record, batch: dict[int, Pending], outside: set[int],
                 read: set[int]) -> None:
        if record.type == ev.PR_TYPE:
            number = record.data.get("number")
            read.add(number)
            if not self.window.admits(record.data):
                outside.add(number)
                return
        elif record.type != ev.CI_TYPE:
            return
        collect(batch, record.type, record.seq, record.data)

    def _apply(self, batch: dict[int, Pending], last_seq: int | None,
               report: ProjectionReport) -> None:
        if self.dry_run:
            plan = plan_batch(self.team, self.repo, batch, force=self.force)
            report.would_change.update(e.number for e in plan.entries())
            return
        with transaction.atomic():
            tracking = AppliedOffset.objects.select_for_update().get(
                team=self.team, github_repo=self.repo)
            self._write(batch, report)
            if last_seq is not None:
                tracking.applied_offset = max(tracking.applied_offset, last_seq)
                tracking.save(update_fields=["applied_offset", "updated_at"])
            report.applied_offset = tracking.applied_offset

    def _write(self, batch: dict[int, Pending], report: ProjectionReport) -> None:
        plan = plan_batch(self.team, self.repo, batch, force=self.force)
        refused = q.write_isolated(self.writer.write, plan.entries())
        bad = {entry.number for entry, _ in refused}
        for entry in plan.entries():
            if entry.number in bad:
                continue
            if isinstance(entry, ChangedPR) and entry.pk is None:
                report.created_prs.add(entry.number)
            elif isinstance(entry, ChangedPR | CIUpdate):
                report.updated_prs.add(entry.number)
        q.quarantine(self.team, self.repo, [(e.number, e.seq, why) for e, why in refused])
        q.release(self.team, self.repo, [e.number for e in plan.entries() if e.number not in bad])

    def _retry_quarantined(self, report: ProjectionReport) -> None:
        """Quarantined PRs (at seqs already passed) are tried again first."""
        batch: dict[int, Pending] = {}
        for item in q.quarantined(self.team, self.repo):
            record = next(iter(self.log.read(item.event_seq)), None)
            if record is None or record.seq != item.event_seq or \
                    record.key != ev.pr_key(item.number) or not self.window.admits(record.data):
                q.release(self.team, self.repo, [item.number])  # superseded or gone
                continue
            collect(batch, record.type, record.seq, record.data)
        if batch:
            with transaction.atomic():
                self._write(batch, report)

    def _finish(self, report: ProjectionReport) -> None:
        """Remove the rows the window excludes and record the window, in one transaction."""
        rows = PullRequest.objects.filter(team=self.team, github_repo=self.repo)
        if self.dry_run:
            report.removed = rows.filter(self.window.excluded_rows()).count()
            report.in_window = rows.count() - report.removed
            return
        with transaction.atomic():
            report.removed = rows.filter(self.window.excluded_rows()).delete()[1].get(
                PullRequest._meta.label, 0)
            AppliedOffset.objects.filter(team=self.team, github_repo=self.repo).update(
                window_since=self.window.since, window_until=self.window.until)
        report.in_window = rows.count()
        report.unchanged = max(0, report.in_window - report.created - report.updated)
        report.quarantined = [(item.number, item.reason)
                              for item in q.quarantined(self.team, self.repo)]

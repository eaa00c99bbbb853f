"""What one batch of log records would change in the database, decided before anything is written
(and all that ``eventlog replay --dry-run`` does).

Per PR, the latest ``pr`` event of the batch wins, with what a later ``ci`` event for the same
head commit says about its CI; a connection the event does not hold (not fetched, unavailable)
keeps what an earlier event of the batch had, as projecting them one by one would. Against the
database: an event whose seq is not newer than the row's is skipped (replays change nothing),
one whose content equals the row's only moves the row's seq, the others are written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from apps.metrics.models import PullRequest
from apps.teams.models import Team

from .. import events as ev
from . import rows


@dataclass(slots=True)
class Pending:
    """The batch's say about one PR: its latest PR event (if any) and CI seen after it."""

    seq: int
    event: ev.PREvent | None = None
    ci: ev.CIEvent | None = None


@dataclass(slots=True)
class ChangedPR:
    """A PR row to create or rewrite, with its children."""

    number: int
    seq: int
    digest: str
    event: ev.PREvent
    pk: int | None               # the existing row, None for a new PR


@dataclass(slots=True)
class CIUpdate:
    """New CI for an existing row whose content is otherwise unchanged."""

    number: int
    seq: int
    pk: int
    ci: ev.CIEvent


@dataclass(slots=True)
class Bump:
    """Same content as the row: only the row's seq moves."""

    number: int
    seq: int
    pk: int


@dataclass(slots=True)
class BatchPlan:
    changed: list[ChangedPR] = field(default_factory=list)
    ci_updates: list[CIUpdate] = field(default_factory=list)
    bumps: list[Bump] = field(default_factory=list)
    skipped: int = 0

    @property
    def created(self) -> int:
        return sum(c.pk is None for c in self.changed)

    @property
    def updated(self) -> int:
        return sum(c.pk is not None for c in self.changed) + len(self.ci_updates)

    def entries(self) -> list[ChangedPR | CIUpdate | Bump]:
        return [*self.changed, *self.ci_updates, *self.bumps]


def collect(batch: dict[int, Pending], record_type: str, seq: int, data: dict[str, Any]) -> None:
    """Add one record (already admitted by the window, for PR events) to ``batch``."""
    if record_type == ev.PR_TYPE:
        event = ev.read_pr_event(data)
        previous = batch.get(event["number"])
        if previous is not None and previous.event is not None:
            event = _keep_missing(event, _with_ci(previous.event, previous.ci))
        batch[event["number"]] = Pending(seq, event)
    elif record_type == ev.CI_TYPE:
        ci = ev.read_ci_event(data)
        pending = batch.setdefault(ci["number"], Pending(seq))
        if pending.event is None or pending.event["head_sha"] == ci["head_sha"]:
            pending.seq, pending.ci = seq, ci


def plan_batch(team: Team, repo: str, batch: dict[int, Pending], *,
               force: bool = False) -> BatchPlan:
    """Decide what ``batch`` changes (``force``: rewrite every PR regardless of seq)."""
    existing = {n: (pk, seq, dig, head) for n, pk, seq, dig, head in PullRequest.objects.filter(
        team=team, github_repo=repo, github_pr_id__in=list(batch)).order_by()
        .values_list("github_pr_id", "pk", "event_seq", "event_digest", "head_sha")}
    plan = BatchPlan()
    for number, pending in batch.items():
        old = existing.get(number)
        if old is not None and old[1] >= pending.seq and not force:
            plan.skipped += 1
        elif pending.event is not None:
            _plan_event(plan, number, pending, old, force)
        elif old is not None and pending.ci is not None and old[3] == pending.ci["head_sha"]:
            plan.ci_updates.append(CIUpdate(number, pending.seq, old[0], pending.ci))
        else:
            plan.skipped += 1  # CI of a PR the database does not hold (outside the window)
    return plan


def _plan_event(plan: BatchPlan, number: int, pending: Pending, old: tuple | None,
                force: bool) -> None:
    event = _with_ci(pending.event, pending.ci)
    digest = rows.digest(event)
    if old is not None and old[2] == digest and not force:
        plan.bumps.append(Bump(number, pending.seq, old[0]))
    else:
        plan.changed.append(ChangedPR(number, pending.seq, digest, event,
                                      None if old is None else old[0]))


def _with_ci(event: ev.PREvent, ci: ev.CIEvent | None) -> ev.PREvent:
    """``event`` with the lists of a later CI event of the same head commit."""
    if ci is None or ci["head_sha"] != event["head_sha"]:
        return event
    merged = dict(event)
    unavailable = dict(event["unavailable"])
    for name in ev.CI_CONNECTIONS:
        if ci[name] is not None:
            merged[name] = ci[name]
            unavailable.pop(name, None)
        elif name in ci["unavailable"]:
            unavailable[name] = ci["unavailable"][name]
    merged["unavailable"] = unavailable
    return merged  # type: ignore[return-value]


def _keep_missing(event: ev.PREvent, earlier: ev.PREvent) -> ev.PREvent:
    """``event`` holding ``earlier``'s lists where it has none (not fetched or unavailable)."""
    holes = [n for n in ev.CHILD_CONNECTIONS if event[n] is None and earlier[n] is not None]
    if not holes:
        return event
    return {**event, **{n: earlier[n] for n in holes}}  # type: ignore[return-value]

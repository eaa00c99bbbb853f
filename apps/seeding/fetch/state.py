"""What the fetcher knows about a repo's log, and which pass it should run next.

The state travels in every commit marker's ``meta`` (``{"fetch": ..., "complete": bool}``), so
the latest marker alone says where to resume: it survives crashes (it is committed with the
events it describes) and compaction (the latest marker is always kept). Pure: no I/O.

Coverage: after a complete pass the log holds the latest state, as of ``synced_at`` (when that
pass started, by GitHub's clock), of every PR updated at or after ``covered_since`` (or of every
PR at all when ``reached_end``), or of the ``limit_prs`` most recently updated PRs when a
``--max-prs`` cut the pass short. ``boundary_cursor`` is where the newest-first walk stopped, so
a wider window continues from there instead of starting over.

Beside the passes, the state remembers the repository's canonical name as GitHub reports it,
the PRs recorded incomplete (to retry by number), and the largest page size known to work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from apps.seeding.events import PERMANENT_GAPS
from apps.seeding.timestamps import format_ts as ts
from apps.seeding.timestamps import parse_ts

__all__ = ["FetchRequest", "FetchState", "Mode", "PassPlan", "PassState", "PassStatus",
           "Reason", "parse_ts", "ts"]
# PRs per page unless --page-size says otherwise: on heavy-tailed data with CI, 100 costs 3.8
# requests per 100 PRs against 6.0 at 50, and 12% fewer points (bench/README.md, spend).
DEFAULT_PAGE_SIZE = 100
RETRY_LIMIT = 1  # automatic retries of an incomplete PR, by the next run (whatever its kind)


class Mode(StrEnum):
    FULL = "full"
    UPDATE = "update"
    BACKFILL = "backfill"


class PassStatus(StrEnum):
    STARTED = "started"
    COMPLETE = "complete"
    FAILED = "failed"        # GitHub kept failing; the next run resumes
    STOPPED = "stopped"      # a rate-limit wait too long, Ctrl-C, SIGTERM; the next run resumes


class Reason(StrEnum):
    """Why a complete pass ended."""

    WINDOW = "window"        # reached a PR updated before the window
    END = "end"              # reached the oldest PR
    LIMIT = "limit"          # reached --max-prs


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What the user asked for one repo."""

    since: datetime | None = None
    max_prs: int | None = None
    update: bool = False
    check_runs: bool = True
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class PassState:
    """A pass in progress: committed with every page, so a new run resumes it."""

    id: str
    mode: str
    since: str | None
    cursor: str | None = None          # ``after`` for the next page (None: first page)
    started_at: str | None = None      # GitHub's Date of the pass's first response
    pages: int = 0
    prs: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    max_prs: int | None = None
    check_runs: bool = True
    stats: dict[str, Any] = field(default_factory=dict)
    ci_denied: dict[str, str] = field(default_factory=dict)  # check_runs/statuses -> why
    total_prs: int | None = None       # GitHub's totalCount, or an estimate for a window
    total_estimated: bool = False
    newest_updated: str | None = None  # updatedAt of the pass's first PR (for the estimate)


@dataclass(frozen=True, slots=True)
class PassPlan:
    """The next pass to run: resume ``state.active``, or start a new one."""

    mode: str
    since: str | None
    cursor: str | None
    max_prs: int | None
    resume: bool = False


@dataclass(frozen=True, slots=True)
class FetchState:
    active: PassState | None = None
    covered_since: str | None = None
    reached_end: bool = False
    synced_at: str | None = None
    boundary_cursor: str | None = None
    limit_prs: int | None = None
    check_runs: bool | None = None
    passes: int = 0
    last_pass: dict[str, Any] | None = None
    name_with_owner: str | None = None
    page_size_limit: int | None = None   # largest page size known to work after a timeout
    incomplete: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> missing
    refreshing: bool = False             # a --refresh started and its full pass is not done

    # -- serialisation -------------------------------------------------------------------

    def to_meta(self) -> dict[str, Any]:
        """The commit-marker meta carrying this state."""
        return {"fetch": asdict(self), "complete": self.complete}

    @classmethod
    def from_meta(cls, meta: dict[str, Any] | None) -> FetchState:
        doc = dict((meta or {}).get("fetch") or {})
        if doc.get("active"):
            doc["active"] = PassState(**_known(PassState, doc["active"]))
        return cls(**_known(cls, doc))

    # -- questions -----------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        """True when no pass is pending and the last one completed."""
        return self.active is None and bool(self.last_pass) and \
            self.last_pass.get("status") == "complete"

    @property
    def update_pending(self) -> bool:
        """An ``--update`` pass was interrupted and waits for the next ``--update``."""
        return self.active is not None and self.active.mode == Mode.UPDATE

    def covers(self, since: str | None, max_prs: int | None) -> bool:
        """Does the log already hold everything a request for (since, max_prs) needs? (An
        interrupted update does not change what the last complete pass covered.)"""
        if (self.active is not None and not self.update_pending) or self.synced_at is None:
            return False
        if self.reached_end:
            return True
        if since is not None and self.covered_since is not None and self.covered_since <= since:
            return True
        return max_prs is not None and self.limit_prs is not None and self.limit_prs >= max_prs

    def next_pass(self, request: FetchRequest, *, update_done: bool) -> PassPlan | None:
        """The pass to run next for ``request``, or ``None`` when the log serves it as is."""
        since = ts(request.since)
        if self.active is not None:
            a = self.active
            if self.update_pending and not request.update and self.covers(since, request.max_prs):
                return None  # the interrupted update is resumed by the next --update
            return PassPlan(a.mode, a.since, a.cursor, a.max_prs, resume=True)
        if request.update and not update_done and self.synced_at is not None:
            return PassPlan(Mode.UPDATE, self.synced_at, None, None)
        if self.covers(since, request.max_prs):
            return None
        if self.synced_at is not None and self.boundary_cursor is not None:
            extra = None if request.max_prs is None else request.max_prs - (self.limit_prs or 0)
            return PassPlan(Mode.BACKFILL, since, self.boundary_cursor, extra)
        return PassPlan(Mode.FULL, since, None, request.max_prs)

    # -- transitions ---------------------------------------------------------------------

    def start(self, plan: PassPlan, request: FetchRequest) -> FetchState:
        number = self.passes + 1
        size = min(request.page_size, self.page_size_limit or request.page_size)
        active = PassState(f"{plan.mode}-{number}", plan.mode, plan.since, plan.cursor,
                           page_size=size, max_prs=plan.max_prs,
                           check_runs=request.check_runs)
        return replace(self, active=active, passes=number)

    def finish(self, p: PassState, reason: str, final_cursor: str | None,
               finished_at: str) -> FetchState:
        """The state after pass ``p`` completed; ``reason`` is window, end or limit."""
        changes: dict[str, Any] = {"active": None, "last_pass": _summary(
            p, PassStatus.COMPLETE, reason, finished_at)}
        if reason == Reason.END:
            changes["reached_end"] = True
        if p.mode in (Mode.FULL, Mode.BACKFILL):
            changes["boundary_cursor"] = final_cursor
            changes["check_runs"] = p.check_runs if self.check_runs is None else \
                self.check_runs and p.check_runs
            if reason == Reason.WINDOW:
                changes["covered_since"] = p.since
            elif reason == Reason.LIMIT:
                changes["limit_prs"] = (self.limit_prs or 0) + p.prs
        if p.mode in (Mode.FULL, Mode.UPDATE):
            changes["synced_at"] = p.started_at
        if p.mode == Mode.FULL:
            changes["refreshing"] = False
        return replace(self, **changes)

    def with_events(self, events: list[dict[str, Any]], retried: bool = False) -> FetchState:
        """The state after ``events`` (PR events) were appended: a PR with a gap worth fetching
        again is recorded incomplete; a complete one is no longer. ``retried``: these events
        are retries of incomplete PRs (counted against ``RETRY_LIMIT``)."""
        incomplete = dict(self.incomplete)
        for event in events:
            key = str(event["number"])
            missing = {k: v["reason"] for k, v in (event.get("unavailable") or {}).items()
                       if v["reason"] not in PERMANENT_GAPS}
            if not missing:
                incomplete.pop(key, None)
                continue
            tries = incomplete.get(key, {}).get("tries", 0) + 1 if retried else 0
            incomplete[key] = {"missing": missing, "tries": tries}
        return replace(self, incomplete=incomplete)

    def retry_due(self) -> list[int]:
        """Incomplete PRs to fetch again by number now: each is retried ``RETRY_LIMIT`` times
        after it was fetched incomplete (a PR that changes on GitHub is fetched anew by the
        next pass and gets its retries again)."""
        return sorted(int(n) for n, entry in self.incomplete.items()
                      if entry.get("tries", 0) < RETRY_LIMIT)

    def interrupted(self, p: PassState, status: str, error: str, at: str) -> FetchState:
        """The state after pass ``p`` failed or stopped: it stays active, to be resumed."""
        summary = _summary(p, status, None, at) | {"error": error}
        return replace(self, active=p, last_pass=summary)


def _summary(p: PassState, status: str, reason: str | None, at: str) -> dict[str, Any]:
    return {"id": p.id, "mode": str(p.mode), "status": str(status),
            "reason": None if reason is None else str(reason), "since": p.since,
            "started_at": p.started_at, "finished_at": at, "pages": p.pages, "prs": p.prs,
            "stats": p.stats, "ci_denied": p.ci_denied}


def _known(cls: type, doc: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``doc`` that ``cls`` has (a state written by another version loads)."""
    return {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}

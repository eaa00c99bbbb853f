"""What the fetcher knows about a repo's log, and which pass it should run next.

The state travels in every commit marker's ``meta`` (``{"fetch": ..., "complete": bool}``), so
the latest marker alone says where to resume: it survives crashes (it is committed with the
events it describes) and compaction (the latest marker is always kept). Pure: no I/O.

Coverage: after a complete pass the log holds the latest state, as of ``synced_at`` (when that
pass started, by GitHub's clock), of every PR updated at or after ``covered_since`` (or of every
PR at all when ``reached_end``), or of the ``limit_prs`` most recently updated PRs when a
``--max-prs`` cut the pass short. ``boundary_cursor`` is where the newest-first walk stopped, so
a wider window continues from there instead of starting over.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

MODES = ("full", "update", "backfill")


def ts(value: datetime | None) -> str | None:
    """A UTC timestamp in GitHub's format (``2026-01-02T03:04:05Z``)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_ts(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What the user asked for one repo."""

    since: datetime | None = None
    max_prs: int | None = None
    update: bool = False
    check_runs: bool = True
    page_size: int = 50


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
    page_size: int = 50
    good_pages: int = 0                # successes since the page size last changed
    max_prs: int | None = None
    check_runs: bool = True
    stats: dict[str, Any] = field(default_factory=dict)


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

    # -- serialisation -------------------------------------------------------------------

    def to_meta(self) -> dict[str, Any]:
        """The commit-marker meta carrying this state."""
        return {"fetch": asdict(self), "complete": self.complete}

    @classmethod
    def from_meta(cls, meta: dict[str, Any] | None) -> FetchState:
        doc = dict((meta or {}).get("fetch") or {})
        if doc.get("active"):
            doc["active"] = PassState(**doc["active"])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in doc.items() if k in known})

    # -- questions -----------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        """True when no pass is pending and the last one completed."""
        return self.active is None and bool(self.last_pass) and \
            self.last_pass.get("status") == "complete"

    def covers(self, since: str | None, max_prs: int | None) -> bool:
        """Does the log already hold everything a request for (since, max_prs) needs?"""
        if self.active is not None or self.synced_at is None:
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
            return PassPlan(a.mode, a.since, a.cursor, a.max_prs, resume=True)
        if request.update and not update_done and self.synced_at is not None:
            return PassPlan("update", self.synced_at, None, None)
        if self.covers(since, request.max_prs):
            return None
        if self.synced_at is not None and self.boundary_cursor is not None:
            extra = None if request.max_prs is None else request.max_prs - (self.limit_prs or 0)
            return PassPlan("backfill", since, self.boundary_cursor, extra)
        return PassPlan("full", since, None, request.max_prs)

    # -- transitions ---------------------------------------------------------------------

    def start(self, plan: PassPlan, request: FetchRequest) -> FetchState:
        number = self.passes + 1
        active = PassState(f"{plan.mode}-{number}", plan.mode, plan.since, plan.cursor,
                           page_size=request.page_size, max_prs=plan.max_prs,
                           check_runs=request.check_runs)
        return replace(self, active=active, passes=number)

    def finish(self, p: PassState, reason: str, final_cursor: str | None,
               finished_at: str) -> FetchState:
        """The state after pass ``p`` completed; ``reason`` is window, end or limit."""
        changes: dict[str, Any] = {"active": None, "last_pass": _summary(p, "complete", reason,
                                                                          finished_at)}
        if reason == "end":
            changes["reached_end"] = True
        if p.mode in ("full", "backfill"):
            changes["boundary_cursor"] = final_cursor
            changes["check_runs"] = p.check_runs if self.check_runs is None else \
                self.check_runs and p.check_runs
            if reason == "window":
                changes["covered_since"] = p.since
            elif reason == "limit":
                changes["limit_prs"] = (self.limit_prs or 0) + p.prs
        if p.mode in ("full", "update"):
            changes["synced_at"] = p.started_at
        return replace(self, **changes)

    def interrupted(self, p: PassState, status: str, error: str, at: str) -> FetchState:
        """The state after pass ``p`` failed or stopped: it stays active, to be resumed."""
        summary = _summary(p, status, None, at) | {"error": error}
        return replace(self, active=p, last_pass=summary)


def _summary(p: PassState, status: str, reason: str | None, at: str) -> dict[str, Any]:
    return {"id": p.id, "mode": p.mode, "status": status, "reason": reason, "since": p.since,
            "started_at": p.started_at, "finished_at": at, "pages": p.pages, "prs": p.prs,
            "stats": p.stats}

"""How one repository's run ended: the facts the summary, ``--json`` and the exit code use."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .fetch.reporting import FetchWarning
from .projection.projector import ProjectionReport


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"          # GitHub kept failing: resumable
    STOPPED = "stopped"        # rate-limit wait too long, Ctrl-C, SIGTERM: resumable
    LOCKED = "locked"          # another process writes this repository's log
    NOT_FOUND = "not_found"    # GitHub has no such repository (final)
    ERROR = "error"            # the log, the database or the configuration failed


@dataclass(slots=True)
class RepoOutcome:
    """One repository's run; ``ok`` is false when the command must exit non-zero."""

    repo: str                  # as asked
    team: str
    name: str                  # as GitHub calls it (rows are stored under this name)
    status: Outcome = Outcome.OK
    message: str = ""
    cause: BaseException | None = None
    api: dict[str, Any] = field(default_factory=dict)
    fetched_prs: int = 0
    ci_events: int = 0
    projection: ProjectionReport | None = None
    warnings: list[str] = field(default_factory=list)
    fetch_warnings: list[FetchWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    incomplete: dict[str, dict[str, Any]] = field(default_factory=dict)
    update_pending: bool = False
    refreshing: bool = False
    removed_log: bool = False

    def fail(self, status: Outcome, message: str, cause: BaseException | None = None) -> None:
        self.status, self.message, self.cause = Outcome(status), message, cause

    @property
    def quarantined(self) -> list[tuple[int, str]]:
        return self.projection.quarantined if self.projection else []

    @property
    def ok(self) -> bool:
        return self.status == Outcome.OK and not self.quarantined

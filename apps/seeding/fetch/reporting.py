"""What the fetch side tells its caller while it works: progress callbacks and warnings.

Warnings are facts with a kind, never advice naming a command: the command that runs the fetch
words what the user should do (``summary.advice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from .state import PassState


class WarningKind(StrEnum):
    CI_FORBIDDEN = "ci_forbidden"        # the token may not read check runs or statuses
    UNKNOWN_ENUM = "unknown_enum"        # GitHub sent an enum value this code does not know
    RENAMED = "renamed"                  # GitHub reports another name for the repository
    INCOMPLETE = "incomplete"            # PRs with connections GitHub would not serve
    PR_UNAVAILABLE = "pr_unavailable"    # GitHub could not serve a PR of a page at all
    SERVER_SCHEMA = "server_schema"      # an older GitHub Enterprise schema: adapted queries


@dataclass(frozen=True, slots=True)
class FetchWarning:
    kind: WarningKind
    message: str
    detail: str = ""                     # machine-readable detail (a field, a value, a name)


class FetchReporter(Protocol):
    """Progress callbacks (the command shows them; tests may ignore them)."""

    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None: ...
    def page_committed(self, repo: str, p: PassState, points: int) -> None: ...
    def pass_finished(self, repo: str, p: PassState, reason: str) -> None: ...
    def note(self, repo: str, message: str) -> None: ...
    def warning(self, repo: str, warning: FetchWarning) -> None: ...


class NullReporter:
    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None:
        pass

    def page_committed(self, repo: str, p: PassState, points: int) -> None:
        pass

    def pass_finished(self, repo: str, p: PassState, reason: str) -> None:
        pass

    def note(self, repo: str, message: str) -> None:
        pass

    def warning(self, repo: str, warning: FetchWarning) -> None:
        pass


class WarningLog:
    """Warnings of one repository's fetch, each reported once (by kind and detail)."""

    def __init__(self, repo: str, reporter: FetchReporter) -> None:
        self.repo, self.reporter = repo, reporter
        self.items: list[FetchWarning] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, kind: WarningKind, message: str, detail: str = "") -> None:
        if (kind, detail) in self._seen:
            return
        self._seen.add((kind, detail))
        warning = FetchWarning(kind, message, detail)
        self.items.append(warning)
        self.reporter.warning(self.repo, warning)

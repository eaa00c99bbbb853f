"""``seed_real_projects --json``: one JSON object per line on stdout, instead of human output.

Every object has ``event`` (one of ``EVENTS``) and ``time`` (UTC, ISO 8601); the others are:

* ``pass_started``: repo, pass, mode, since, resumed
* ``page_committed``: repo, pass, pages, prs, requests, points, waits
* ``pass_finished``: repo, pass, mode, reason, pages, prs, stats
* ``wait``: repo, seconds, reason
* ``warning``: repo, kind, message
* ``note``: repo, message
* ``cleared``: team, repos, rows
* ``repo_done``: the repository's outcome (``summary.outcome_json``)
* ``summary``: repositories, ok, requests, exit_code

Output is ASCII JSON (every other character escaped), so it is exact and safe on a terminal.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from .fetch.interrupts import StopFlag
from .fetch.reporting import FetchWarning
from .fetch.state import PassState
from .projection.projector import ProjectionReport
from .summary import outcome_json

EVENTS = ("pass_started", "page_committed", "pass_finished", "wait", "warning", "note",
          "cleared", "repo_done", "summary")


class JsonReporter:
    """The ``ConsoleReporter`` interface, writing JSON lines to ``stream``."""

    def __init__(self, stream: TextIO, *, sleep: Callable[[float], None] = time.sleep,
                 stop: StopFlag | None = None) -> None:
        self.stream, self.stop, self._sleep = stream, stop, sleep
        self._lock = threading.Lock()
        self._local = threading.local()
        self.live = False

    def emit(self, event: str, **fields: Any) -> None:
        record = {"event": event, "time": datetime.now(UTC).isoformat(timespec="seconds"),
                  **fields}
        with self._lock:
            self.stream.write(json.dumps(record, ensure_ascii=True, default=str) + "\n")
            flush = getattr(self.stream, "flush", None)
            if flush:
                flush()

    def line(self, text: str, style: str | None = None, *, level: int = 1) -> None:
        """Human lines are not part of the JSON stream."""

    def cleared(self, team: str, repos: tuple[str, ...], counts: dict[str, int]) -> None:
        self.emit("cleared", team=team, repos=list(repos), rows=sum(counts.values()))

    def repo_started(self, repo: str) -> None:
        self._local.repo = repo

    def repo_finished(self, repo: str, outcome) -> None:
        self.emit("repo_done", **outcome_json(outcome))

    def finish(self) -> None:
        pass

    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None:
        self.emit("pass_started", repo=repo, **{"pass": p.id}, mode=str(p.mode), since=p.since,
                  resumed=resumed)

    def page_committed(self, repo: str, p: PassState, points: int) -> None:
        s = p.stats
        self.emit("page_committed", repo=repo, **{"pass": p.id}, pages=p.pages, prs=p.prs,
                  requests=s.get("requests", 0), points=s.get("points", 0),
                  waits=s.get("waits", 0) + s.get("retries", 0), total_prs=p.total_prs,
                  total_estimated=p.total_estimated)

    def pass_finished(self, repo: str, p: PassState, reason: str) -> None:
        self.emit("pass_finished", repo=repo, **{"pass": p.id}, mode=str(p.mode),
                  reason=str(reason), pages=p.pages, prs=p.prs, stats=p.stats)

    def note(self, repo: str, message: str) -> None:
        self.emit("note", repo=repo, message=message)

    def warning(self, repo: str, warning: FetchWarning) -> None:
        self.emit("warning", repo=repo, kind=str(warning.kind), message=warning.message)

    def wait(self, seconds: float, reason: str) -> None:
        self.emit("wait", repo=getattr(self._local, "repo", None), seconds=round(seconds, 1),
                  reason=reason)
        if self.stop is not None:
            self.stop.sleep(seconds)
        else:
            self._sleep(seconds)

    def projection(self, repo: str, total: int) -> Callable[[int, ProjectionReport], None]:
        return lambda prs, report: None

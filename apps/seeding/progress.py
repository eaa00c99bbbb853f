"""Console progress for seeding: a live table on a terminal, plain lines otherwise.

Implements the fetcher's ``FetchReporter``, the client's sleep (a visible countdown while rate
limited) and the projector's progress callback, for any number of repositories at once (thread
safe). On a terminal: one row per running repository (pass, pages, PRs, waits, ETA) and an
overall line. Not on a terminal: a line per few pages, every wait, and a heartbeat line at least
every ``HEARTBEAT`` seconds during long work and long waits. Everything from GitHub is printed
escaped (``eventlog.text.printable``); never sees a token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console

from eventlog.text import printable

from .fetch.interrupts import StopFlag
from .fetch.reporting import FetchWarning
from .fetch.state import PassState, Reason
from .live import LiveBoard, RepoRow
from .projection.projector import ProjectionReport

PLAIN_PAGE_EVERY = 10   # without a terminal, one line per this many pages (verbosity 1)
HEARTBEAT = 30.0
REASONS = {Reason.WINDOW: "reached the window start", Reason.END: "reached the oldest PR",
           Reason.LIMIT: "reached --max-prs"}


class TextStream:
    """A plain text stream over Django's ``OutputWrapper`` (which would end every partial
    write with a newline): what rich needs, through the wrapper's public API."""

    def __init__(self, wrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, ending="")
        return len(text)

    def flush(self) -> None:
        self.wrapper.flush()

    def isatty(self) -> bool:
        return self.wrapper.isatty()


class ConsoleReporter:
    """Progress for one command run, written to ``stream`` (any object with ``write``)."""

    def __init__(self, stream: TextIO, *, force_terminal: bool | None = None,
                 sleep: Callable[[float], None] = time.sleep, verbosity: int = 1,
                 color: bool = True, stop: StopFlag | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.console = Console(file=stream, force_terminal=force_terminal, highlight=False,
                               soft_wrap=True, color_system="auto" if color else None,
                               no_color=not color, markup=False, emoji=False)
        self.live = self.console.is_terminal and color and verbosity > 0
        self.verbosity, self.stop, self.clock = verbosity, stop, clock
        self._sleep = sleep
        self._lock = threading.RLock()
        self._board = LiveBoard(self.console, clock) if self.live else None
        self._last_line = clock()
        self._local = threading.local()   # the repository this thread works on

    # -- plain lines ---------------------------------------------------------------------

    def line(self, text: str, style: str | None = None, *, level: int = 1) -> None:
        """Print ``text`` (already escaped) unless the verbosity is below ``level``."""
        if self.verbosity < level:
            return
        with self._lock:
            self._last_line = self.clock()
            if self._board is not None:
                self._board.print(text, style)
            else:
                self.console.print(text, style=style)

    def _row(self, repo: str) -> RepoRow | None:
        return self._board.row(repo) if self._board is not None else None

    # -- runs and repositories -----------------------------------------------------------

    def cleared(self, team: str, repos: tuple[str, ...], counts: dict[str, int]) -> None:
        rows = sum(counts.values())
        what = _n(len(repos), "repository")
        self.line(f"team {printable(team)}: cleared {rows:,} rows of {what}")

    def repo_started(self, repo: str) -> None:
        self._local.repo = repo
        if self._board is not None:
            self._board.start(repo)

    def repo_finished(self, repo: str, outcome) -> None:
        if self._board is not None:
            self._board.finish(repo, str(outcome.status))
        for warning in outcome.warnings:
            self.line(f"{printable(repo)}: warning: {printable(warning)}", "yellow")

    def finish(self) -> None:
        if self._board is not None:
            self._board.stop()

    # -- fetch -----------------------------------------------------------------------------

    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None:
        verb = "resuming" if resumed else "starting"
        window = f"PRs updated since {p.since}" if p.since else "all PRs"
        where = f" at page {p.pages + 1}" if resumed and p.pages else ""
        self.line(f"{printable(repo)}: {verb} {p.mode} pass {p.id}{where} ({window})")
        row = self._row(repo)
        if row is not None:
            row.begin_pass(p)

    def page_committed(self, repo: str, p: PassState, points: int) -> None:
        row = self._row(repo)
        if row is not None:
            row.page(p)
            return
        every = 1 if self.verbosity >= 2 else PLAIN_PAGE_EVERY
        if p.pages % every == 0 or self.clock() - self._last_line >= HEARTBEAT:
            self.line(f"{printable(repo)}: {_stats(p)}")

    def pass_finished(self, repo: str, p: PassState, reason: str) -> None:
        why = REASONS.get(reason, reason)
        s = p.stats
        self.line(f"{printable(repo)}: {p.mode} pass {p.id} complete ({why}): {_stats(p)}, "
                  f"{s.get('retries', 0)} retries ({s.get('wait_seconds', 0)} s waiting)")

    def note(self, repo: str, message: str) -> None:
        self.line(f"{printable(repo)}: {printable(message, 300)}", "yellow", level=2)

    def warning(self, repo: str, warning: FetchWarning) -> None:
        self.line(f"{printable(repo)}: warning: {printable(warning.message, 400)}", "yellow")

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds`` (the client's sleep), showing a countdown or heartbeat lines."""
        repo = getattr(self._local, "repo", "")
        label = f"{printable(repo)}: " if repo else ""
        if self._board is None and seconds >= 1:
            self.line(f"{label}waiting {seconds:.0f} s ({printable(reason, 120)})")
        left = seconds
        while left > 0:
            if self._board is not None:
                self._board.waiting(repo, left, reason)
            elif self.clock() - self._last_line >= HEARTBEAT:
                self.line(f"{label}still waiting: {left:.0f} s left ({printable(reason, 120)})")
            step = min(1.0 if self._board is not None else HEARTBEAT, left)
            self._pause(step)
            left -= step
        if self._board is not None:
            self._board.waiting(repo, 0, "")

    def _pause(self, seconds: float) -> None:
        if self.stop is not None:
            self.stop.sleep(seconds)
        else:
            self._sleep(seconds)

    # -- projection --------------------------------------------------------------------

    def projection(self, repo: str, total_records: int) -> Callable[[int, ProjectionReport], None]:
        """A progress callback for projecting ``repo``: PRs read so far."""
        if self._board is not None:
            self._board.projecting(repo, total_records)

        def update(prs: int, report: ProjectionReport) -> None:
            if self._board is not None:
                self._board.projected(repo, prs, report.created, report.updated)
            elif self.clock() - self._last_line >= HEARTBEAT:
                self.line(f"{printable(repo)}: projecting: {prs:,} PRs read")
        return update


def _stats(p: PassState) -> str:
    s = p.stats
    waits = int(s.get("waits", 0) + s.get("retries", 0))
    return (f"{p.prs:,} PRs, {_n(p.pages, 'page')}, {_n(int(s.get('requests', 0)), 'request')}, "
            f"{_n(int(s.get('points', 0)), 'point')}, {_n(waits, 'wait')}")


def _n(count: int, noun: str) -> str:
    plural = "repositories" if noun == "repository" else f"{noun}s"
    return f"{count:,} {noun if count == 1 else plural}"

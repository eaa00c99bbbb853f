"""Console progress for seeding: rich live displays on a terminal, plain lines otherwise.

Implements the fetcher's ``FetchReporter``, the client's sleep (a visible countdown while rate
limited) and the projector's progress callback. Never sees a token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

from .fetch.state import PassState
from .projection.projector import ProjectionReport

PLAIN_PAGE_EVERY = 10  # without a terminal, one line per this many pages


class ConsoleReporter:
    """Progress for one command run, written to ``stream``."""

    def __init__(self, stream: TextIO, *, force_terminal: bool | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.console = Console(file=stream, force_terminal=force_terminal, highlight=False,
                               soft_wrap=True)
        self.live = self.console.is_terminal
        self._sleep = sleep
        self._progress: Progress | None = None
        self._task = None

    def line(self, text: str, style: str | None = None) -> None:
        self.console.print(escape(text), style=style)

    # -- fetch -------------------------------------------------------------------------

    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None:
        verb = "resuming" if resumed else "starting"
        window = f"PRs updated since {p.since}" if p.since else "all PRs"
        where = f" at page {p.pages + 1}" if resumed and p.pages else ""
        self.line(f"{repo}: {verb} {p.mode} pass {p.id}{where} ({window})")
        self._start(f"{repo} fetching", total=None)

    def page_committed(self, repo: str, p: PassState, points: int) -> None:
        s = p.stats
        text = (f"{repo}: {p.prs} PRs, {p.pages} pages, {s.get('requests', 0)} requests, "
                f"{s.get('points', 0)} points, {s.get('waits', 0)} waits")
        if self._progress is not None:
            self._progress.update(self._task, description=escape(text))
        elif p.pages % PLAIN_PAGE_EVERY == 0:
            self.line(text)

    def pass_finished(self, repo: str, p: PassState, reason: str) -> None:
        why = {"window": "reached the window start", "end": "reached the oldest PR",
               "limit": "reached --max-prs"}.get(reason, reason)
        s = p.stats
        self._stop()
        self.line(f"{repo}: {p.mode} pass {p.id} complete ({why}): {p.prs} PRs, {p.pages} "
                  f"pages, {s.get('requests', 0)} requests, {s.get('points', 0)} points, "
                  f"{s.get('retries', 0)} retries, {s.get('waits', 0)} waits "
                  f"({s.get('wait_seconds', 0)} s)")

    def note(self, repo: str, message: str) -> None:
        self.line(f"{repo}: {message}", style="yellow")

    def wait(self, seconds: float, reason: str) -> None:
        """Sleep ``seconds``, showing a countdown (the client's sleep function)."""
        if self._progress is None:
            if seconds >= 1:
                self.line(f"waiting {seconds:.0f} s ({reason})")
            self._sleep(seconds)
            return
        left = seconds
        while left > 0:
            self._progress.update(self._task, description=escape(
                f"{reason}: waiting {left:.0f} s"))
            step = min(1.0, left)
            self._sleep(step)
            left -= step

    # -- projection --------------------------------------------------------------------

    def projection(self, repo: str, total: int) -> Callable[[int, ProjectionReport], None]:
        """A progress callback for projecting ``repo`` (``total`` = the log's next seq)."""
        self._stop()
        self._start(f"{repo} projecting", total=total)

        def update(seq: int, report: ProjectionReport) -> None:
            if self._progress is not None:
                self._progress.update(self._task, completed=seq + 1, description=escape(
                    f"{repo}: projecting ({report.created} new, {report.updated} updated)"))
        return update

    def finish_repo(self) -> None:
        self._stop()

    # -- rich plumbing -----------------------------------------------------------------

    def _start(self, description: str, total: int | None) -> None:
        if not self.live:
            return
        self._stop()
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  BarColumn(), MofNCompleteColumn(), console=self.console,
                                  transient=True)
        self._progress.start()
        self._task = self._progress.add_task(escape(description), total=total)

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

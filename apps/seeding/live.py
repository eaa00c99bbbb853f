"""The live board on a terminal: one row per running repository and an overall line.

A row shows the pass, pages, PRs fetched (of GitHub's ``totalCount`` for whole-history passes,
an estimate from ``updatedAt`` for a window, marked ``~``), waits and an ETA; while projecting,
PRs read. Rows of finished repositories leave the board; the overall line counts them. All
methods are thread-safe (jobs report from their own threads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from eventlog.text import printable

from .fetch.state import PassState


@dataclass(slots=True)
class RepoRow:
    repo: str
    started: float
    phase: str = "starting"
    pass_id: str = ""
    pages: int = 0
    prs: int = 0
    total: int | None = None
    estimated: bool = False
    waits: int = 0
    wait_text: str = ""
    pass_started: float = 0.0
    base_prs: int = 0
    clock: Callable[[], float] = field(default=lambda: 0.0, repr=False)

    def begin_pass(self, p: PassState) -> None:
        self.phase, self.pass_id, self.pages, self.prs = "fetching", p.id, p.pages, p.prs
        self.pass_started, self.base_prs = self.clock(), p.prs

    def page(self, p: PassState) -> None:
        self.pages, self.prs = p.pages, p.prs
        self.waits = int(p.stats.get("waits", 0) + p.stats.get("retries", 0))
        self.total, self.estimated = p.total_prs, p.total_estimated

    def eta(self) -> str:
        if not self.total or self.prs <= self.base_prs or self.prs >= self.total:
            return ""
        rate = (self.prs - self.base_prs) / max(0.001, self.clock() - self.pass_started)
        seconds = (self.total - self.prs) / rate
        return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"

    def cells(self) -> list[str]:
        total = f" / {'~' if self.estimated else ''}{self.total:,}" if self.total else ""
        return [printable(self.repo, 40), self.phase, self.pass_id, f"{self.pages:,}",
                f"{self.prs:,}{total}", str(self.waits), self.wait_text or self.eta()]


class LiveBoard:
    """A rich ``Live`` display of ``RepoRow``s."""

    def __init__(self, console: Console, clock: Callable[[], float]) -> None:
        self.console, self.clock = console, clock
        self._rows: dict[str, RepoRow] = {}
        self._done: dict[str, int] = {}
        self._lock = threading.RLock()
        self._live = Live(console=console, transient=True, auto_refresh=True,
                          refresh_per_second=4, get_renderable=self._render)
        self._live.start()

    def row(self, repo: str) -> RepoRow:
        with self._lock:
            return self._rows.setdefault(repo, RepoRow(repo, self.clock(), clock=self.clock))

    def start(self, repo: str) -> None:
        self.row(repo)

    def finish(self, repo: str, status: str) -> None:
        with self._lock:
            self._rows.pop(repo, None)
            self._done[status] = self._done.get(status, 0) + 1

    def waiting(self, repo: str, left: float, reason: str) -> None:
        with self._lock:
            for row in self._rows.values() if not repo else [self.row(repo)]:
                row.wait_text = f"{reason}: {left:.0f} s" if left > 0 else ""

    def projecting(self, repo: str, total_records: int) -> None:
        row = self.row(repo)
        row.phase, row.total, row.estimated = "projecting", None, False

    def projected(self, repo: str, prs: int, created: int, updated: int) -> None:
        row = self.row(repo)
        row.prs, row.wait_text = prs, f"{created:,} new, {updated:,} updated"

    def print(self, text: str, style: str | None) -> None:
        self._live.console.print(Text(text, style=style or ""))

    def stop(self) -> None:
        self._live.stop()

    def _render(self) -> Group:
        with self._lock:
            table = Table(box=None, pad_edge=False, show_edge=False)
            for title in ("repository", "phase", "pass", "pages", "PRs", "waits", "ETA"):
                table.add_column(title, no_wrap=True)
            for row in self._rows.values():
                table.add_row(*row.cells())
            done = sum(self._done.values())
            summary = ", ".join(f"{n} {status}" for status, n in sorted(self._done.items()))
            overall = Text(f"{done} repositories done ({summary or 'none yet'}), "
                           f"{len(self._rows)} running")
            return Group(table, overall)

"""A realistic, deterministic PR event log, written the way the fetcher writes it.

One generator: the fake GitHub's streaming generator (``tests.fakegithub.
iter_served_pull_requests``: each PR as the server serves it to the fetcher's own page
selection, every connection complete) turned into events by the app's own parser
(``Parser().pull_request(node, path, checks=True, statuses=True)``). So the log holds exactly
the events a full pass of the fetcher writes for that data, with the fake's distributions
(``typical``: medians of about 4 files, 3 commits, 2 reviews, check suites with about 5 runs,
legacy statuses on some repositories; random nulls where GitHub's schema allows them, recorded
as unavailable) and one huge PR per ``HUGE_EVERY`` (250 files, 130 commits, 105 reviews, a
120-run suite).

The log is committed in pages of ``PAGE_SIZE`` PR events, each batch's commit marker carrying a
``FetchState`` like the fetcher's, between a ``pass`` started and a ``pass`` complete event. PRs
come in the generator's order (ascending number; the fetcher's is newest-updated first, which
the projector does not depend on). Each PR comes from its own seeded RNG and the stream is never
held in memory, so the log is identical for a given ``(n, seed, profile)`` (record timestamps
aside) and memory stays flat.
"""

from __future__ import annotations

import base64
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apps.seeding.fetch.state import FetchState, PassState
from eventlog import Event, open_writer

GENERATOR_VERSION = 2
REPO = "bench/gen"
NOW = datetime(2026, 11, 1, tzinfo=UTC)
DAYS = 730
PAGE_SIZE = 50
HUGE_EVERY = 2000
HUGE_FILES = 250   # what marks a huge PR in the summary (the fake's huge size)


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What a generated log holds (for the report and to check the distributions)."""

    prs: int
    records: int
    bytes: int
    huge: int
    median_files: float
    median_commits: float
    median_reviews: float
    median_runs: float
    child_rows: int
    seconds: float


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def pr_events(n: int, seed: int = 1, profile: str = "typical") -> Iterator[dict[str, Any]]:
    """The ``n`` PR events of a generated repository, one at a time."""
    from apps.seeding.fetch.github.parse import Parser
    from apps.seeding.fetch.github.queries import Selection, pr_fields
    from tests.fakegithub import iter_served_pull_requests

    parser = Parser()
    nodes = iter_served_pull_requests(REPO, n, seed=seed, now=NOW, days=DAYS, profile=profile,
                                      huge=n // HUGE_EVERY, selection=pr_fields(Selection()))
    for i, node in enumerate(nodes):
        yield parser.pull_request(node, f"repository.pullRequests.edges[{i}].node",
                                  checks=True, statuses=True)


def write_log(log_dir: Path, n: int, seed: int = 1, profile: str = "typical") -> LogSummary:
    """Write a log of ``n`` PR events to ``log_dir`` (must not hold a log yet)."""
    started = time.perf_counter()
    stats = _Stats()
    with open_writer(log_dir, fsync="never") as writer:
        p = PassState("full-1", "full", None, started_at=iso(NOW), page_size=PAGE_SIZE)
        writer.append_batch([Event("pass", "pass:full-1", {"status": "started"})],
                            FetchState(active=p, passes=1).to_meta())
        page: list[Event] = []
        for data in pr_events(n, seed, profile):
            stats.add(data)
            page.append(Event("pr", f"pr:{data['number']}", data))
            if len(page) == PAGE_SIZE:
                p = _next_page(p, page)
                writer.append_batch(page, FetchState(active=p, passes=1).to_meta())
                page = []
        done = {"status": "complete", "reason": "end", "prs": n}
        writer.append_batch([*page, Event("pass", "pass:full-1", done)], _final_meta(p))
        records = writer.next_seq
    size = sum(f.stat().st_size for f in Path(log_dir).glob("*.jsonl"))
    return stats.summary(records, size, time.perf_counter() - started)


def _next_page(p: PassState, page: list[Event]) -> PassState:
    last = page[-1].data
    cursor = base64.b64encode(f"cursor:v2:{last['updated_at']}:{last['number']}".encode())
    stats = {"requests": p.pages + 1, "points": (p.pages + 1) * 9, "retries": 0, "waits": 0}
    return replace(p, cursor=cursor.decode(), pages=p.pages + 1, prs=p.prs + len(page),
                   stats=stats)


def _final_meta(p: PassState) -> dict:
    summary = {**asdict(p), "status": "complete", "reason": "end", "finished_at": iso(NOW)}
    return FetchState(reached_end=True, synced_at=iso(NOW), boundary_cursor=p.cursor,
                      check_runs=True, passes=1, last_pass=summary).to_meta()


class _Stats:
    """Running counts of a generated log's children."""

    def __init__(self) -> None:
        self.files: list[int] = []
        self.commits: list[int] = []
        self.reviews: list[int] = []
        self.runs: list[int] = []
        self.statuses = 0
        self.huge = 0

    def add(self, data: dict) -> None:
        self.files.append(len(data["files"] or ()))
        self.commits.append(len(data["commits"] or ()))
        self.reviews.append(len(data["reviews"] or ()))
        self.runs.append(len(data["check_runs"] or ()))
        self.statuses += len(data["statuses"] or ())
        self.huge += len(data["files"] or ()) >= HUGE_FILES

    def summary(self, records: int, size: int, seconds: float) -> LogSummary:
        children = sum(map(sum, (self.files, self.commits, self.reviews, self.runs)))
        return LogSummary(len(self.files), records, size, self.huge,
                          statistics.median(self.files), statistics.median(self.commits),
                          statistics.median(self.reviews), statistics.median(self.runs),
                          children + self.statuses, round(seconds, 1))

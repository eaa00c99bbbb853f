"""One fetch pass of the project's ``Fetcher`` against an in-process fake GitHub, and what it
cost on the server's side.

The fake (``tests.fakegithub.FakeGitHub``) runs in this process with its response-time model on
(``ResponseTime``: ``50 ms + 0.3 ms`` per JSON object returned, 502 beyond 10 s, the 502 still
charged), the secondary limit off and a primary budget too large to be hit, so the counts
measure the client. The client is the project's ``GraphQLClient`` with its retry policy, but its
sleeps are skipped (a retried 502 is still a request, and still counted). Costs are read from
the server's request records, so every request counts: pages, follow-up rounds, retries, 502s.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DATASET_NOW = datetime(2026, 11, 1, tzinfo=UTC)
# The fetcher's operations (``apps.seeding.fetch.github.queries``) -> what they are for.
KINDS = {"PullRequestPage": "page", "Continuations": "followup",
         "PullRequestsByNumber": "by_number", "HeadCommitCI": "ci_poll"}


def request_kind(record: dict[str, Any]) -> str:
    """What a request the fake recorded was for: ``page``, ``followup`` (a continuation round),
    ``by_number`` (incomplete PRs retried, or one PR alone), ``ci_poll`` or ``other``."""
    words = (record.get("query") or "").split(None, 2)
    name = words[1].split("(")[0] if len(words) > 1 and words[0] == "query" else ""
    return KINDS.get(name, "other")


@dataclass(frozen=True, slots=True)
class PassCost:
    """What one pass cost, as the server counted it."""

    prs: int
    requests: int
    points: int
    pages: int             # page queries answered 200 (the page size may have shrunk)
    followups: int         # every other request answered 200 (continuation rounds, PRs alone,
                           # incomplete PRs retried, CI re-polls)
    timeouts: int          # 502s after the simulated 10 s (charged)
    other_errors: int      # any other non-200
    server_ms: float       # simulated server time, every request
    max_ms: float          # the slowest simulated response (10,000 is a 502)
    wall: float            # seconds the pass took here (context only: the fake runs here too)

    def per_100(self, value: float) -> float:
        return value * 100 / self.prs if self.prs else 0.0

    def seconds_per_100(self, latency: float) -> float:
        """Modelled time per 100 PRs: simulated server time plus ``latency`` per request."""
        return self.per_100(self.server_ms / 1000 + self.requests * latency)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fake_github(dataset: dict, **options: Any):
    """A started in-process fake serving ``dataset`` (stop it with ``.stop()``)."""
    from tests.fakegithub import FakeGitHub

    settings = {"rate_limit": 10**9, "secondary_points_per_minute": None} | options
    return FakeGitHub(dataset, **settings).start()


def client(url: str, tokens: tuple[str, ...] = ("bench-token",)):
    """The project's client on ``url``, sleeping never (retries still happen and count)."""
    from apps.seeding.fetch.github.client import GraphQLClient
    from apps.seeding.fetch.github.tokens import TokenPool

    return GraphQLClient(url, TokenPool(list(tokens)), sleep=lambda seconds, reason: None)


def run_pass(gh, repo: str, log_dir: Path, *, page_size: int | None = None,
             check_runs: bool = True, max_items: int | None = None, sizes=None,
             update: bool = False) -> PassCost:
    """Fetch ``repo`` into the log at ``log_dir`` (a full pass into a new log, or an
    ``--update`` of an existing one) and return what the server saw. ``page_size`` defaults
    to the fetcher's."""
    import time

    from apps.seeding.fetch.fetcher import Fetcher
    from apps.seeding.fetch.state import FetchRequest, FetchState
    from eventlog import open_writer

    options: dict[str, Any] = {"sizes": sizes}
    if max_items is not None:
        options["max_items"] = max_items
    request = FetchRequest(check_runs=check_runs, update=update)
    if page_size is not None:
        request = replace(request, page_size=page_size)
    gh.reset_stats()
    started = time.perf_counter()
    with open_writer(log_dir, fsync="never") as writer:
        state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
        fetcher = Fetcher(writer, client(gh.url), repo, **options)
        fetcher.run(state, request)
    return cost_of(gh.stats.records, fetcher.fetched_prs, time.perf_counter() - started)


def cost_of(records: Any, prs: int, wall: float) -> PassCost:
    """Sum the server's request records."""
    records = list(records)
    ok = [r for r in records if r["status"] == 200]
    pages = sum(request_kind(r) == "page" for r in ok)
    timeouts = sum(bool(r.get("timed_out")) for r in records)
    return PassCost(
        prs=prs, requests=len(records), points=sum(r.get("cost") or 0 for r in records),
        pages=pages, followups=len(ok) - pages, timeouts=timeouts,
        other_errors=len(records) - len(ok) - timeouts,
        server_ms=round(sum(r.get("simulated_ms") or 0 for r in records), 1),
        max_ms=max((r.get("simulated_ms") or 0 for r in records), default=0.0),
        wall=round(wall, 2))

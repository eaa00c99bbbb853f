"""One page of a repository's PR list: read from GitHub's response, and what it says about the
pass (how many PRs the pass will hold). The PRs themselves are completed by ``pages``."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from .github.client import Response
from .github.errors import BadResponseError, NotFoundError
from .github.parse import required_object
from .state import PassState, parse_ts


@dataclass(frozen=True, slots=True)
class Page:
    """The PR nodes of one ``pullRequests`` page, their cursors and the page's facts."""

    nodes: list[Any]
    cursors: list[str | None]
    errors: tuple
    has_next: bool
    end_cursor: str | None
    cost: int
    first_response_at: datetime | None   # GitHub's clock when it started serving the page
    name_with_owner: str | None
    total: int | None


def read_page(response: Response, repo: str, started: float) -> Page:
    """The ``Page`` in ``response`` (a request sent at ``time.monotonic() == started``).
    ``NotFoundError`` when there is no repository, ``BadResponseError`` naming the JSON path
    when the response has no PR list."""
    found = response.data.get("repository")
    if found is None:
        message = next((e.message for e in response.errors), "")
        raise NotFoundError(message or f"repository {repo} not found (or not visible "
                            "to the token)")
    prs = required_object(found, "data.repository").get("pullRequests")
    if not isinstance(prs, dict) or not isinstance(prs.get("edges"), list):
        raise BadResponseError("GitHub's response has no pull requests at "
                               "data.repository.pullRequests.edges")
    edges = [e if isinstance(e, dict) else {} for e in prs["edges"]]
    info = required_object(prs.get("pageInfo") or {}, "data.repository.pullRequests.pageInfo")
    served = None
    if response.server_time is not None:
        served = response.server_time - timedelta(seconds=time.monotonic() - started)
    name = found.get("nameWithOwner")
    return Page([e.get("node") for e in edges], [e.get("cursor") for e in edges],
                response.errors, bool(info.get("hasNextPage")),
                info.get("endCursor"), response.cost, served,
                name if isinstance(name, str) else None,
                prs.get("totalCount") if isinstance(prs.get("totalCount"), int) else None)


def estimate_total(p: PassState, page: Page) -> PassState:
    """How many PRs the pass will hold: GitHub's totalCount without a window (or the limit),
    else an estimate from how far ``updatedAt`` has come towards the window start."""
    newest = p.newest_updated or next((n.get("updatedAt") for n in page.nodes
                                       if isinstance(n, dict)), None)
    total, estimated = page.total, False
    if p.since is not None and total is not None:
        oldest = next((n.get("updatedAt") for n in reversed(page.nodes)
                       if isinstance(n, dict)), None)
        total, estimated = _estimate(p.prs, p.since, newest, oldest, total), True
    if p.max_prs is not None and total is not None:
        total = min(total, p.max_prs)
    return replace(p, total_prs=total, total_estimated=estimated, newest_updated=newest)


def _estimate(prs: int, since: str, newest: str | None, oldest: str | None, total: int) -> int:
    start, top, now = parse_ts(since), parse_ts(newest), parse_ts(oldest)
    if start is None or top is None or now is None or top <= start:
        return total
    covered = (top - now) / (top - start)
    if covered <= 0:
        return total
    return min(total, max(prs, round(prs / min(1.0, covered))))

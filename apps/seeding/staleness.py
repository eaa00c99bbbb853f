"""Telling the user when a log is old: the last complete pass is more than a week ago."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .fetch.state import FetchRequest, FetchState
from .timestamps import parse_ts

STALE_AFTER = timedelta(days=7)


def staleness_warnings(state: FetchState, request: FetchRequest,
                       now: datetime | None = None) -> list[str]:
    """A warning when the last complete pass is older than a week (and no update is asked)."""
    synced = parse_ts(state.synced_at)
    now = now or datetime.now(UTC)
    if synced is None or request.update or now - synced < STALE_AFTER:
        return []
    days = (now - synced).days
    return [f"the log was last synced {days} days ago; run with --update to fetch what changed "
            "since (or --refresh to fetch everything again)"]

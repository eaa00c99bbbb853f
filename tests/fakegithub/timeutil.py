"""Timestamp helpers: GitHub's ISO 8601 forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone


def utc(moment: datetime) -> datetime:
    """``moment`` as an aware UTC datetime (naive values are taken as UTC), whole seconds."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.replace(microsecond=0)


def iso(moment: datetime) -> str:
    """``2026-01-02T03:04:05Z`` (GitHub's DateTime)."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """Inverse of ``iso`` (accepts any ISO 8601 offset)."""
    return utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def git_timestamp(moment: datetime, offset_minutes: int) -> str:
    """``2021-10-10T23:31:16-04:00``: a GitTimestamp in the committer's local offset."""
    zone = timezone(timedelta(minutes=offset_minutes))
    return utc(moment).astimezone(zone).isoformat()


def iso_seconds(value: str) -> int:
    """Epoch seconds of an ISO 8601 timestamp such as ``2026-01-02T03:04:05Z``."""
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())

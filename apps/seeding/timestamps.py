"""The one ISO 8601 timestamp parser and formatter of the project (GitHub's ``...Z`` form)."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_ts(value: str | None) -> datetime | None:
    """``2026-01-02T03:04:05Z`` (or any ISO 8601 with an offset) as an aware UTC datetime;
    ``None`` for ``None`` or ``""``. Raises ``ValueError`` for anything else."""
    if not value:
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {value!r}")
    return parsed.astimezone(UTC)


def format_ts(value: datetime | None) -> str | None:
    """A UTC timestamp in GitHub's format (``2026-01-02T03:04:05Z``)."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def is_timestamp(value: object) -> bool:
    """Whether ``value`` is a string ``parse_ts`` accepts."""
    try:
        return isinstance(value, str) and parse_ts(value) is not None
    except ValueError:
        return False

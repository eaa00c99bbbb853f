"""Which PRs of a log the database holds: the window.

The rule, the same on every path (a seeding run, ``--clear``, ``eventlog replay``): for each
repository the database holds exactly the PRs of its log that the window admits (updated at or
after ``since`` and created at or before ``until``), each as its latest event says. Rows the
window excludes are removed at the end of the projection; they stay in the log, so a wider
window brings them back without a request to GitHub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from ..timestamps import parse_ts


@dataclass(frozen=True, slots=True)
class Window:
    """PRs updated at or after ``since`` and created at or before ``until`` (None: no bound)."""

    since: datetime | None = None
    until: datetime | None = None

    def admits(self, data: dict[str, Any]) -> bool:
        if self.since is not None and parse_ts(data["updated_at"]) < self.since:
            return False
        return self.until is None or parse_ts(data["created_at"]) <= self.until

    def within(self, other: Window) -> bool:
        """Is every PR this window admits also admitted by ``other``?"""
        since_ok = other.since is None or (self.since is not None and self.since >= other.since)
        until_ok = other.until is None or (self.until is not None and self.until <= other.until)
        return since_ok and until_ok

    def excluded_rows(self) -> Q:
        """The ``PullRequest`` rows this window does not admit."""
        q = Q(pk__in=[])
        if self.since is not None:
            q |= Q(pr_updated_at__lt=self.since)
        if self.until is not None:
            q |= Q(pr_created_at__gt=self.until)
        return q

    def describe(self) -> str:
        parts = []
        if self.since is not None:
            parts.append(f"updated since {self.since:%Y-%m-%d}")
        if self.until is not None:
            parts.append(f"created by {self.until:%Y-%m-%d}")
        return " and ".join(parts) or "all PRs"

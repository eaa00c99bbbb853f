"""``seed_real_projects --status`` and the admin's "Ingestion status" page: every log and team
at a glance. (To be completed: see ``collect`` and ``render``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def collect(cache_dir: Path) -> list[dict[str, Any]]:
    """One JSON-ready row per (log, team): PRs in the log and in the database, projection lag,
    last pass and its outcome, last error, age and staleness, incomplete and quarantined PRs."""
    return []


def render(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as a text table (text from GitHub escaped)."""
    return ["no logs yet"] if not rows else []

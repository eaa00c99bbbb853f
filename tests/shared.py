"""Locate the read-only reference material in ``../shared`` (GitHub's schema, recorded
responses). Tests that need it skip cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_DIR") or REPO_ROOT.parent / "shared")


def schema_path() -> Path:
    path = Path(os.environ.get("GITHUB_SCHEMA_PATH") or SHARED / "github/schema.docs.graphql")
    if not path.is_file():
        pytest.skip(f"GitHub schema not found at {path}")
    return path


def recorded_dir() -> Path:
    path = SHARED / "github/recorded"
    if not path.is_dir():
        pytest.skip(f"recorded GitHub responses not found at {path}")
    return path

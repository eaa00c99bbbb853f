"""Fixtures of the eventlog tests: every log lives in ``tmp_path``, no database is needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("child.py")


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    """The root holding ``{owner}/{name}/`` logs."""
    root = tmp_path / "cache"
    root.mkdir()
    return root


@pytest.fixture
def log_dir(cache_dir: Path) -> Path:
    """The (not yet created) log directory of repository ``octo/repo``."""
    return cache_dir / "octo" / "repo"


@pytest.fixture
def child_cmd() -> list[str]:
    """The command prefix running the helper process ``child.py``."""
    return [sys.executable, str(CHILD)]

"""Fixtures of the eventlog tests: every log lives in ``tmp_path``, no database is needed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eventlog import Event, open_writer

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


@pytest.fixture
def repo(log_dir):
    """``octo/repo`` with three batches; the last marker says the fetch completed."""
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([Event("pr", "pr:1", {"title": "First", "state": "open"})],
                            meta={"cursor": "a"})
        writer.append_batch([Event("pr", "pr:2", {"title": "Second"}),
                             Event("review", "review:9", {"state": "APPROVED"})])
        writer.append_batch([Event("pr", "pr:1", {"title": "First", "state": "merged"})],
                            meta={"cursor": "c", "complete": True})
    return log_dir

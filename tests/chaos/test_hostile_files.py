"""Issue 11, the filesystem: nothing under the cache directory is followed through a symbolic
link, and what the pipeline writes is private.

A link planted in place of a repository directory, an owner directory, a segment, the manifest
or ``writer.lock`` is refused by ``seed_real_projects`` and by ``eventlog`` with one line naming
the link: exit 1, no traceback, the link and its target byte for byte as they were, the database
unchanged, no request. After a run every directory it created is 0700 and every file 0600 (logs,
manifest, lock, cache files), whatever the umask, and so is a SQLite database file.
"""

from __future__ import annotations

import copy
import os
import shutil
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection

from eventlog.manifest import load_manifest
from tests.conftest import manage_cmd
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

from .support import (
    assert_failed_cleanly,
    assert_succeeded,
    assert_terminal_safe,
    chaos_env,
    fetch_log,
    seed_from,
    since_arg,
)
from .support_state import (
    database_state,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
OWNER, REPO = "links", "links/web"
WINDOW = ["--repo", REPO, *since_arg(NOW.date() - timedelta(days=200))]


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 12}, seed=53, now=NOW - timedelta(hours=1), days=150, huge=0)


@pytest.fixture(scope="module")
def seeded_log(dataset, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / REPO
    fetch_log(dataset, REPO, path, page_size=5)
    return path


# -- planting links: each moves the real thing into ``victim`` and links to it -------------------


def swap_for_link(path: Path, victim: Path) -> Path:
    """Replace ``path`` by a link to a copy of it in ``victim``; returns the link."""
    target = victim / f"real-{path.name}"
    shutil.move(path, target)
    path.symlink_to(target)
    return path


def repo_dir(cache: Path, victim: Path) -> Path:
    (cache / REPO / "leftover.tmp").write_bytes(b"must not be deleted")
    return swap_for_link(cache / REPO, victim)


def owner_dir(cache: Path, victim: Path) -> Path:
    return swap_for_link(cache / OWNER, victim)


def segment(cache: Path, victim: Path) -> Path:
    return swap_for_link(cache / REPO / load_manifest(cache / REPO).active.file, victim)


def manifest(cache: Path, victim: Path) -> Path:
    return swap_for_link(cache / REPO / "manifest.json", victim)


def writer_lock(cache: Path, victim: Path) -> Path:
    lock = cache / REPO / "writer.lock"
    lock.unlink(missing_ok=True)
    (victim / "precious").write_bytes(b"a file the lock must never truncate\n")
    lock.symlink_to(victim / "precious")
    return lock


LINKS: dict[str, Callable[[Path, Path], Path]] = {
    "repository directory": repo_dir, "owner directory": owner_dir, "active segment": segment,
    "manifest": manifest, "writer.lock": writer_lock}
# What each tool is asked to do: a writer (it takes the lock, recovers, appends) or a reader.
TOOLS = {
    "seed_real_projects --update": ("seed", [*WINDOW, "--update", "--page-size", "2"]),
    "eventlog compact": ("eventlog", ["compact", REPO]),
    "eventlog tail": ("eventlog", ["tail", REPO]),
}
# A reader takes no lock: a planted writer.lock is not its business.
NOT_READ = {("eventlog tail", "writer.lock")}


def tree(root: Path) -> dict[str, tuple[int, bytes | str | None]]:
    """Every entry under ``root`` (links not followed): its mode and bytes (or link text)."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = os.lstat(path)
            content = os.readlink(path) if stat.S_ISLNK(info.st_mode) else \
                path.read_bytes() if stat.S_ISREG(info.st_mode) else None
            found[str(path.relative_to(root))] = (info.st_mode, content)
    return found


@pytest.mark.parametrize("planted, tool", [(p, t) for p in LINKS for t in TOOLS
                                            if (t, p) not in NOT_READ])
def test_a_planted_link_is_refused_naming_it_and_its_target_is_untouched(
        planted, tool, dataset, seeded_log, runner, process_env, cache_dir, tmp_path):
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    victim = tmp_path / "victim"
    victim.mkdir()
    link = LINKS[planted](cache_dir, victim)
    before, cache_before, rows = tree(victim), tree(cache_dir), database_state()
    kind, args = TOOLS[tool]
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        gh.mutate(lambda d: touch_pr(d, REPO, d["repos"][REPO]["pullRequests"][0]["number"],
                                     datetime.now(UTC), title="Changed on GitHub"))
        env = chaos_env(process_env, gh.url)
        if kind == "seed":
            result = runner.seed(*args, env=env)
        else:
            result = runner.eventlog(*args, "--cache-dir", str(cache_dir), env=env)
        sent = gh.stats.total
    assert_failed_cleanly(result, f"refusing to use {link}: it is a symbolic link", code=1)
    assert_terminal_safe(result.stdout, result.stderr)
    assert sent == 0
    assert tree(victim) == before
    assert tree(cache_dir) == cache_before
    assert database_state() == rows


# -- modes ----------------------------------------------------------------------------------------


def modes(root: Path) -> dict[str, str]:
    """``path: mode`` of every entry under ``root`` (and of ``root``) that is not private."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong[str(path)] = oct(mode)
    return wrong


def test_logs_locks_and_the_database_are_private_whatever_the_umask(
        dataset, runner, process_env, cache_dir):
    """With umask 000, a run creates its cache directories 0700 and every file 0600, and a new
    SQLite database file 0600."""
    root = cache_dir / "private" / "logs"
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url, SEEDING_CACHE_DIR=str(root))
        result = runner.seed(*WINDOW, "--page-size", "5", env=env,
                             preexec_fn=lambda: os.umask(0))
    assert_succeeded(result)
    assert (root / REPO / "writer.lock").exists()
    assert modes(cache_dir / "private") == {}
    if connection.vendor == "sqlite":
        assert stat.S_IMODE(os.stat(connection.settings_dict["NAME"]).st_mode) == 0o600


def test_a_new_sqlite_database_file_is_created_private_and_a_wider_one_is_narrowed(
        runner, process_env, tmp_path):
    """``migrate`` into a new SQLite file with umask 000 creates it 0600; a database file found
    0644 is 0600 after the next connection."""
    database = tmp_path / "fresh.sqlite3"
    env = {**process_env, "DATABASE_URL": f"sqlite:///{database}"}
    assert_succeeded(runner.run(manage_cmd("migrate", "-v", "0"), env=env,
                                preexec_fn=lambda: os.umask(0)))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    database.chmod(0o644)
    assert_succeeded(runner.run(manage_cmd("seed_real_projects", "--status"), env=env))
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.glob("fresh.sqlite3-*")
                if stat.S_IMODE(p.stat().st_mode) != 0o600]

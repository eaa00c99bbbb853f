"""Scenario 5: damaged logs on disk, seen by ``seed_real_projects`` and ``eventlog verify``.

Each case starts from a real, complete log (written by the fetcher against the fake GitHub) that
is already projected, damages it the way disks and crashes do, and runs ``eventlog verify`` and
then the seeding command, as real processes. The documented outcome is either *recovered* (what
follows the last commit marker is not committed data: it is cut, and the run goes on) or a
*clear error* naming the file (and the byte offset, for a damaged record) with exit 1. Either
way nothing committed is ever rewritten: an error leaves every file byte for byte as it was,
and a recovery keeps every committed byte.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.dbdump import dump
from tests.fakegithub import FakeGitHub

from .support import (
    assert_failed_cleanly,
    assert_succeeded,
    chaos_env,
    day_start,
)
from .support_disk import (
    ARGS,
    CASES,
    REPO,
    SINCE_DAY,
    Expect,
    disk_dataset,
    project,
)
from .support_state import assert_database_matches, assert_log_matches, files_under

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def dataset():
    return disk_dataset()


# -- the test ---------------------------------------------------------------------------------


def committed_prefix(data: bytes) -> bytes:
    """The bytes of ``data`` up to and including its last intact commit marker."""
    end = offset = 0
    for line in data.splitlines(keepends=True):
        offset += len(line)
        if line.endswith(b"\n") and b'"type":"commit"' in line:
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            end = offset
    return data[:end]


def assert_kept_committed_bytes(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Every file still starts with the committed bytes it had: recovery only cuts what follows
    the last commit marker (an unfinished batch), and what is appended next may differ."""
    assert before.keys() == after.keys()
    for name, data in before.items():
        kept = committed_prefix(data) if name.endswith(".jsonl") else data
        assert after[name].startswith(kept) or kept.startswith(after[name]), name


def run_on_damaged_log(runner, env, expect: Expect, cache_dir: Path):
    """``eventlog verify``, then the command that must read the damage; returns both results."""
    checked = runner.eventlog("verify", REPO, "--cache-dir", str(cache_dir))
    seeded = runner.seed(*ARGS, env=env)
    if expect.reader == "replay":
        assert_succeeded(seeded)  # does not need the damaged, already projected records
        seeded = runner.eventlog("replay", REPO, "--from-offset", "0", "--cache-dir",
                                 str(cache_dir), env=env)
    return checked, seeded


def assert_refused(expect: Expect, checked, failed) -> None:
    assert checked.returncode == 1 and "problem:" in checked.stdout, checked.stdout
    assert_failed_cleanly(failed, *expect.texts, code=1)


def assert_recovered(checked, seeded) -> None:
    assert checked.returncode == 0 and "problem" not in checked.stdout, checked.stdout
    assert_succeeded(seeded)
    assert "warning" in seeded.stdout and "recovered: truncated" in seeded.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_logs_are_recovered_or_refused_naming_the_file_and_never_rewritten(
        case, pristine, dataset, runner, process_env, cache_dir):
    """Torn or garbage tails and unmarked batches are recovered (cut at the last commit marker,
    the rest kept byte for byte); damage to committed data (flipped byte, missing or truncated
    segment, damaged manifest, a future format) is refused with the file named, exit 1, files
    and database untouched. ``eventlog verify`` agrees: a warning for a tail, a problem for
    damage."""
    kind, damage = CASES[case]
    project(pristine[kind], cache_dir)
    log_dir, rows = cache_dir / REPO, dump()
    pristine_files = files_under(log_dir)
    expect = damage(log_dir)
    damaged = files_under(log_dir)
    with FakeGitHub(dataset, secondary_points_per_minute=None) as gh:
        checked, seeded = run_on_damaged_log(runner, chaos_env(process_env, gh.url), expect,
                                             cache_dir)
        requests = gh.stats.total
    for text in expect.texts:
        assert text in checked.stdout, checked.stdout
    if expect.outcome == "error":
        assert_refused(expect, checked, seeded)
        assert files_under(log_dir) == damaged and dump() == rows and requests == 0
        return
    assert_recovered(checked, seeded)
    assert_kept_committed_bytes(damaged, files_under(log_dir))
    assert requests > 0 if expect.refetch else files_under(log_dir) == pristine_files
    clean = runner.eventlog("verify", REPO, "--cache-dir", str(cache_dir))
    assert clean.returncode == 0 and "warning" not in clean.stdout, clean.stdout
    since = day_start(SINCE_DAY)
    assert_database_matches(dataset, "disk", [REPO], since)
    assert_log_matches(dataset, cache_dir, [REPO], since)

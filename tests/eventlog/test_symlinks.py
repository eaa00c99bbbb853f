"""Nothing under the cache directory is followed through a symbolic link; files are private.

Each test plants a link where the log expects a file or directory, points it at a victim with
known bytes, and checks that every operation refuses it with ``UnsafePathError`` naming the
link, and that the victim is byte for byte what it was (nothing truncated, appended or deleted).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from eventlog import (
    EventLog,
    UnsafePathError,
    add_alias,
    compact,
    discard,
    open_writer,
    repo_dir,
    verify,
)
from eventlog.cli import main

from .support import FAST, pr_events, read_all, segment_paths, write_batches

VICTIM_BYTES = b"precious data the tool must never touch\n"


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "victim.txt"
    path.write_bytes(VICTIM_BYTES)
    return path


def message(link: Path) -> str:
    return f"refusing to use {link}: it is a symbolic link (planted in the cache directory?)"


def assert_refused(call, link: Path) -> None:
    with pytest.raises(UnsafePathError) as info:
        call()
    assert str(info.value) == message(link) and info.value.path == link


def plant(link: Path, target: Path) -> Path:
    if link.exists() or link.is_symlink():
        link.unlink()
    link.symlink_to(target)
    return link


def test_a_planted_writer_lock_is_refused_and_its_target_never_truncated(log_dir, victim):
    write_batches(log_dir, [2])
    lock = plant(log_dir / "writer.lock", victim)
    assert_refused(lambda: open_writer(log_dir, **FAST), lock)
    assert_refused(lambda: compact(log_dir, durable=False), lock)
    assert_refused(lambda: discard(log_dir), lock)
    report = verify(log_dir)
    assert [(p.path, p.message) for p in report.problems] == [(lock, message(lock))]
    assert victim.read_bytes() == VICTIM_BYTES
    assert len(read_all(log_dir)) == 3  # readers never take the lock


def test_a_new_log_with_a_dangling_lock_link_creates_nothing_at_its_target(log_dir, tmp_path):
    log_dir.mkdir(parents=True)
    target = tmp_path / "created-through-the-link"
    lock = plant(log_dir / "writer.lock", target)
    assert_refused(lambda: open_writer(log_dir, **FAST), lock)
    assert not target.exists()


@pytest.mark.parametrize("which", ["active", "sealed"])
def test_a_planted_segment_is_refused_and_never_appended_to(log_dir, victim, which):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    segment = segment_paths(log_dir)[-1 if which == "active" else 0]
    victim.write_bytes(segment.read_bytes())
    pristine = victim.read_bytes()
    plant(segment, victim)
    assert_refused(lambda: open_writer(log_dir, **FAST), segment)
    assert_refused(lambda: read_all(log_dir), segment)
    assert_refused(lambda: compact(log_dir, durable=False), segment)
    report = verify(log_dir)
    assert not report.ok and any(p.message == message(segment) for p in report.problems)
    assert victim.read_bytes() == pristine


def test_a_planted_manifest_is_refused_and_its_target_kept(log_dir, victim):
    write_batches(log_dir, [1])
    manifest = log_dir / "manifest.json"
    victim.write_bytes(manifest.read_bytes())
    pristine = victim.read_bytes()
    plant(manifest, victim)
    assert_refused(lambda: open_writer(log_dir, **FAST), manifest)
    assert_refused(lambda: EventLog(log_dir).exists(), manifest)
    assert_refused(lambda: discard(log_dir), manifest)
    assert not verify(log_dir).ok
    assert victim.read_bytes() == pristine


@pytest.mark.parametrize("name", ["manifest.json.tmp", "00000000000000000099.g0.jsonl"])
def test_a_planted_leftover_is_refused_not_deleted(log_dir, victim, name):
    write_batches(log_dir, [1])
    leftover = plant(log_dir / name, victim)
    assert_refused(lambda: open_writer(log_dir, **FAST), leftover)
    assert_refused(lambda: discard(log_dir), leftover)
    report = verify(log_dir)
    assert [p.message for p in report.problems] == [message(leftover)]
    assert report.warnings == []  # not "the next writer removes it": it refuses it
    assert leftover.is_symlink() and victim.read_bytes() == VICTIM_BYTES


def test_a_symlinked_repo_directory_is_refused_and_nothing_in_it_deleted(cache_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    write_batches(elsewhere, [2])
    (elsewhere / "00000000000000000042.g0.jsonl").write_bytes(VICTIM_BYTES)  # "leftovers"
    (elsewhere / "notes.tmp").write_bytes(VICTIM_BYTES)
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    (cache_dir / "octo").mkdir()
    link = plant(cache_dir / "octo" / "repo", elsewhere)
    log_dir = repo_dir(cache_dir, "octo/repo")
    assert log_dir == link
    for call in (lambda: open_writer(log_dir, **FAST), lambda: read_all(log_dir),
                 lambda: compact(log_dir, durable=False), lambda: discard(log_dir),
                 EventLog(log_dir).exists):
        assert_refused(call, link)
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before


def test_a_symlinked_owner_directory_is_refused_and_nothing_created_in_it(cache_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere-owner"
    elsewhere.mkdir()
    link = plant(cache_dir / "octo", elsewhere)
    log_dir = repo_dir(cache_dir, "octo/repo")
    assert_refused(lambda: open_writer(log_dir, **FAST), link)
    assert list(elsewhere.iterdir()) == []
    write_batches(elsewhere / "repo", [1])  # a log that happens to be behind the link
    assert_refused(lambda: EventLog(log_dir).manifest(), link)


def test_the_cache_directory_itself_may_be_a_link_the_user_chose(tmp_path):
    real = tmp_path / "real-cache"
    real.mkdir()
    chosen = plant(tmp_path / "cache-link", real)
    log_dir = repo_dir(chosen, "octo/repo")
    write_batches(log_dir, [2])
    assert len(read_all(log_dir)) == 3 and verify(log_dir).ok
    assert (real / "octo" / "repo" / "manifest.json").is_file()


def test_the_cli_refuses_a_planted_link_in_one_line(capsys, cache_dir, log_dir, victim):
    write_batches(log_dir, [1])
    manifest = plant(log_dir / "manifest.json", victim)
    for argv in (["info", "octo/repo"], ["tail", "octo/repo"], ["rm", "octo/repo"]):
        code = main([*argv, "--cache-dir", str(cache_dir)])
        out, err = capsys.readouterr()
        assert (code, out, err) == (1, "", f"eventlog: error: {message(manifest)}\n")
    assert victim.read_bytes() == VICTIM_BYTES


def test_a_planted_alias_index_is_refused(cache_dir, victim):
    index = plant(cache_dir / "aliases.json", victim)
    assert_refused(lambda: repo_dir(cache_dir, "octo/repo"), index)
    assert_refused(lambda: add_alias(cache_dir, "octo/old", "octo/repo"), index)
    assert victim.read_bytes() == VICTIM_BYTES


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_directories_are_0700_and_files_0600_whatever_the_umask(tmp_path, umask):
    cache = tmp_path / "new" / "cache"
    log_dir = cache / "octo" / "repo"
    old = os.umask(umask)
    try:
        with open_writer(log_dir, fsync="always", segment_bytes=200) as writer:
            for _ in range(3):
                writer.append_batch(pr_events(writer.next_seq, 2))
        compact(log_dir)
        add_alias(cache, "octo/old", "octo/repo")
    finally:
        os.umask(old)
    for directory in (tmp_path / "new", cache, cache / "octo", log_dir):
        assert mode(directory) == 0o700, directory
    files = list(log_dir.iterdir()) + [cache / "aliases.json"]
    assert {p.name for p in files} >= {"manifest.json", "writer.lock", "aliases.json"}
    assert len(segment_paths(log_dir)) == 2
    for path in files:
        assert mode(path) == 0o600, path

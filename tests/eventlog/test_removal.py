"""``discard`` (a fresh start for ``--refresh``) and ``eventlog rm`` (the directory gone)."""

from __future__ import annotations

import os
import subprocess

import pytest

from eventlog import EventLog, LogLockedError, LogNotFoundError, discard, open_writer, verify
from eventlog.cli import main
from eventlog.removal import remove_log

from .support import FAST, assert_dense, read_all, write_batches


def start_holder(child_cmd, log_dir) -> subprocess.Popen:
    holder = subprocess.Popen([*child_cmd, "hold", str(log_dir)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"ready\n"
    return holder


def stop(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait()
    holder.stdout.close()


def test_discard_deletes_the_log_and_a_new_writer_starts_from_seq_zero(log_dir):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    (log_dir / "manifest.json.tmp").write_bytes(b"{")
    (log_dir / "00000000000000000999.g0.jsonl").write_bytes(b"orphan")
    (log_dir / "README.txt").write_text("mine")
    segments = sorted(p.name for p in log_dir.glob("*.jsonl"))
    removed = discard(log_dir)
    assert removed == ("manifest.json", *sorted([*segments, "manifest.json.tmp"]))
    assert sorted(os.listdir(log_dir)) == ["README.txt", "writer.lock"]
    assert not EventLog(log_dir).exists()
    with open_writer(log_dir, **FAST) as writer:
        assert writer.next_seq == 0 and writer.last_commit is None and writer.recovery.clean
        writer.append_batch([])
    assert_dense(read_all(log_dir))
    report = verify(log_dir)
    assert report.ok and not report.warnings


def test_discard_of_a_missing_log_does_nothing(tmp_path):
    assert discard(tmp_path / "nope" / "nope") == ()
    assert not (tmp_path / "nope").exists()


def test_discard_refuses_while_another_process_writes_and_deletes_nothing(log_dir, child_cmd):
    write_batches(log_dir, [2])
    holder = start_holder(child_cmd, log_dir)
    try:
        before = sorted(os.listdir(log_dir))
        with pytest.raises(LogLockedError) as info:
            discard(log_dir)
        assert info.value.pid == holder.pid
        assert sorted(os.listdir(log_dir)) == before
    finally:
        stop(holder)


def test_a_discard_interrupted_after_the_manifest_leaves_nothing_a_writer_would_misread(
        log_dir):
    write_batches(log_dir, [3, 3], segment_bytes=200)
    (log_dir / "manifest.json").unlink()  # what a crash right after the commit point leaves
    assert not EventLog(log_dir).exists()
    with open_writer(log_dir, **FAST) as writer:
        assert writer.next_seq == 0
        assert writer.recovery.removed_files  # the old segments beyond the first
    assert read_all(log_dir) == []
    assert verify(log_dir).ok and not verify(log_dir).warnings


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_rm_removes_the_directory_and_the_empty_owner_directory(capsys, cache_dir):
    write_batches(cache_dir / "octo" / "repo", [1])
    write_batches(cache_dir / "solo" / "only", [1])
    code, out, err = run(capsys, "rm", "octo/repo", "--cache-dir", str(cache_dir))
    assert (code, out, err) == (0, f"octo/repo: removed {cache_dir / 'octo' / 'repo'}\n", "")
    assert (cache_dir / "octo").is_dir() is False
    assert sorted(os.listdir(cache_dir)) == ["solo"]


def test_rm_keeps_the_owner_directory_while_it_holds_other_logs(cache_dir):
    write_batches(cache_dir / "octo" / "a", [1])
    write_batches(cache_dir / "octo" / "b", [1])
    removal = remove_log(cache_dir, "octo/a")
    assert removal.removed_dir and "writer.lock" in removal.removed
    assert os.listdir(cache_dir / "octo") == ["b"]


def test_rm_resolves_the_name_like_every_command(capsys, cache_dir):
    write_batches(cache_dir / "Octo" / "Repo", [1])  # written by an earlier version
    code, out, _ = run(capsys, "rm", "OCTO/repo", "--cache-dir", str(cache_dir))
    assert (code, out) == (0, f"OCTO/repo: removed {cache_dir / 'Octo' / 'Repo'}\n")
    assert os.listdir(cache_dir) == []


def test_rm_of_an_unknown_log_is_a_one_line_error(capsys, cache_dir):
    code, out, err = run(capsys, "rm", "octo/nope", "--cache-dir", str(cache_dir))
    assert (code, out) == (1, "")
    assert err == f"eventlog: error: no event log for octo/nope under {cache_dir}\n"
    with pytest.raises(LogNotFoundError):
        remove_log(cache_dir, "octo/nope")


def test_rm_refuses_while_a_process_writes_naming_it(capsys, cache_dir, log_dir, child_cmd):
    write_batches(log_dir, [1])
    holder = start_holder(child_cmd, log_dir)
    try:
        code, out, err = run(capsys, "rm", "octo/repo", "--cache-dir", str(cache_dir))
    finally:
        stop(holder)
    assert (code, out) == (1, "")
    assert err == (f"eventlog: error: log {log_dir} is locked by process {holder.pid}; wait for "
                   "it to finish or stop it\n")
    assert len(read_all(log_dir)) == 2


def test_rm_keeps_files_it_did_not_create_and_says_so(capsys, cache_dir, log_dir):
    write_batches(log_dir, [1])
    (log_dir / "notes\x1b[2J.txt").write_text("mine")
    code, out, _ = run(capsys, "rm", "octo/repo", "--cache-dir", str(cache_dir))
    assert code == 0
    assert out == (f"octo/repo: removed the log; kept {log_dir}: it holds files eventlog did "
                   "not create (notes\\x1b[2J.txt)\n")
    assert sorted(os.listdir(log_dir)) == ["notes\x1b[2J.txt", "writer.lock"]
    assert not EventLog(log_dir).exists()

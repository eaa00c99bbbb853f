"""fsync and write failures: nothing of the batch is committed and the writer is closed."""

from __future__ import annotations

import errno
import os

import pytest

import eventlog.writer as writer_module
from eventlog import (
    Event,
    EventLog,
    FsyncError,
    LogWriteError,
    WriterClosedError,
    open_writer,
    verify,
)

from .support import FAST, active_segment, assert_dense, pr_events, read_all, write_batches


def raising(code: int):
    """A stand-in for an ``os`` call (or any function) that fails with ``OSError(code)``."""
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


def assert_batch_failed(writer, log_dir, before_next, before_commit, before_bytes) -> None:
    assert (writer.next_seq, writer.last_commit) == (before_next, before_commit)
    assert active_segment(log_dir).read_bytes() == before_bytes
    assert [r.seq for r in read_all(log_dir)] == list(range(before_next))
    with pytest.raises(WriterClosedError, match="not usable"):
        writer.append_batch(pr_events(before_next, 1))


def test_an_fsync_failure_is_fatal_and_commits_nothing(log_dir, monkeypatch):
    write_batches(log_dir, [2])
    writer = open_writer(log_dir)
    state = (writer.next_seq, writer.last_commit, active_segment(log_dir).read_bytes())
    with monkeypatch.context() as patch:
        patch.setattr(writer_module.os, "fsync", raising(errno.EIO))
        with pytest.raises(FsyncError, match="fsync of .* failed"):
            writer.append_batch(pr_events(3, 2), meta={"lost": True})
        assert_batch_failed(writer, log_dir, *state)
    writer.close()
    with open_writer(log_dir) as again:
        assert again.recovery.clean and again.next_seq == 3
        commit = again.append_batch(pr_events(3, 1))
    assert commit.first_seq == 3
    assert_dense(read_all(log_dir))
    assert verify(log_dir).ok


def test_an_fsync_failure_is_never_retried(log_dir, monkeypatch):
    calls = []
    with open_writer(log_dir) as writer:
        def fsync(fd):
            calls.append(fd)
            raise OSError(errno.EIO, "I/O error")
        monkeypatch.setattr(writer_module.os, "fsync", fsync)
        with pytest.raises(FsyncError):
            writer.append_batch(pr_events(0, 1))
    assert len(calls) == 1


@pytest.mark.parametrize("after", [0, 1, 3])
def test_a_full_disk_midway_through_a_batch_commits_nothing(log_dir, monkeypatch, after):
    write_batches(log_dir, [2])
    writer = open_writer(log_dir, **FAST)
    state = (writer.next_seq, writer.last_commit, active_segment(log_dir).read_bytes())
    with monkeypatch.context() as patch:
        real_write = os.write
        calls = []

        def short_then_full(fd, data):
            calls.append(len(data))
            if len(calls) > after:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_write(fd, bytes(data[:50]))  # a short write, then the disk is full

        patch.setattr(writer_module.os, "write", short_then_full)
        with pytest.raises(LogWriteError, match="No space left on device") as info:
            writer.append_batch(pr_events(3, 5))
        assert not isinstance(info.value, FsyncError)
        assert_batch_failed(writer, log_dir, *state)
    writer.close()
    write_batches(log_dir, [1])
    assert_dense(read_all(log_dir))
    assert verify(log_dir).ok


def test_a_failed_roll_closes_the_writer_and_the_next_writer_continues(log_dir, monkeypatch):
    write_batches(log_dir, [3], segment_bytes=100)
    writer = open_writer(log_dir, segment_bytes=100, **FAST)
    with monkeypatch.context() as patch:
        patch.setattr(writer_module, "write_manifest", raising(errno.ENOSPC))
        with pytest.raises(LogWriteError, match="new segment"):
            writer.append_batch(pr_events(4, 1))
    with pytest.raises(WriterClosedError):
        writer.append_batch(pr_events(4, 1))
    writer.close()
    with open_writer(log_dir, segment_bytes=100, **FAST) as again:
        assert again.recovery.removed_files  # the half-created segment
        assert again.next_seq == 4
        again.append_batch(pr_events(4, 1))
    assert_dense(read_all(log_dir))
    assert verify(log_dir).ok


def test_a_write_failure_right_after_a_roll_leaves_an_empty_active_segment(log_dir, monkeypatch):
    write_batches(log_dir, [2], segment_bytes=10)
    writer = open_writer(log_dir, segment_bytes=10, **FAST)
    with monkeypatch.context() as patch:
        patch.setattr(writer_module.os, "write", raising(errno.EIO))
        with pytest.raises(LogWriteError):
            writer.append_batch(pr_events(3, 1))
    writer.close()
    assert active_segment(log_dir).stat().st_size == 0
    assert EventLog(log_dir).last_commit().meta == {"batch": 0}
    with open_writer(log_dir, segment_bytes=10, **FAST) as again:
        assert again.next_seq == 3 and again.last_commit.meta == {"batch": 0}


@pytest.mark.parametrize("event", [
    Event("commit", "pr:1", {}), Event("pr", "commit", {}), Event("", "pr:1", {}),
    Event("pr", "", {}), Event("pr", 7, {}),
], ids=["commit type", "commit key", "empty type", "empty key", "non-string key"])
def test_events_that_would_pass_for_commit_markers_are_refused(log_dir, event):
    with open_writer(log_dir, **FAST) as writer:
        with pytest.raises((ValueError, TypeError)):
            writer.append_batch([event])
        writer.append_batch(pr_events(0, 1))  # nothing was written, the writer still works
    assert_dense(read_all(log_dir))


def test_unserialisable_data_is_refused_before_anything_is_written(log_dir):
    with open_writer(log_dir, **FAST) as writer:
        with pytest.raises(TypeError):
            writer.append_batch([Event("pr", "pr:1", object())])
        assert writer.append_batch(pr_events(0, 1)).first_seq == 0


def test_a_closed_writer_refuses_appends(log_dir):
    writer = open_writer(log_dir, **FAST)
    writer.close()
    with pytest.raises(WriterClosedError, match="closed"):
        writer.append_batch([])


def test_events_may_come_from_a_generator(log_dir):
    with open_writer(log_dir, **FAST) as writer:
        commit = writer.append_batch(e for e in pr_events(0, 3))
    assert commit.count == 3
    assert_dense(read_all(log_dir))


@pytest.mark.parametrize("after_write", [False, True])
def test_an_interrupt_during_an_append_closes_the_writer_and_never_reuses_seqs(
        log_dir, monkeypatch, after_write):
    """Ctrl-C (KeyboardInterrupt) landing inside ``append_batch``, before or after the bytes
    reached the file: the writer refuses further appends, the log stays dense and verifies."""
    write_batches(log_dir, [2])
    writer = open_writer(log_dir)
    original = writer._write

    def interrupted(data):
        if after_write:
            original(data)
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        writer.append_batch(pr_events(3, 2))
    monkeypatch.undo()
    with pytest.raises(WriterClosedError, match="interrupted"):
        writer.append_batch(pr_events(3, 1))
    writer.close()
    with open_writer(log_dir) as again:
        again.append_batch(pr_events(again.next_seq, 1))
    assert_dense(read_all(log_dir))
    assert verify(log_dir).ok

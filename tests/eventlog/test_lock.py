"""One writer per log: a second writer is refused at once, naming the holder's PID."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from eventlog import EventLog, LogLockedError, open_writer

from .support import FAST, read_all, write_batches


def start_holder(child_cmd, log_dir) -> subprocess.Popen:
    holder = subprocess.Popen([*child_cmd, "hold", str(log_dir)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    assert holder.stdout.readline() == b"ready\n"
    return holder


def test_a_second_writer_is_refused_naming_the_holders_pid(log_dir, child_cmd):
    write_batches(log_dir, [1])
    holder = start_holder(child_cmd, log_dir)
    try:
        with pytest.raises(LogLockedError) as info:
            open_writer(log_dir, **FAST)
        assert info.value.pid == holder.pid
        assert f"locked by process {holder.pid}" in str(info.value)
        assert str(log_dir) in str(info.value)
        assert len(read_all(log_dir)) == 2  # readers never need the lock
    finally:
        holder.stdin.close()
        holder.wait()
    with open_writer(log_dir, **FAST) as writer:  # released on a clean exit
        assert writer.next_seq == 2


def test_the_lock_is_released_when_the_holder_is_sigkilled(log_dir, child_cmd):
    holder = start_holder(child_cmd, log_dir)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdin.close()
    holder.stdout.close()
    with open_writer(log_dir, **FAST) as writer:
        assert writer.next_seq == 0
        assert (log_dir / "writer.lock").read_text() == f"{os.getpid()}\n"


def test_a_second_writer_in_the_same_process_is_refused_too(log_dir):
    with open_writer(log_dir, **FAST):
        with pytest.raises(LogLockedError) as info:
            open_writer(log_dir, **FAST)
        assert info.value.pid == os.getpid()
    with open_writer(log_dir, **FAST):
        pass


def test_a_refused_writer_changes_nothing(log_dir):
    write_batches(log_dir, [2])
    with open_writer(log_dir, **FAST) as writer:
        with (log_dir / EventLog(log_dir).manifest().active.file).open("ab") as fh:
            fh.write(b"torn")  # an unfinished write the holder is still making
        with pytest.raises(LogLockedError):
            open_writer(log_dir, **FAST)  # must not "recover" the holder's tail
        assert (log_dir / EventLog(log_dir).manifest().active.file).read_bytes().endswith(b"torn")
        assert writer.next_seq == 3

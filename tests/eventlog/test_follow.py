"""Follow mode: every committed record exactly once, in order, across rolls and compaction, and
never a record of an unfinished batch."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import pytest

from eventlog import Event, EventLog, compact, open_writer
from eventlog.record import encode, envelope

from .support import active_segment, assert_dense, pr_events, read_all

SEGMENT = 900


class Follower:
    """A thread collecting ``EventLog.follow`` from seq 0 until stopped."""

    def __init__(self, log_dir) -> None:
        self.log, self.got, self.error = EventLog(log_dir), [], None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for record in self.log.follow(0, poll_interval=0.002, should_stop=self._stop.is_set):
                self.got.append(record)
        except Exception as e:  # surfaced by stop()
            self.error = e

    def wait_for(self, seq: int) -> None:
        """Block until the follower has received ``seq`` (or failed); bounded, never hangs."""
        for _ in range(10_000):
            if self.error or (self.got and self.got[-1].seq >= seq):
                return
            time.sleep(0.002)
        pytest.fail(f"follower never reached seq {seq}; last {self.got[-1:]}")

    def stop(self) -> list:
        self._stop.set()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive()
        if self.error:
            raise self.error
        return self.got


@pytest.fixture
def follower():
    """Start ``Follower`` threads; any still running when the test ends are stopped."""
    started: list[Follower] = []

    def start(log_dir) -> Follower:
        started.append(Follower(log_dir))
        return started[-1]

    yield start
    for running in started:
        running._stop.set()


def write_unmarked(log_dir, first_seq: int) -> None:
    """What a writer killed before its marker leaves behind: complete but unmarked records."""
    with active_segment(log_dir).open("ab") as fh:
        for seq in range(first_seq, first_seq + 3):
            fh.write(encode(envelope(seq, "pr", f"ghost:{seq}", "uncommitted", "t")) + b"\n")


def append_some(writer, batches: int, committed: dict) -> None:
    for i in range(batches):
        first = writer.next_seq
        events = [Event("pr", f"pr:{first + j}", {"seq": first + j}) for j in range(i % 4)]
        commit = writer.append_batch(events, meta={"first": first})
        committed.update({r.seq: r for r in read_all(writer.log_dir, first)})
        assert max(committed) == commit.commit_seq
        if i % 3 == 0:
            time.sleep(0.003)  # let the follower catch up now and then


def test_a_follower_gets_every_committed_record_once_across_rolls_and_compaction(
        log_dir, follower):
    committed: dict = {}
    with open_writer(log_dir, fsync="never", segment_bytes=SEGMENT) as writer:
        append_some(writer, 1, committed)
    follow = follower(log_dir)
    for _ in range(3):
        with open_writer(log_dir, fsync="never", segment_bytes=SEGMENT) as writer:
            assert writer.recovery.clean  # compaction already dropped the unmarked records
            append_some(writer, 10, committed)
            write_unmarked(log_dir, writer.next_seq)
            follow.wait_for(writer.next_seq - 1)
            time.sleep(0.02)  # several polls see the unmarked records
        compact(log_dir, durable=False)
    with open_writer(log_dir, fsync="never", segment_bytes=SEGMENT) as writer:
        append_some(writer, 10, committed)
        last = writer.next_seq - 1
    follow.wait_for(last)
    got = follow.stop()
    seqs = [r.seq for r in got]
    assert seqs == sorted(set(seqs))  # exactly once, in order
    assert all(committed[r.seq] == r for r in got)  # never an uncommitted record
    events = [seq for seq, r in committed.items() if not r.is_commit]
    assert [r.seq for r in got if not r.is_commit] == events  # compaction kept every event
    assert got[-1].seq == last and len(EventLog(log_dir).manifest().segments) > 2


@pytest.mark.chaos
def test_a_follower_beside_a_sigkilled_writer_process_never_sees_a_torn_batch(
        log_dir, child_cmd, follower):
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([])
    follow = follower(log_dir)
    torn = 0
    for round_ in range(15):  # at least 3 kills, and until one left a torn batch behind
        if round_ >= 3 and torn:
            break
        proc = subprocess.Popen(
            [*child_cmd, "append", str(log_dir), "never", str(SEGMENT * 8), str(round_), "short"],
            stdout=subprocess.PIPE)
        proc.stdout.readline()
        time.sleep(0.15)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        torn += EventLog(log_dir).info().uncommitted_bytes > 0
        time.sleep(0.01)  # the follower polls the torn batch
    assert torn
    with open_writer(log_dir, fsync="never") as writer:  # truncates the torn batch
        commit = writer.append_batch(pr_events(writer.next_seq, 3), meta={"final": True})
    follow.wait_for(commit.commit_seq)
    got = follow.stop()
    final = read_all(log_dir)
    assert got == final
    assert_dense(final)
    assert [r.seq for r in got] == list(range(commit.commit_seq + 1))

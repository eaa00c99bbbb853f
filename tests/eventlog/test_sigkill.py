"""A writer process SIGKILLed at random moments, again and again, never loses a reported commit."""

from __future__ import annotations

import random
import signal
import subprocess
import time

import pytest

from eventlog import EventLog, open_writer, verify

from .support import FAST

pytestmark = pytest.mark.chaos

ROUNDS = 32


def run_and_kill(child_cmd, log_dir, args: list[str], rng: random.Random) -> list[tuple]:
    """Start an appending child, SIGKILL it at a random moment; return the commits it reported."""
    proc = subprocess.Popen([*child_cmd, "append", str(log_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        if rng.random() < 0.8:  # mostly mid-append; sometimes during start-up and recovery
            assert proc.stdout.readline().startswith(b"open ")
        time.sleep(rng.uniform(0, 0.04))
    finally:
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, err.decode()
    commits = []
    for line in out.splitlines(keepends=True):
        if line.startswith(b"commit ") and line.endswith(b"\n"):
            _, first, last = line.split()
            commits.append((int(first), int(last)))
    return commits


def check_log(log_dir, reported: list[tuple]) -> tuple[int, bool]:
    """The log verifies, seqs are dense, every reported batch is intact; returns the next seq
    and whether recovery had an unfinished batch to truncate."""
    if not EventLog(log_dir).exists():  # killed before it created the log
        assert not reported
        with open_writer(log_dir, **FAST) as writer:
            return writer.next_seq, False
    report = verify(log_dir)
    assert report.ok, report.problems
    records = list(EventLog(log_dir).read())
    assert [r.seq for r in records] == list(range(len(records)))
    for first, last in reported:
        batch = records[first:last + 1]
        assert [r.data["seq"] for r in batch[:-1]] == list(range(first, last))
        marker = batch[-1]
        assert marker.is_commit and marker.data["first_seq"] == first
        assert marker.meta == {"first": first}
    with open_writer(log_dir, **FAST) as writer:
        assert writer.next_seq == len(records)
        assert writer.last_commit == (records[-1] if records else None)
        return writer.next_seq, bool(writer.recovery.truncated_bytes)


def test_sigkilled_writers_never_lose_a_reported_commit_and_always_reopen(log_dir, child_cmd):
    rng = random.Random(1234)
    reported: list[tuple] = []
    torn = 0
    for round_ in range(ROUNDS):
        fsync = "always" if round_ % 2 else "never"
        short = ["short"] if round_ % 4 >= 2 else []
        new = run_and_kill(child_cmd, log_dir, [fsync, "6000", str(round_), *short], rng)
        if new and reported:
            assert new[0][0] > reported[-1][1]  # seqs of committed batches are never reused
        reported += new
        next_seq, truncated = check_log(log_dir, reported)
        assert next_seq > (reported[-1][1] if reported else -1)
        torn += truncated
    assert len(reported) > ROUNDS and len(EventLog(log_dir).manifest().segments) > 1
    assert torn  # some kills did land in the middle of a batch

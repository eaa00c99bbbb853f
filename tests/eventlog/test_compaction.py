"""Compaction: latest record per key, seqs and next offset preserved, crash-safe at every step."""

from __future__ import annotations

import os
import subprocess

import pytest

from eventlog import (
    Event,
    EventLog,
    LogLockedError,
    LogNotFoundError,
    Record,
    compact,
    open_writer,
    verify,
)
from eventlog.compaction import STEPS

from .support import FAST, pr_events, read_all, segment_paths, write_batches

CRASH = 17


def latest_per_key(records: list[Record]) -> dict[str, Record]:
    latest = {}
    for record in records:
        latest[record.key] = record
    return latest


def build(log_dir, segment_bytes: int = 1500) -> list[Record]:
    """Six batches over five keys, rolled into several segments; returns every record."""
    write_batches(log_dir, [4, 3, 0, 5, 2, 4], keys=5, segment_bytes=segment_bytes)
    return read_all(log_dir)


def test_compaction_keeps_the_latest_record_per_key_and_the_latest_marker(log_dir):
    before = build(log_dir)
    report = compact(log_dir, durable=False)
    after = read_all(log_dir)
    expected = sorted(latest_per_key(before).values(), key=lambda r: r.seq)
    assert after == expected
    assert after[-1] == before[-1] and after[-1].is_commit
    assert [r.key for r in after].count("commit") == 1
    assert (report.records_before, report.records_after) == (len(before), len(after))
    assert report.bytes_after < report.bytes_before and report.changed
    assert (report.keys, report.next_seq) == (5, before[-1].seq + 1)
    assert f"{len(before)} -> {len(after)} records" in report.describe()
    assert EventLog(log_dir).next_seq() == before[-1].seq + 1
    assert EventLog(log_dir).last_commit() == before[-1]
    assert verify(log_dir).ok and not verify(log_dir).warnings


def test_appends_after_compaction_continue_the_seq_and_the_checkpoint(log_dir):
    before = build(log_dir)
    compact(log_dir, durable=False)
    with open_writer(log_dir, **FAST) as writer:
        assert writer.next_seq == before[-1].seq + 1
        assert writer.last_commit == before[-1]
        commit = writer.append_batch(pr_events(writer.next_seq, 2), meta={"after": True})
    assert commit.first_seq == before[-1].seq + 1
    records = read_all(log_dir)
    assert [r.seq for r in records[-3:]] == [commit.first_seq, commit.first_seq + 1,
                                             commit.commit_seq]
    assert verify(log_dir).ok
    again = compact(log_dir, durable=False)
    assert again.next_seq == commit.commit_seq + 1
    assert latest_per_key(read_all(log_dir))["commit"].meta == {"after": True}


def test_compacting_a_compacted_log_changes_nothing(log_dir):
    build(log_dir)
    compact(log_dir, durable=False)
    files = sorted(os.listdir(log_dir))
    report = compact(log_dir, durable=False)
    assert not report.changed and "nothing to compact" in report.describe()
    assert sorted(os.listdir(log_dir)) == files


def test_reading_from_an_offset_compaction_removed_starts_at_the_next_survivor(log_dir):
    before = build(log_dir)
    compact(log_dir, durable=False)
    survivors = [r.seq for r in read_all(log_dir)]
    for offset in range(before[-1].seq + 2):
        assert [r.seq for r in read_all(log_dir, offset)] == [s for s in survivors if s >= offset]
    assert EventLog(log_dir).tail(2) == read_all(log_dir)[-2:]


def test_compaction_refuses_while_a_writer_holds_the_lock(log_dir):
    build(log_dir)
    with open_writer(log_dir, **FAST), pytest.raises(LogLockedError) as info:
        compact(log_dir, durable=False)
    assert info.value.pid == os.getpid()
    compact(log_dir, durable=False)  # and works once the writer is gone


def test_compaction_of_a_missing_log_says_so(tmp_path):
    with pytest.raises(LogNotFoundError, match="no event log at"):
        compact(tmp_path / "nope" / "nope")


def test_compaction_first_truncates_an_unfinished_tail(log_dir):
    before = build(log_dir)
    with segment_paths(log_dir)[-1].open("ab") as fh:
        fh.write(b'{"torn":')
    compact(log_dir, durable=False)
    assert read_all(log_dir)[-1] == before[-1]
    assert verify(log_dir).ok and not verify(log_dir).warnings


def crash_compaction_at(log_dir, step: str) -> int:
    """Compact in a forked child that dies (``os._exit``) right after ``step``; return its exit
    status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            compact(log_dir, on_step=lambda s: os._exit(CRASH) if s == step else None)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("step", STEPS)
def test_a_crash_at_any_compaction_step_leaves_the_old_or_the_new_log(log_dir, step):
    before = build(log_dir)
    assert crash_compaction_at(log_dir, step) == CRASH
    assert verify(log_dir).ok
    after = read_all(log_dir)
    assert after in (before, sorted(latest_per_key(before).values(), key=lambda r: r.seq))
    assert latest_per_key(after) == latest_per_key(before)
    assert EventLog(log_dir).next_seq() == before[-1].seq + 1
    with open_writer(log_dir, **FAST) as writer:  # removes leftovers of the crash
        assert writer.next_seq == before[-1].seq + 1
        writer.append_batch(pr_events(writer.next_seq, 1))
    report = verify(log_dir)
    assert report.ok and not report.warnings
    compact(log_dir, durable=False)
    assert latest_per_key(read_all(log_dir))["commit"].seq == before[-1].seq + 2


def test_compaction_memory_does_not_grow_with_the_number_of_records(log_dir, child_cmd):
    """200k records over 20k keys: the compacting process's peak memory grows by far less than
    the log's size (it holds a key index, never the records)."""
    with open_writer(log_dir, fsync="never") as writer:
        for batch in range(100):
            writer.append_batch([Event("pr", f"pr:{(batch * 1999 + i) % 20_000}", PAYLOAD)
                                 for i in range(1999)])
    log_bytes = sum(p.stat().st_size for p in segment_paths(log_dir))
    out = subprocess.run([*child_cmd, "compact", str(log_dir)], capture_output=True, check=True)
    records_after, growth = map(int, out.stdout.split())
    assert records_after == 20_001
    assert log_bytes > 40_000_000
    assert growth < log_bytes / 4, (growth, log_bytes)


PAYLOAD = {"title": "x" * 100}

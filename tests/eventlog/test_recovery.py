"""Recovery of the tail: torn writes, garbage and unmarked batches are truncated and reported."""

from __future__ import annotations

import random

import pytest

from eventlog import EventLog, open_writer, verify
from eventlog.record import encode, envelope

from .support import (
    FAST,
    active_segment,
    assert_dense,
    batch_ends,
    line_spans,
    pr_events,
    read_all,
    write_batches,
)


def committed_at(spans, ends, length: int) -> tuple[int, int, int]:
    """For the file cut to ``length`` bytes: (valid bytes, next seq, complete unmarked lines)."""
    valid = max([end for end in ends if end <= length], default=0)
    committed = sum(1 for _, end in spans if end <= valid)
    unmarked = sum(1 for start, end in spans if start >= valid and end <= length)
    return valid, committed, unmarked


def test_recover_truncates_a_torn_tail_at_every_byte_of_the_last_two_batches(log_dir):
    write_batches(log_dir, [2, 3, 1, 2])
    path = active_segment(log_dir)
    pristine = path.read_bytes()
    spans, ends = line_spans(path), batch_ends(path)
    for length in range(ends[-3], len(pristine) + 1):
        valid, committed, unmarked = committed_at(spans, ends, length)
        path.write_bytes(pristine[:length])
        assert_dense(read_all(log_dir))  # readers already ignore the torn tail
        assert len(read_all(log_dir)) == committed
        with open_writer(log_dir, **FAST) as writer:
            report = writer.recovery
            assert (report.valid_bytes, report.next_seq) == (valid, committed)
            assert report.truncated_bytes == length - valid
            assert report.truncated_records == unmarked
            assert report.clean == (length == valid)
            assert ("truncated" in report.describe()) != report.clean
            commit = writer.append_batch(pr_events(committed, 2))
        assert commit.first_seq == committed and commit.commit_seq == committed + 2
        records = read_all(log_dir)
        assert_dense(records)
        assert len(records) == committed + 3
        assert path.read_bytes()[:valid] == pristine[:valid]
        assert verify(log_dir).ok


GARBAGE = {
    "random bytes": bytes(random.Random(7).randrange(256) for _ in range(300)).replace(b"\n", b""),
    "random bytes with newlines": b"\x93garbage\n\xff\xfe{\"seq\":\n" + bytes(range(200)) + b"\n",
    "zeros": b"\x00" * 4096,
    "zeros then newline": b"\x00" * 100 + b"\n",
    "half a json line": b'{"data":{},"key":"pr:1","seq":',
}


@pytest.mark.parametrize("garbage", GARBAGE.values(), ids=GARBAGE.keys())
def test_recover_removes_a_garbage_tail_and_keeps_every_committed_batch(log_dir, garbage):
    write_batches(log_dir, [2, 2])
    path = active_segment(log_dir)
    committed = path.read_bytes()
    with path.open("ab") as fh:
        fh.write(garbage)
    assert len(read_all(log_dir)) == 6
    warnings = verify(log_dir)
    assert warnings.ok and any("uncommitted bytes" in w for w in warnings.warnings)
    with open_writer(log_dir, **FAST) as writer:
        assert writer.recovery.truncated_bytes == len(garbage)
        assert writer.recovery.truncated_records == 0
        assert writer.recovery.problem is not None
        assert writer.next_seq == 6
    assert path.read_bytes() == committed


def test_recover_truncates_a_last_line_without_its_newline(log_dir):
    write_batches(log_dir, [1, 1])
    path = active_segment(log_dir)
    data = path.read_bytes()
    path.write_bytes(data[:-1])  # the marker of the last batch lost only its newline
    with open_writer(log_dir, **FAST) as writer:
        assert writer.recovery.truncated_bytes == len(data) - 1 - batch_ends(path)[0]
        assert "torn line" in writer.recovery.problem
        assert writer.next_seq == 2
    assert_dense(read_all(log_dir))


def test_recover_truncates_a_complete_batch_whose_marker_never_made_it(log_dir):
    write_batches(log_dir, [3])
    path = active_segment(log_dir)
    unmarked = b"".join(encode(envelope(seq, "pr", f"pr:{seq}", {"seq": seq}, "t")) + b"\n"
                        for seq in range(4, 9))
    with path.open("ab") as fh:
        fh.write(unmarked)
    assert len(read_all(log_dir)) == 4
    with open_writer(log_dir, **FAST) as writer:
        report = writer.recovery
        assert (report.truncated_bytes, report.truncated_records) == (len(unmarked), 5)
        assert report.problem is None
        assert "5 complete records of an unfinished batch" in report.describe()
        writer.append_batch(pr_events(4, 1))
    assert_dense(read_all(log_dir))


def test_a_clean_log_is_reported_clean_and_left_untouched(log_dir):
    write_batches(log_dir, [2, 0, 1])
    before = active_segment(log_dir).read_bytes()
    with open_writer(log_dir, **FAST) as writer:
        assert writer.recovery.clean and writer.next_seq == 6
        assert writer.last_commit.seq == 5 and writer.last_commit.meta == {"batch": 2}
        assert "clean, next seq 6" in writer.recovery.describe()
    assert active_segment(log_dir).read_bytes() == before


def test_a_crash_while_creating_a_log_leaves_a_log_that_opens(log_dir):
    log_dir.mkdir(parents=True)
    (log_dir / "00000000000000000000.g0.jsonl").write_bytes(b'{"half":')  # no manifest yet
    (log_dir / "manifest.json.tmp").write_bytes(b"{")
    assert not EventLog(log_dir).exists()
    write_batches(log_dir, [2])
    assert_dense(read_all(log_dir))
    assert verify(log_dir).ok and not verify(log_dir).warnings


def test_leftover_files_of_an_interrupted_roll_are_removed_and_reported(log_dir):
    write_batches(log_dir, [1])
    (log_dir / "00000000000000000002.g0.jsonl").write_bytes(b"")
    assert any("leftover" in w for w in verify(log_dir).warnings)
    with open_writer(log_dir, **FAST) as writer:
        assert writer.recovery.removed_files == ("00000000000000000002.g0.jsonl",)
        assert "removed leftover files" in writer.recovery.describe()
    assert not (log_dir / "00000000000000000002.g0.jsonl").exists()

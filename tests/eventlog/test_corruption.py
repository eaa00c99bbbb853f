"""Corruption: damage after the last commit is a torn tail; damage before it is never dropped."""

from __future__ import annotations

import random
import shutil

import pytest

from eventlog import CorruptRecordError, compact, open_writer, verify

from .support import (
    FAST,
    active_segment,
    assert_dense,
    batch_ends,
    damage,
    line_spans,
    pr_events,
    read_all,
    segment_paths,
    snapshot,
    write_batches,
)

pytestmark = pytest.mark.chaos


def expected_outcome(spans, ends, start: int, stop: int):
    """What recovery must do after bytes [start, stop) were damaged: ``("raise", offset, seq)``
    if an intact commit marker follows the damage, else ``("recover", valid, records, unmarked)``.
    A line is intact when neither it nor the newline before it was touched."""
    marker_starts = {s for s, e in spans if e in set(ends)}
    if any(s in marker_starts and s - 1 >= stop for s, _ in spans):
        index = max(i for i, (s, _) in enumerate(spans) if s <= start)
        return "raise", spans[index][0], index
    valid = max([e for e in ends if e <= start], default=0)
    records = sum(1 for _, e in spans if e <= valid)
    unmarked = sum(1 for s, e in spans if s >= valid and e <= start)
    return "recover", valid, records, unmarked


def test_random_damage_rounds_keep_the_exact_committed_prefix_or_refuse_to_open(tmp_path):
    rng = random.Random(20240611)
    pristine = tmp_path / "pristine"
    write_batches(pristine, [rng.randrange(0, 5) for _ in range(12)])
    path = active_segment(pristine)
    data, spans, ends = path.read_bytes(), line_spans(path), batch_ends(path)
    outcomes = set()
    for round_ in range(80):
        work = tmp_path / f"round{round_}"
        shutil.copytree(pristine, work)
        start = rng.randrange(len(data))
        stop = rng.choice([len(data), len(data) + rng.randrange(1, 300),
                           rng.randrange(start + 1, len(data) + 1)])
        damaged = damage(data, start, stop - start, rng)
        active_segment(work).write_bytes(damaged)
        expected = expected_outcome(spans, ends, start, min(stop, len(data)))
        outcomes.add(expected[0])
        if expected[0] == "raise":
            assert_refused(work, expected[1], expected[2])
        else:
            assert_recovered(work, data, len(damaged), *expected[1:])
        shutil.rmtree(work)
    assert outcomes == {"raise", "recover"}


def assert_refused(log_dir, offset: int, seq: int) -> None:
    before = snapshot(log_dir)
    path = active_segment(log_dir)
    with pytest.raises(CorruptRecordError) as info:
        open_writer(log_dir, **FAST)
    error = info.value
    assert (error.path, error.byte_offset, error.seq) == (path, offset, seq)
    assert f"byte {offset} of {path} (seq {seq})" in str(error)
    with pytest.raises(CorruptRecordError):
        read_all(log_dir)
    report = verify(log_dir)
    assert not report.ok and report.problems[0].byte_offset == offset
    assert snapshot(log_dir) == before


def assert_recovered(log_dir, data, size, valid, records, unmarked) -> None:
    with open_writer(log_dir, **FAST) as writer:
        report = writer.recovery
        assert (report.valid_bytes, report.next_seq) == (valid, records)
        assert (report.truncated_bytes, report.truncated_records) == (size - valid, unmarked)
        writer.append_batch(pr_events(records, 1))
    path = active_segment(log_dir)
    assert path.read_bytes()[:valid] == data[:valid]
    survivors = read_all(log_dir)
    assert_dense(survivors)
    assert len(survivors) == records + 2
    assert verify(log_dir).ok


def flip(path, offset: int, mask: int = 0x01) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= mask
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["first byte", "middle", "closing brace", "newline", "crc"])
def test_a_flipped_byte_before_the_last_commit_is_reported_and_nothing_is_rewritten(
        log_dir, where):
    write_batches(log_dir, [2, 2, 2])
    path = active_segment(log_dir)
    spans = line_spans(path)
    start, end = spans[4]  # the second record of the second batch (seq 4)
    offset = {"first byte": start, "middle": (start + end) // 2, "closing brace": end - 2,
              "newline": end - 1, "crc": end - 5}[where]
    flip(path, offset)
    before = snapshot(log_dir)
    with pytest.raises(CorruptRecordError) as info:
        open_writer(log_dir, **FAST)
    assert (info.value.path, info.value.byte_offset, info.value.seq) == (path, start, 4)
    with pytest.raises(CorruptRecordError):
        read_all(log_dir)
    with pytest.raises(CorruptRecordError):
        compact(log_dir, durable=False)
    report = verify(log_dir)
    assert not report.ok
    assert (report.problems[0].path, report.problems[0].byte_offset) == (path, start)
    assert report.problems[0].seq == 4
    assert snapshot(log_dir) == before


def test_a_flipped_byte_in_a_sealed_segment_fails_reads_and_verify_and_is_never_rewritten(
        log_dir):
    write_batches(log_dir, [3, 3, 3], segment_bytes=400)
    first = segment_paths(log_dir)[0]
    flip(first, 30)
    before = snapshot(log_dir)
    with pytest.raises(CorruptRecordError) as info:
        read_all(log_dir)
    assert (info.value.path, info.value.byte_offset) == (first, 0)
    report = verify(log_dir)
    assert not report.ok and (report.problems[0].path, report.problems[0].seq) == (first, 0)
    with pytest.raises(CorruptRecordError):
        compact(log_dir, durable=False)
    assert snapshot(log_dir) == before


def test_reading_from_after_damage_in_a_sealed_segment_still_works(log_dir):
    write_batches(log_dir, [3, 3, 3], segment_bytes=400)
    flip(segment_paths(log_dir)[0], 30)
    later = read_all(log_dir, from_seq=8)
    assert [r.seq for r in later] == [8, 9, 10, 11]

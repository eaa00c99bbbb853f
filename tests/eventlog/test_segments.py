"""Segments and manifest: rolling, reading across segments, missing or truncated segments."""

from __future__ import annotations

import json

import pytest

from eventlog import (
    EventLog,
    ManifestError,
    SegmentMissingError,
    compact,
    open_writer,
    verify,
)
from eventlog.manifest import load_manifest

from .support import FAST, assert_dense, read_all, segment_paths, write_batches


def rolled_log(log_dir) -> list:
    """Twelve batches rolled at 600 bytes: several sealed segments and an active one."""
    write_batches(log_dir, [2, 1, 3, 0, 2, 4, 1, 1, 2, 3, 0, 2], segment_bytes=600)
    return read_all(log_dir)


def test_the_writer_rolls_segments_and_readers_read_across_them_from_any_offset(log_dir):
    records = rolled_log(log_dir)
    manifest = load_manifest(log_dir)
    assert len(manifest.segments) >= 4
    assert all(seg.sealed for seg in manifest.segments[:-1]) and not manifest.active.sealed
    assert_dense(records)
    for offset in range(len(records) + 2):
        assert read_all(log_dir, offset) == records[offset:]
    for seg in manifest.segments[:-1]:  # sealed segments end with a commit marker
        assert seg.records == seg.last_seq - seg.base_seq + 1
        assert (log_dir / seg.file).stat().st_size == seg.bytes
    report = verify(log_dir)
    assert report.ok and report.records == len(records)


def test_a_reopened_writer_keeps_rolling_and_counting(log_dir):
    records = rolled_log(log_dir)
    write_batches(log_dir, [3, 3, 3], segment_bytes=600)
    more = read_all(log_dir)
    assert more[: len(records)] == records
    assert_dense(more)
    assert verify(log_dir).ok


def test_a_deleted_middle_segment_is_an_error_naming_the_file(log_dir):
    rolled_log(log_dir)
    middle = segment_paths(log_dir)[1]
    middle.unlink()
    with pytest.raises(SegmentMissingError, match=str(middle)):
        open_writer(log_dir, **FAST)
    with pytest.raises(SegmentMissingError, match=middle.name):
        read_all(log_dir)
    with pytest.raises(SegmentMissingError, match=middle.name):
        compact(log_dir, durable=False)
    report = verify(log_dir)
    assert not report.ok
    assert report.problems[0].path == middle and "missing" in report.problems[0].message


@pytest.mark.parametrize("cut", [1, 50, "batch"])
def test_a_truncated_sealed_segment_is_an_error_naming_the_file(log_dir, cut):
    rolled_log(log_dir)
    sealed = segment_paths(log_dir)[1]
    data = sealed.read_bytes()
    keep = data.index(b'"type":"commit"') if cut == "batch" else len(data) - cut
    keep = data.index(b"\n", keep) + 1 if cut == "batch" else keep  # at a batch boundary
    sealed.write_bytes(data[:keep])
    with pytest.raises(SegmentMissingError, match=str(sealed)):
        open_writer(log_dir, **FAST)
    with pytest.raises(SegmentMissingError, match=str(sealed)):
        read_all(log_dir)
    report = verify(log_dir)
    assert not report.ok
    assert report.problems[0].path == sealed and "manifest recorded" in report.problems[0].message
    assert sealed.read_bytes() == data[:keep]


def test_a_missing_active_segment_is_an_error_naming_the_file(log_dir):
    rolled_log(log_dir)
    active = segment_paths(log_dir)[-1]
    active.unlink()
    with pytest.raises(SegmentMissingError, match=str(active)):
        open_writer(log_dir, **FAST)
    for call in (EventLog(log_dir).next_seq, EventLog(log_dir).info, lambda: read_all(log_dir)):
        with pytest.raises(SegmentMissingError, match=active.name):
            call()
    assert not verify(log_dir).ok


def test_a_damaged_manifest_is_reported_not_guessed(log_dir):
    rolled_log(log_dir)
    manifest = log_dir / "manifest.json"
    doc = json.loads(manifest.read_bytes())
    doc["body"]["segments"][0]["bytes"] += 1  # the checksum no longer matches
    manifest.write_text(json.dumps(doc))
    with pytest.raises(ManifestError, match="manifest.json is damaged"):
        open_writer(log_dir, **FAST)
    with pytest.raises(ManifestError):
        read_all(log_dir)
    assert not verify(log_dir).ok


def test_segment_size_must_be_positive(log_dir):
    with pytest.raises(ValueError, match="segment_bytes"):
        open_writer(log_dir, segment_bytes=0)

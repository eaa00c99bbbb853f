"""Record codec: canonical JSON lines with a CRC-32, format versions and upcasting."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

import eventlog.record as record_module
from eventlog import (
    CorruptRecordError,
    Event,
    EventLog,
    UnsupportedVersionError,
    open_writer,
    verify,
)
from eventlog.record import decode, encode, envelope

from .support import FAST, active_segment, read_all, snapshot, write_batches

FIELDS = {"v", "seq", "type", "key", "ts", "data", "crc"}


def sample_line() -> bytes:
    env = envelope(42, "pr", "pr:1234", {"title": "Fix ✓", "n": [1, 2.5, None]},
                   "2026-01-02T03:04:05.678Z")
    return encode(env) + b"\n"


def test_encode_then_decode_round_trips_every_field():
    record = decode(sample_line(), Path("seg.jsonl"), 0)
    assert (record.seq, record.type, record.key, record.ts, record.v) == (
        42, "pr", "pr:1234", "2026-01-02T03:04:05.678Z", 1)
    assert record.data == {"title": "Fix ✓", "n": [1, 2.5, None]}
    assert encode(record.to_dict()) + b"\n" == sample_line()


def test_a_line_is_valid_json_and_its_crc_covers_the_record_without_the_crc():
    line = sample_line()
    obj = json.loads(line)
    assert set(obj) == FIELDS
    crc = obj.pop("crc")
    canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert crc == f"{zlib.crc32(canonical.encode()):08x}"


def test_every_line_the_writer_writes_is_valid_json_with_all_fields(log_dir):
    write_batches(log_dir, [3, 0, 2])
    lines = active_segment(log_dir).read_bytes().splitlines()
    objs = [json.loads(line) for line in lines]
    assert all(set(obj) == FIELDS for obj in objs)
    assert [obj["seq"] for obj in objs] == list(range(8))
    assert [obj["type"] for obj in objs].count("commit") == 3
    assert objs[-1]["data"] == {"first_seq": 5, "count": 2, "meta": {"batch": 2}}


@pytest.mark.parametrize("mask", [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF])
def test_crc_detects_a_flipped_byte_at_every_position_of_a_line(mask):
    line = sample_line()
    for i in range(len(line)):
        damaged = bytearray(line)
        damaged[i] ^= mask
        with pytest.raises(CorruptRecordError) as info:
            decode(bytes(damaged), Path("seg.jsonl"), 1000)
        assert info.value.byte_offset == 1000
        assert "byte 1000 of seg.jsonl" in str(info.value)


def test_commit_marker_exposes_the_callers_meta(log_dir):
    with open_writer(log_dir, **FAST) as writer:
        writer.append_batch([Event("pr", "pr:1", {})], meta={"cursor": "abc", "page": 3})
        assert writer.last_commit.meta == {"cursor": "abc", "page": 3}
    marker = read_all(log_dir)[-1]
    assert marker.is_commit and marker.meta == {"cursor": "abc", "page": 3}
    assert read_all(log_dir)[0].meta == {}


def write_as_version(log_dir: Path, version: int, monkeypatch) -> None:
    """Append one batch as a writer of format ``version`` would."""
    with monkeypatch.context() as patch:
        patch.setattr(record_module, "FORMAT_VERSION", version)
        patch.setitem(record_module.UPCASTERS, version - 1, lambda env: {**env, "v": version})
        write_batches(log_dir, [2])


def test_an_old_record_is_upcast_through_the_registered_upcaster(log_dir, monkeypatch):
    write_batches(log_dir, [2])  # version 1 on disk
    monkeypatch.setattr(record_module, "FORMAT_VERSION", 2)
    monkeypatch.setitem(record_module.UPCASTERS, 1, wrap_event_data)
    records = read_all(log_dir)
    assert [r.v for r in records] == [2, 2, 2]
    assert records[0].data == {"wrapped": {"seq": 0, "pad": ""}}
    assert records[-1].is_commit and records[-1].data["count"] == 2
    assert verify(log_dir).ok
    with open_writer(log_dir, **FAST) as writer:  # recovery reads through the upcaster too
        assert writer.next_seq == 3 and not writer.recovery.truncated_bytes


def wrap_event_data(env: dict) -> dict:
    """A version 1 -> 2 upcaster: version 2 nests event data under "wrapped"."""
    if env["type"] == "commit":
        return {**env, "v": 2}
    return {**env, "v": 2, "data": {"wrapped": env["data"]}}


def test_an_upcaster_that_breaks_commit_markers_fails_loudly_and_truncates_nothing(
        log_dir, monkeypatch):
    write_batches(log_dir, [2])
    before = snapshot(log_dir)
    monkeypatch.setattr(record_module, "FORMAT_VERSION", 2)
    monkeypatch.setitem(record_module.UPCASTERS, 1,
                        lambda env: {**env, "v": 2, "data": {"wrapped": env["data"]}})
    with pytest.raises(CorruptRecordError, match="commit marker describes"):
        read_all(log_dir)
    with pytest.raises(CorruptRecordError) as info:
        open_writer(log_dir, **FAST)
    assert info.value.seq == 2
    assert snapshot(log_dir) == before


def test_an_upcaster_that_forgets_to_bump_the_version_still_terminates(log_dir, monkeypatch):
    write_batches(log_dir, [1])
    monkeypatch.setattr(record_module, "FORMAT_VERSION", 3)
    monkeypatch.setitem(record_module.UPCASTERS, 1, lambda env: {**env, "ts": "one"})
    monkeypatch.setitem(record_module.UPCASTERS, 2, lambda env: {**env, "ts": env["ts"] * 2})
    records = read_all(log_dir)
    assert [(r.ts, r.v) for r in records] == [("oneone", 3), ("oneone", 3)]


def test_an_old_record_without_upcaster_is_refused_naming_file_and_offset(log_dir, monkeypatch):
    write_batches(log_dir, [1])
    monkeypatch.setattr(record_module, "FORMAT_VERSION", 2)
    with pytest.raises(UnsupportedVersionError) as info:
        read_all(log_dir)
    assert f"byte 0 of {active_segment(log_dir)}" in str(info.value)
    assert "no upcaster brings version 1 to 2" in str(info.value)


def test_a_future_version_is_refused_with_a_message_naming_file_and_offset(log_dir, monkeypatch):
    write_batches(log_dir, [1])
    offset = active_segment(log_dir).stat().st_size
    write_as_version(log_dir, 2, monkeypatch)
    before = snapshot(log_dir)
    with pytest.raises(UnsupportedVersionError) as info:
        read_all(log_dir)
    message = str(info.value)
    assert f"byte {offset} of {active_segment(log_dir)}" in message
    assert "format version 2" in message and "upgrade" in message
    with pytest.raises(UnsupportedVersionError):
        open_writer(log_dir, **FAST)  # never truncates what a newer writer committed
    report = verify(log_dir)
    assert not report.ok and report.problems[0].byte_offset == offset
    assert snapshot(log_dir) == before


def test_a_future_version_marker_after_a_damaged_line_keeps_the_damage_fatal(log_dir, monkeypatch):
    write_batches(log_dir, [1])
    path = active_segment(log_dir)
    data = bytearray(path.read_bytes())
    marker_offset = data.index(b"\n") + 1
    data[marker_offset + 5] ^= 0x01  # damage the commit marker of the only batch
    path.write_bytes(bytes(data))
    with path.open("ab") as fh, monkeypatch.context() as patch:  # then a newer writer committed
        patch.setattr(record_module, "FORMAT_VERSION", 2)
        fh.write(encode(envelope(2, "commit", "commit", {"first_seq": 2, "count": 0, "meta": {}},
                                 "t")) + b"\n")
    before = snapshot(log_dir)
    with pytest.raises(CorruptRecordError) as info:
        open_writer(log_dir, **FAST)
    assert (info.value.byte_offset, info.value.seq) == (marker_offset, 1)
    assert snapshot(log_dir) == before


def test_reading_a_log_as_of_a_given_version_reports_the_record_version(log_dir):
    write_batches(log_dir, [1])
    assert {r.v for r in EventLog(log_dir).read()} == {record_module.FORMAT_VERSION}

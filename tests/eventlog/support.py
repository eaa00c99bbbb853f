"""Helpers shared by the eventlog tests: building logs, reading them back, locating bytes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from eventlog import Commit, Event, EventLog, Record, open_writer
from eventlog.manifest import load_manifest
from eventlog.segment import scan_lines

FAST = {"fsync": "never"}


def pr_events(first_seq: int, count: int, *, keys: int | None = None, pad: int = 0) -> list[Event]:
    """``count`` events whose data names the seq they will get; keys cycle over ``keys``."""
    events = []
    for i in range(count):
        seq = first_seq + i
        key = f"pr:{seq % keys if keys else seq}"
        events.append(Event("pr", key, {"seq": seq, "pad": "x" * pad}))
    return events


def write_batches(log_dir: Path, sizes: Sequence[int], *, keys: int | None = None,
                  segment_bytes: int | None = None, fsync: str = "never") -> list[Commit]:
    """Append one batch per entry of ``sizes`` (events per batch); returns the commits."""
    kwargs = {"fsync": fsync}
    if segment_bytes is not None:
        kwargs["segment_bytes"] = segment_bytes
    commits = []
    with open_writer(log_dir, **kwargs) as writer:
        for size in sizes:
            events = pr_events(writer.next_seq, size, keys=keys)
            commits.append(writer.append_batch(events, meta={"batch": len(commits)}))
    return commits


def read_all(log_dir: Path, from_seq: int = 0) -> list[Record]:
    return list(EventLog(log_dir).read(from_seq))


def active_segment(log_dir: Path) -> Path:
    return log_dir / load_manifest(log_dir).active.file


def segment_paths(log_dir: Path) -> list[Path]:
    return [log_dir / seg.file for seg in load_manifest(log_dir).segments]


def line_spans(path: Path) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every line of ``path`` (end includes the newline)."""
    return [(line.offset, line.end) for line in scan_lines(path)]


def batch_ends(path: Path) -> list[int]:
    """Byte offset just past each commit marker of ``path``."""
    return [line.end for line in scan_lines(path) if b'"type":"commit"' in line.data]


def snapshot(log_dir: Path) -> dict[str, bytes]:
    """Every file of a log directory and its bytes (the lock file excluded)."""
    return {p.name: p.read_bytes() for p in sorted(log_dir.iterdir()) if p.name != "writer.lock"}


def damage(data: bytes, offset: int, length: int, rng: random.Random) -> bytes:
    """``data`` with ``length`` bytes from ``offset`` replaced by random bytes that each differ
    from the original (the file grows if the damage runs past its end)."""
    out = bytearray(data)
    for i in range(offset, offset + length):
        if i < len(out):
            out[i] ^= rng.randrange(1, 256)
        else:
            out.append(rng.randrange(256))
    return bytes(out)


def assert_dense(records: Sequence[Record], start: int = 0) -> None:
    """Seqs run start, start + 1, ...; events carry their own seq; markers describe batches."""
    assert [r.seq for r in records] == list(range(start, start + len(records)))
    first = start
    for record in records:
        if record.is_commit:
            assert record.data["first_seq"] == first
            assert record.data["count"] == record.seq - first
            first = record.seq + 1
        else:
            assert record.data["seq"] == record.seq

"""Compaction: keep the latest record of every key, preserving seqs and the next offset.

The latest commit marker is the latest record of key ``commit``, so it survives, and with it the
writer's checkpoint (the fetcher's cursor and pass state) and the log's next seq. Steps, each
crash-safe (a crash leaves either the old or the new log, never a mix)::

    1. lock, recover          writer lock held throughout; tail repaired
    2. index keys             pass 1: key -> latest seq (memory grows with keys, not records)
    3. write new segment      pass 2: surviving lines copied byte-for-byte to a new-generation
                              file, fsync; plus an empty active segment, fsync(dir)
    4. replace manifest       atomic rename: the commit point
    5. delete old segments    leftovers of a crash here are removed by the next writer
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import LogNotFoundError
from .lock import WriterLock
from .manifest import MANIFEST_NAME, Manifest, SegmentInfo, load_manifest, write_manifest
from .record import COMMIT_KEY, decode
from .recovery import recover, remove_orphans
from .segment import Line, fsync_dir, scan_lines, segment_name

STEPS = ("indexed", "segment-written", "manifest-replaced", "old-removed")


@dataclass(frozen=True, slots=True)
class CompactionReport:
    """Sizes before and after; ``changed`` is false when there was nothing to drop."""

    path: Path
    bytes_before: int
    bytes_after: int
    records_before: int
    records_after: int
    keys: int
    next_seq: int
    changed: bool

    def describe(self) -> str:
        if not self.changed:
            return f"{self.path}: nothing to compact ({self.records_before} records)"
        return (f"{self.path}: {self.records_before} -> {self.records_after} records, "
                f"{self.bytes_before} -> {self.bytes_after} bytes, {self.keys} keys, "
                f"next seq {self.next_seq}")


def compact(log_dir: Path, *, durable: bool = True,
            on_step: Callable[[str], None] = lambda step: None) -> CompactionReport:
    """Compact the log in ``log_dir`` under its writer lock.

    Raises ``LogLockedError`` if a writer is active, ``LogNotFoundError`` if there is no log,
    and ``CorruptRecordError`` (changing nothing) if a committed record is damaged.
    ``on_step`` is called after each step of ``STEPS`` (tests inject crashes there).
    """
    log_dir = Path(log_dir)
    if not (log_dir / MANIFEST_NAME).exists():
        raise LogNotFoundError(f"no event log at {log_dir}")
    with WriterLock(log_dir):
        manifest = load_manifest(log_dir)
        recover(log_dir, manifest, durable=durable)
        latest, total = _index_keys(log_dir, manifest)
        on_step("indexed")
        bytes_before = _size(log_dir, manifest)
        next_seq = max(latest.values(), default=-1) + 1
        keys = len(latest.keys() - {COMMIT_KEY})
        if len(latest) == total:
            return CompactionReport(log_dir, bytes_before, bytes_before, total, total, keys,
                                    next_seq, False)
        new = _write_compacted(log_dir, manifest, set(latest.values()), next_seq, durable)
        on_step("segment-written")
        write_manifest(log_dir, new, durable=durable)
        on_step("manifest-replaced")
        remove_orphans(log_dir, new, durable=durable)
        on_step("old-removed")
        return CompactionReport(log_dir, bytes_before, _size(log_dir, new), total,
                                new.segments[0].records or 0, keys, next_seq, True)


def _committed_lines(log_dir: Path, manifest: Manifest) -> Iterator[tuple[Line, int]]:
    """Every line of every segment, with its decoded seq; the caller holds the lock after
    recovery, so every byte on disk is committed."""
    for seg in manifest.segments:
        path = log_dir / seg.file
        for line in scan_lines(path):
            yield line, decode(line.data, path, line.offset)


def _index_keys(log_dir: Path, manifest: Manifest) -> tuple[dict[str, int], int]:
    latest: dict[str, int] = {}
    total = 0
    for _, record in _committed_lines(log_dir, manifest):
        latest[record.key] = record.seq
        total += 1
    return latest, total


def _write_compacted(log_dir: Path, manifest: Manifest, keep: set[int], next_seq: int,
                     durable: bool) -> Manifest:
    generation = manifest.generation + 1
    first = min(keep)
    compacted_path = log_dir / segment_name(first, generation)
    size = records = 0
    with open(compacted_path, "xb") as out:
        for line, record in _committed_lines(log_dir, manifest):
            if record.seq in keep:
                out.write(line.data)
                size += len(line.data)
                records += 1
        out.flush()
        if durable:
            os.fsync(out.fileno())
    active = SegmentInfo(segment_name(next_seq, generation), next_seq)
    with open(log_dir / active.file, "xb"):
        pass
    if durable:
        fsync_dir(log_dir)
    sealed = SegmentInfo(compacted_path.name, first, sealed=True, compacted=True, bytes=size,
                         last_seq=next_seq - 1, records=records)
    return Manifest(generation, (sealed, active))


def _size(log_dir: Path, manifest: Manifest) -> int:
    return sum((log_dir / seg.file).stat().st_size for seg in manifest.segments)

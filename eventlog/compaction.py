"""Compaction: keep the latest record of every key, preserving seqs and the next offset.

The latest commit marker is the latest record of key ``commit``, so it survives, and with it the
writer's checkpoint (the fetcher's cursor and pass state) and the log's next seq. Steps, each
crash-safe (a crash leaves either the old or the new log, never a mix)::

    1. lock, recover          writer lock held throughout (a log being written is refused
                              with LogLockedError); the tail repaired
    2. index keys             pass 1: key -> latest seq (memory grows with keys, not records)
    3. write new segment      pass 2: surviving lines copied byte-for-byte to a new-generation
                              file (0600), fsync; plus an empty active segment, fsync(dir)
    4. replace manifest       atomic rename: the commit point
    5. delete old segments    leftovers of a crash here are removed by the next writer

An exception before step 4 (Ctrl-C, SIGTERM, a full disk) deletes the new files at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import EventLogError, LogNotFoundError
from .files import check_log_dir, create_file, fsync_dir, lexists, remove_file, touch_new
from .lock import WriterLock
from .manifest import (
    MANIFEST_NAME,
    Manifest,
    SegmentInfo,
    load_manifest,
    log_bytes,
    write_manifest,
)
from .record import COMMIT_KEY, decode
from .recovery import recover, remove_orphans
from .segment import Line, scan_lines, segment_name

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

    Raises ``LogLockedError`` if a writer is active (never waits), ``LogNotFoundError`` if
    there is no log, and a ``DamagedLogError`` (changing nothing) if committed data is damaged.
    With ``durable`` it returns after the new files and manifest are on disk. ``on_step`` is
    called after each step of ``STEPS`` (tests inject crashes there).
    """
    log_dir = Path(log_dir)
    if not (check_log_dir(log_dir) and lexists(log_dir / MANIFEST_NAME)):
        raise LogNotFoundError(f"no event log at {log_dir}", log_dir)
    with WriterLock(log_dir):
        manifest = load_manifest(log_dir)
        recover(log_dir, manifest, durable=durable)
        latest, total = _index_keys(log_dir, manifest)
        on_step("indexed")
        bytes_before = log_bytes(log_dir, manifest)
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
        return CompactionReport(log_dir, bytes_before, log_bytes(log_dir, new), total,
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
    """Write the compacted segment and a new empty active segment; on any exception (a crash
    aside) neither is left behind."""
    generation = manifest.generation + 1
    first = min(keep)
    compacted = log_dir / segment_name(first, generation)
    active = SegmentInfo(segment_name(next_seq, generation), next_seq)
    created: list[Path] = []
    try:
        size, records = _copy_kept(log_dir, manifest, keep, compacted, created, durable)
        touch_new(log_dir / active.file)
        created.append(log_dir / active.file)
        if durable:
            fsync_dir(log_dir)
    except BaseException:
        for path in created:
            _remove_quietly(path)
        raise
    sealed = SegmentInfo(compacted.name, first, sealed=True, compacted=True, bytes=size,
                         last_seq=next_seq - 1, records=records)
    return Manifest(generation, (sealed, active))


def _copy_kept(log_dir: Path, manifest: Manifest, keep: set[int], target: Path,
               created: list[Path], durable: bool) -> tuple[int, int]:
    """Copy the kept lines byte for byte into the new file ``target``; (bytes, records)."""
    size = records = 0
    fd = create_file(target)
    created.append(target)
    with open(fd, "wb") as out:
        for line, record in _committed_lines(log_dir, manifest):
            if record.seq in keep:
                out.write(line.data)
                size += len(line.data)
                records += 1
        out.flush()
        if durable:
            os.fsync(out.fileno())
    return size, records


def _remove_quietly(path: Path) -> None:
    try:
        remove_file(path)
    except (OSError, EventLogError):
        pass  # the next writer removes what is left

"""Recovery: bring a log back to its last committed batch before anyone writes to it.

Run by every writer when it opens a log (under the writer lock). It checks that every sealed
segment the manifest lists is present and complete, scans the active segment, and truncates what
follows the last commit marker: a torn line, garbage, or records of a batch whose marker never
made it to disk. Damage *before* the last marker is not a torn tail: recovery refuses to touch it
and raises ``CorruptRecordError`` naming file, byte offset and seq.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .batches import BatchScanner, Tail
from .errors import SegmentMissingError
from .files import file_size, fsync_dir, lexists, open_fd, open_read, remove_file
from .manifest import Manifest, leftover_files
from .record import Record, decode
from .segment import scan_open_file


@dataclass(frozen=True, slots=True)
class TailState:
    """Where the committed part of a log ends, as seen by a scan of the active segment."""

    active_path: Path
    valid_bytes: int
    next_seq: int
    last_commit: Record | None
    tail: Tail
    file_bytes: int


@dataclass(frozen=True, slots=True)
class RecoveryReport:
    """What opening the log for writing found and repaired."""

    log_dir: Path
    valid_bytes: int
    next_seq: int
    last_commit: Record | None
    truncated_bytes: int
    truncated_records: int
    problem: str | None
    removed_files: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.truncated_bytes and not self.removed_files

    def describe(self) -> str:
        if self.clean:
            return f"{self.log_dir}: clean, next seq {self.next_seq}"
        parts = []
        if self.truncated_bytes:
            parts.append(
                f"truncated {self.truncated_bytes} uncommitted bytes "
                f"({self.truncated_records} complete records of an unfinished batch)"
                + (f"; first bad line: {self.problem}" if self.problem else "")
            )
        if self.removed_files:
            parts.append(f"removed leftover files {', '.join(self.removed_files)}")
        return f"{self.log_dir}: recovered: " + "; ".join(parts) + f"; next seq {self.next_seq}"


def check_sealed_segments(log_dir: Path, manifest: Manifest) -> None:
    """Raise ``SegmentMissingError`` if a listed segment is missing or a sealed one has another
    size than the manifest recorded (``UnsafePathError`` if one is a symbolic link)."""
    for seg in manifest.segments[:-1]:
        path = log_dir / seg.file
        try:
            size = file_size(path)
        except FileNotFoundError:
            raise SegmentMissingError(
                f"segment {path} (seqs {seg.base_seq}..{seg.last_seq}) listed in the manifest "
                "is missing", path, expected_bytes=seg.bytes) from None
        if size != seg.bytes:
            raise SegmentMissingError(
                f"segment {path} is {size} bytes but the manifest recorded {seg.bytes} "
                "(truncated or appended to after sealing)", path, expected_bytes=seg.bytes,
                found_bytes=size)
    active = log_dir / manifest.active.file
    if not lexists(active):
        raise SegmentMissingError(
            f"active segment {active} listed in the manifest is missing", active)


def scan_tail(log_dir: Path, manifest: Manifest) -> TailState:
    """Scan the active segment (read-only) and locate the end of committed data."""
    active = manifest.active
    path = log_dir / active.file
    with open_read(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        scanner = BatchScanner(path, scan_open_file(fh, 0, size), 0, active.base_seq)
        valid = 0
        for batch in scanner:
            valid = batch.end
    tail = scanner.tail
    last = scanner.last_marker or last_marker_before(log_dir, manifest, len(manifest.segments) - 1)
    return TailState(path, valid, scanner.next_seq, last, tail, size)


def last_marker_before(log_dir: Path, manifest: Manifest, index: int) -> Record | None:
    """The commit marker ending the last non-empty sealed segment before ``index``."""
    for seg in reversed(manifest.segments[:index]):
        if seg.bytes:
            return read_last_record(log_dir / seg.file, seg.bytes)
    return None


def read_last_record(path: Path, size: int) -> Record:
    """Decode the last line of a segment that ends with a newline."""
    with open_read(path) as fh:
        window = 4096
        while True:
            start = max(0, size - window)
            fh.seek(start)
            chunk = fh.read(size - start)
            nl = chunk.rfind(b"\n", 0, len(chunk) - 1)
            if nl >= 0 or start == 0:
                return decode(chunk[nl + 1 :], path, start + nl + 1)
            window *= 4


def recover(log_dir: Path, manifest: Manifest, *, durable: bool = True) -> RecoveryReport:
    """Truncate the active segment to its last commit and remove files no manifest lists.
    The caller holds the writer lock."""
    check_sealed_segments(log_dir, manifest)
    for name in leftover_files(log_dir, manifest):
        lexists(log_dir / name)  # a planted link is refused before anything changes
    state = scan_tail(log_dir, manifest)
    if state.file_bytes > state.valid_bytes:
        _truncate(state.active_path, state.valid_bytes, durable)
    removed = remove_orphans(log_dir, manifest, durable=durable)
    return RecoveryReport(
        log_dir, state.valid_bytes, state.next_seq, state.last_commit,
        state.file_bytes - state.valid_bytes, state.tail.records, state.tail.problem, removed,
    )


def _truncate(path: Path, size: int, durable: bool) -> None:
    fd = open_fd(path, os.O_RDWR)
    try:
        os.ftruncate(fd, size)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def remove_orphans(log_dir: Path, manifest: Manifest, *, durable: bool = True) -> tuple[str, ...]:
    """Delete the ``leftover_files`` of an interrupted roll or compaction (a symbolic link
    among them is refused, not deleted)."""
    removed = tuple(name for name in leftover_files(log_dir, manifest)
                    if remove_file(log_dir / name))
    if removed and durable:
        fsync_dir(log_dir)
    return removed

"""Reading a log: committed records from any offset, in constant memory, and follow mode.

``EventLog`` is a read-only handle: it never takes the writer lock and never modifies a file, so
any number of readers run beside the writer. Every segment is read through ``BatchScanner``, as
recovery and ``verify`` read it: in the active segment records are held back until their commit
marker has been read; sealed segments are committed by definition (and checked against the size
the manifest recorded). Every line's checksum is verified; damaged committed data raises a
``DamagedLogError``; nothing is ever read through a symbolic link.

Offsets are seqs. Reading from a seq that compaction removed starts at the next surviving record;
reading from past the end yields nothing (and, in follow mode, waits for it).
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .batches import BatchScanner
from .errors import LogNotFoundError, OffsetOutOfRangeError, SegmentMissingError
from .files import check_log_dir, lexists, open_read
from .manifest import MANIFEST_NAME, Manifest, SegmentInfo, load_manifest, log_bytes
from .record import Record
from .recovery import scan_tail
from .segment import scan_open_file

_T = TypeVar("_T")


@dataclass(slots=True)
class _Position:
    """Where a reader is: a segment file of one manifest generation and a batch boundary in it."""

    generation: int = -1
    file: str | None = None
    offset: int = 0
    seq_at_offset: int = 0


@dataclass(frozen=True, slots=True)
class LogInfo:
    """Summary of a log, from a full scan."""

    path: Path
    segments: int
    bytes: int
    records: int
    events: int
    commits: int
    keys: int
    first_seq: int | None
    last_seq: int | None
    next_seq: int
    uncommitted_bytes: int
    last_commit: Record | None
    types: dict[str, int]


class EventLog:
    """Read-only view of the log stored in ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def exists(self) -> bool:
        """Whether a log (its manifest) is here; ``UnsafePathError`` if the log directory, its
        parent or the manifest is a symbolic link."""
        return check_log_dir(self.path) and lexists(self.path / MANIFEST_NAME)

    def manifest(self) -> Manifest:
        """The current manifest; ``LogNotFoundError`` if there is no log here."""
        manifest = load_manifest(self.path)
        if manifest is None:
            raise LogNotFoundError(f"no event log at {self.path}", self.path)
        return manifest

    def read(self, from_seq: int = 0) -> Iterator[Record]:
        """Yield committed records with ``seq >= from_seq`` (commit markers included), in order.

        A snapshot: records committed after the read reached the end of the log are not waited
        for. Survives a concurrent compaction by re-positioning at the next unread seq.
        """
        _check_offset(from_seq)
        return self._read_available(_Position(), [from_seq])

    def follow(self, from_seq: int = 0, *, poll_interval: float = 0.5,
               should_stop: Callable[[], bool] = lambda: False) -> Iterator[Record]:
        """Like ``read``, then keep yielding records as they are committed, until
        ``should_stop()`` is true. Keeps working across segment rolls and compaction."""
        _check_offset(from_seq)
        if poll_interval <= 0:
            raise ValueError(f"poll_interval must be > 0, got {poll_interval}")
        return self._follow(from_seq, poll_interval, should_stop)

    def _follow(self, from_seq: int, poll_interval: float,
                should_stop: Callable[[], bool]) -> Iterator[Record]:
        pos, want = _Position(), [from_seq]
        while not should_stop():
            before = want[0]
            yield from self._read_available(pos, want)
            if want[0] == before:
                time.sleep(poll_interval)

    def tail(self, n: int) -> list[Record]:
        """The last ``n`` committed records (commit markers included), oldest first."""
        end = self.next_seq()
        n = min(n, end)  # a log never holds more records than its next seq
        if n <= 0:
            return []
        window = n
        while True:
            start = max(0, end - window)
            last = deque(self.read(start), maxlen=n)
            if len(last) >= n or start == 0:
                return list(last)
            window *= 4

    def next_seq(self) -> int:
        """The seq the next committed record will get (0 for an empty log)."""
        return self._stable(lambda manifest: scan_tail(self.path, manifest)).next_seq

    def first_seq(self) -> int | None:
        """The seq of the first committed record (above 0 after compaction), ``None`` if the
        log holds none."""
        return next((record.seq for record in self.read()), None)

    def check_offset(self, from_seq: int) -> None:
        """Raise ``OffsetOutOfRangeError`` (naming the log's seq range) when ``from_seq`` lies
        past the end of the log: ``from_seq >= next_seq()``, except 0, which is never past the
        end (reading an empty log from its start reads nothing)."""
        _check_offset(from_seq)
        end = self.next_seq()
        if from_seq and from_seq >= end:
            raise OffsetOutOfRangeError(self.path, from_seq, self.first_seq(), end)

    def last_commit(self) -> Record | None:
        """The latest commit marker (whose ``meta`` is the writer's checkpoint), or ``None``."""
        return self._stable(lambda manifest: scan_tail(self.path, manifest)).last_commit

    def info(self) -> LogInfo:
        """Counts from a full verifying scan of the committed records."""
        manifest, state, size = self._stable(
            lambda m: (m, scan_tail(self.path, m), log_bytes(self.path, m)))
        types: Counter[str] = Counter()
        keys: set[str] = set()
        first = last = None
        for record in self.read():
            types[record.type] += 1
            if not record.is_commit:
                keys.add(record.key)
            first = record.seq if first is None else first
            last = record.seq
        commits = types.get("commit", 0)
        return LogInfo(self.path, len(manifest.segments), size, sum(types.values()),
                       sum(types.values()) - commits, commits, len(keys), first, last,
                       state.next_seq, state.file_bytes - state.valid_bytes, state.last_commit,
                       dict(types))

    # -- internals ---------------------------------------------------------------------------

    def _stable(self, fn: Callable[[Manifest], _T]) -> _T:
        """``fn(manifest)``, run again if a compaction replaced the files meanwhile; a file that
        vanished without a compaction is a ``SegmentMissingError`` naming it."""
        while True:
            manifest = self.manifest()
            try:
                return fn(manifest)
            except FileNotFoundError as e:
                if self.manifest().generation == manifest.generation:
                    raise SegmentMissingError(
                        f"segment {e.filename} listed in the manifest of {self.path} is missing",
                        Path(e.filename or self.path)) from None

    def _read_available(self, pos: _Position, want: list[int]) -> Iterator[Record]:
        """Yield what is committed now from ``want[0]`` on, advancing ``pos`` and ``want``."""
        while True:
            manifest = self.manifest()
            try:
                for record in self._walk(manifest, pos, want[0]):
                    if record.seq >= want[0]:
                        want[0] = record.seq + 1
                        yield record
                return
            except FileNotFoundError:
                if self.manifest().generation == manifest.generation:
                    path = self.path / str(pos.file)
                    raise SegmentMissingError(
                        f"segment {path} listed in the manifest is missing", path) from None
                pos.generation = -1  # compaction replaced the files: re-position by seq

    def _walk(self, manifest: Manifest, pos: _Position, from_seq: int) -> Iterator[Record]:
        files = [seg.file for seg in manifest.segments]
        if pos.generation != manifest.generation or pos.file not in files:
            index = manifest.segment_for(from_seq)
            seg = manifest.segments[index]
            pos.generation, pos.file, pos.offset, pos.seq_at_offset = (
                manifest.generation, seg.file, 0, seg.base_seq)
        index = files.index(pos.file)
        for seg in manifest.segments[index:]:
            if seg.file != pos.file:
                pos.file, pos.offset, pos.seq_at_offset = seg.file, 0, seg.base_seq
            reader = self._read_sealed if seg.sealed else self._read_active
            yield from reader(seg, pos)

    def _read_sealed(self, seg: SegmentInfo, pos: _Position) -> Iterator[Record]:
        path = self.path / seg.file
        with open_read(path) as fh:
            size = fh.seek(0, 2)
            if size != seg.bytes:
                raise SegmentMissingError(
                    f"segment {path} is {size} bytes but the manifest recorded {seg.bytes}",
                    path, expected_bytes=seg.bytes, found_bytes=size)
            yield from self._scan(BatchScanner(path, scan_open_file(fh, pos.offset, size),
                                               pos.offset, pos.seq_at_offset, sealed=True,
                                               compacted=seg.compacted), pos)

    def _read_active(self, seg: SegmentInfo, pos: _Position) -> Iterator[Record]:
        path = self.path / seg.file
        with open_read(path) as fh:
            scanner = BatchScanner(path, scan_open_file(fh, pos.offset), pos.offset,
                                   pos.seq_at_offset)
            yield from self._scan(scanner, pos)

    @staticmethod
    def _scan(scanner: BatchScanner, pos: _Position) -> Iterator[Record]:
        for batch in scanner:
            pos.offset, pos.seq_at_offset = batch.end, batch.marker.seq + 1
            yield from batch.records


def _check_offset(from_seq: int) -> None:
    if from_seq < 0:
        raise ValueError(f"offset must be >= 0, got {from_seq}")


"""The single writer of a log: atomic batch appends, fsync policy, segment roll.

A batch is its records followed by a commit marker, written with one ``write`` and made durable
with one ``fsync``. Until the marker is on disk the batch does not exist for any reader, and
recovery removes it. After a failed write or fsync the writer truncates what it may have written,
refuses further appends (``WriterClosedError``), and must be reopened; an fsync error is never
retried, since the kernel may already have dropped the dirty pages.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jsonlines

from .config import FsyncPolicy
from .errors import FsyncError, LogWriteError, WriterClosedError
from .files import fsync_dir, make_dirs, open_fd, touch_new
from .lock import WriterLock
from .manifest import Manifest, load_manifest, write_manifest
from .record import COMMIT_KEY, COMMIT_TYPE, Event, Record, encode, envelope, now_ts
from .recovery import RecoveryReport, recover

__all__ = ["DEFAULT_SEGMENT_BYTES", "Commit", "FsyncPolicy", "LogWriter", "open_writer"]

DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
_APPEND = os.O_WRONLY | os.O_APPEND


@dataclass(frozen=True, slots=True)
class Commit:
    """A batch as committed: its seqs, the marker's seq, and bytes written."""

    first_seq: int
    commit_seq: int
    count: int
    bytes: int


class LogWriter:
    """Appends batches to one log. Create with ``open_writer``; use as a context manager.

    Not thread-safe: one writer object per process, one process per log (the lock).
    """

    def __init__(self, log_dir: Path, fsync: FsyncPolicy, segment_bytes: int) -> None:
        if segment_bytes <= 0:
            raise ValueError(f"segment_bytes must be > 0, got {segment_bytes}")
        self.log_dir = log_dir
        self.fsync = FsyncPolicy(fsync)
        self.segment_bytes = segment_bytes
        self._lock = WriterLock(log_dir)
        self._fd: int | None = None
        self._broken: str | None = None

    def open(self) -> LogWriter:
        """Take the lock, recover the tail, and position at the end of committed data."""
        make_dirs(self.log_dir)
        self._lock.acquire()
        try:
            self._manifest = load_manifest(self.log_dir) or self._create()
            self.recovery: RecoveryReport = recover(self.log_dir, self._manifest,
                                                    durable=self._durable)
            self.next_seq = self.recovery.next_seq
            self.last_commit: Record | None = self.recovery.last_commit
            self._size = self.recovery.valid_bytes
            self._records = _count_records(self.recovery, self._manifest)
            self._fd = open_fd(self.log_dir / self._manifest.active.file, _APPEND)
        except BaseException:
            self._lock.release()
            raise
        return self

    @property
    def _durable(self) -> bool:
        return self.fsync is FsyncPolicy.ALWAYS

    def _create(self) -> Manifest:
        """Start an empty log. Without a manifest nothing was ever committed, so a segment file
        left by a crash during an earlier creation is simply emptied."""
        manifest = Manifest.new()
        touch_new(self.log_dir / manifest.active.file, exclusive=False)
        fsync_dir(self.log_dir)
        write_manifest(self.log_dir, manifest)
        return manifest

    def append_batch(self, events: Sequence[Event], meta: dict[str, Any] | None = None) -> Commit:
        """Append ``events`` and a commit marker carrying ``meta``, atomically.

        Returns once the batch is committed (after fsync under ``FsyncPolicy.ALWAYS``). An empty
        ``events`` still writes a marker: that is how a checkpoint alone is committed. Events
        that cannot be encoded (``TypeError``/``ValueError``) are refused before anything is
        written. On a write or fsync failure nothing of the batch is committed and the writer is
        closed (``LogWriteError``/``FsyncError``).
        """
        if self._fd is None or self._broken:
            reason = self._broken or "closed"
            raise WriterClosedError(f"writer of {self.log_dir} is not usable ({reason})")
        events = list(events)  # iterated twice: a generator must not come out empty
        _check_events(events)
        data, commit_seq = self._encode(events, meta or {})
        if self._size >= self.segment_bytes:
            self._roll()
        first = self.next_seq
        try:
            self._write(data)
            self._size, self._records = self._size + len(data), self._records + len(events) + 1
            self.next_seq = commit_seq + 1
        except BaseException:
            # Interrupted (Ctrl-C, an exception from a signal handler) with the batch perhaps
            # on disk but not counted: cut it and refuse further appends, so that no later
            # batch can reuse its seqs. The caller never saw it committed.
            if not self._broken:
                self._abort("interrupted while appending")
            raise
        return Commit(first, commit_seq, len(events), len(data))

    def _encode(self, events: Sequence[Event], meta: dict[str, Any]) -> tuple[bytes, int]:
        ts = now_ts()
        buf = io.BytesIO()
        seq = self.next_seq
        with jsonlines.Writer(buf, dumps=encode) as out:
            for event in events:
                out.write(envelope(seq, event.type, event.key, event.data, ts))
                seq += 1
            marker = {"first_seq": self.next_seq, "count": len(events), "meta": meta}
            out.write(envelope(seq, COMMIT_TYPE, COMMIT_KEY, marker, ts))
        self._pending_marker = Record(seq, COMMIT_TYPE, COMMIT_KEY, ts, marker)
        return buf.getvalue(), seq

    def _write(self, data: bytes) -> None:
        assert self._fd is not None
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
        except OSError as e:
            self._abort(f"write failed: {e.strerror}")
            raise LogWriteError(f"appending to {self.log_dir} failed ({e.strerror}); "
                                "nothing of the batch was committed") from e
        if self._durable:
            self._fsync()
        self.last_commit = self._pending_marker

    def _fsync(self) -> None:
        """fsync the active segment; a failure is fatal, never retried."""
        try:
            os.fsync(self._fd)
        except OSError as e:
            self._abort(f"fsync failed: {e.strerror}")
            raise FsyncError(f"fsync of {self.log_dir} failed ({e.strerror}); the batch is "
                             "not committed and the writer is closed") from e

    def _abort(self, reason: str) -> None:
        """Best effort: cut what this batch may have written, then refuse further appends."""
        self._broken = reason
        try:
            os.ftruncate(self._fd, self._size)
        except OSError:
            pass  # recovery on the next open removes the unmarked tail anyway

    def _roll(self) -> None:
        """Seal the active segment and start a new one at ``next_seq``. A failure closes the
        writer; the next writer's recovery removes a half-created segment."""
        assert self._fd is not None
        if self._durable:
            self._fsync()
        try:
            self._switch_segment()
        except OSError as e:
            self._broken = f"segment roll failed: {e.strerror or e}"
            raise LogWriteError(f"starting a new segment of {self.log_dir} failed "
                                f"({e.strerror or e}); nothing of the batch was written and the "
                                "writer is closed") from e

    def _switch_segment(self) -> None:
        sealed = replace(self._manifest.active, sealed=True, bytes=self._size,
                         last_seq=self.next_seq - 1, records=self._records)
        manifest = self._manifest.with_rolled(sealed, self.next_seq)
        touch_new(self.log_dir / manifest.active.file)
        if self._durable:
            fsync_dir(self.log_dir)
        write_manifest(self.log_dir, manifest, durable=self._durable)
        fd = open_fd(self.log_dir / manifest.active.file, _APPEND)
        os.close(self._fd)
        self._fd = fd
        self._manifest, self._size, self._records = manifest, 0, 0

    def close(self) -> None:
        """Release the lock. Committed batches are already durable; nothing is flushed here."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._lock.release()

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_events(events: Sequence[Event]) -> None:
    """Refuse events the log could not tell apart from its own commit markers."""
    for event in events:
        if not isinstance(event.type, str) or not isinstance(event.key, str):
            raise TypeError(f"event type and key must be strings, got {event!r}")
        if not event.type or not event.key:
            raise ValueError(f"event type and key must not be empty, got {event!r}")
        if event.type == COMMIT_TYPE or event.key == COMMIT_KEY:
            raise ValueError(f"type and key {COMMIT_TYPE!r} are reserved for commit markers, "
                             f"got {event!r}")


def _count_records(report: RecoveryReport, manifest: Manifest) -> int:
    """Committed records in the active segment (for the manifest entry when it is sealed)."""
    base = manifest.active.base_seq
    return max(0, report.next_seq - base) if report.valid_bytes else 0


def open_writer(log_dir: Path, *, fsync: FsyncPolicy | str = FsyncPolicy.ALWAYS,
                segment_bytes: int = DEFAULT_SEGMENT_BYTES) -> LogWriter:
    """Open ``log_dir`` for appending (creating it and missing parents, mode 0700, and its files
    0600): lock, recover, return the writer.

    Raises ``LogLockedError`` at once if another process writes this log, a ``DamagedLogError``
    (``CorruptRecordError``, ``SegmentMissingError``, ``ManifestError``) if committed data is
    damaged, ``UnsupportedVersionError`` for a log a newer version wrote, and
    ``UnsafePathError`` if the log or owner directory or a file of the log is a symbolic link.
    No file of an existing log is changed when it raises.
    """
    return LogWriter(Path(log_dir), FsyncPolicy(fsync), segment_bytes).open()

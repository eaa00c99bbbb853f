"""Exceptions raised by the event log. Every message names the file and, where it applies, the
byte offset and seq, and says what to do next."""

from __future__ import annotations

from pathlib import Path


class EventLogError(Exception):
    """Base class of every error raised by ``eventlog``."""


class InvalidRepoNameError(EventLogError, ValueError):
    """A repository name is not of the form OWNER/NAME or would escape the cache directory."""


class LogNotFoundError(EventLogError):
    """No log exists for the requested repository."""


class CorruptRecordError(EventLogError):
    """A record's bytes fail their checksum or cannot be parsed."""

    def __init__(self, path: Path, byte_offset: int, seq: int | None, detail: str) -> None:
        self.path, self.byte_offset, self.seq, self.detail = path, byte_offset, seq, detail
        where = f"byte {byte_offset} of {path}" + (f" (seq {seq})" if seq is not None else "")
        super().__init__(f"corrupt record at {where}: {detail}; run `eventlog verify`")


class UnsupportedVersionError(EventLogError):
    """A record was written by a newer format version than this code can read."""

    def __init__(self, path: Path, byte_offset: int, version: object, supported: int) -> None:
        self.path, self.byte_offset, self.version = path, byte_offset, version
        if isinstance(version, int) and version < supported:
            advice = f"no upcaster brings version {version} to {supported}; register one in " \
                     "eventlog.record.UPCASTERS"
        else:
            advice = f"this eventlog reads versions up to {supported}; upgrade the tool to " \
                     "read this log"
        super().__init__(
            f"record at byte {byte_offset} of {path} has format version {version}, but {advice}"
        )


class SegmentMissingError(EventLogError):
    """A segment listed in the manifest is missing or shorter than the manifest says."""


class ManifestError(EventLogError):
    """The manifest is missing, unreadable, or disagrees with the files on disk."""


class LogLockedError(EventLogError):
    """Another process holds the writer lock of this log."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = path, pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"log {path} is locked by {holder}; wait for it to finish or stop it")


class LogWriteError(EventLogError):
    """Appending failed (disk full, I/O error); nothing of the batch was committed."""


class FsyncError(LogWriteError):
    """fsync failed: the writer is closed, since the kernel may have dropped the dirty pages."""


class WriterClosedError(EventLogError):
    """The writer was closed, or poisoned by an earlier write or fsync failure."""

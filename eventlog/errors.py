"""Exceptions raised by the event log, all under ``EventLogError``.

Messages state facts on one line (file, byte offset, seq, what was expected and what was found)
and carry them as attributes; they never name a command to run. The caller knows its own
commands and words the advice (the ``eventlog`` CLI adds it in ``cli.main``). Damage to committed
data is a ``DamagedLogError``: discarding the log and fetching the repository again repairs it.
Anything else (a newer format, a lock, a symlink, a bad name) is not damage.
"""

from __future__ import annotations

from pathlib import Path


class EventLogError(Exception):
    """Base class of every error raised by ``eventlog``."""


class InvalidRepoNameError(EventLogError, ValueError):
    """A repository name is not of the form OWNER/NAME or would escape the cache directory."""


class LogNotFoundError(EventLogError):
    """No log exists for the requested repository."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        self.path = path
        super().__init__(message)


class DamagedLogError(EventLogError):
    """Committed data is damaged or missing; re-fetching the repository replaces it."""

    path: Path


class CorruptRecordError(DamagedLogError):
    """A committed record's bytes fail their checksum, cannot be parsed, or are out of place."""

    def __init__(self, path: Path, byte_offset: int, seq: int | None, detail: str) -> None:
        self.path, self.byte_offset, self.seq, self.detail = path, byte_offset, seq, detail
        where = f"byte {byte_offset} of {path}" + (f" (seq {seq})" if seq is not None else "")
        super().__init__(f"corrupt record at {where}: {detail}")


class SegmentMissingError(DamagedLogError):
    """A segment listed in the manifest is missing or has another size than recorded."""

    def __init__(self, message: str, path: Path, *, expected_bytes: int | None = None,
                 found_bytes: int | None = None) -> None:
        self.path, self.expected_bytes, self.found_bytes = path, expected_bytes, found_bytes
        super().__init__(message)


class ManifestError(DamagedLogError):
    """The manifest is unreadable or damaged."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path, self.detail = path, detail
        super().__init__(f"manifest {path} is damaged ({detail})")


class UnsupportedVersionError(EventLogError):
    """A record or manifest was written in a format version this code cannot read."""

    def __init__(self, path: Path, byte_offset: int | None, version: object,
                 supported: int) -> None:
        self.path, self.byte_offset, self.version = path, byte_offset, version
        self.supported = supported
        if byte_offset is None:
            message = (f"manifest {path} has format {version}, but this eventlog reads format "
                       f"{supported}; upgrade the tool to read this log")
        elif isinstance(version, int) and version < supported:
            message = (f"record at byte {byte_offset} of {path} has format version {version}, "
                       f"but no upcaster brings version {version} to {supported}; register one "
                       "in eventlog.record.UPCASTERS")
        else:
            message = (f"record at byte {byte_offset} of {path} has format version {version}, "
                       f"but this eventlog reads versions up to {supported}; upgrade the tool "
                       "to read this log")
        super().__init__(message)


class LogLockedError(EventLogError):
    """Another process holds the writer lock of this log."""

    def __init__(self, path: Path, pid: int | None) -> None:
        self.path, self.pid = path, pid
        holder = f"process {pid}" if pid else "another process"
        super().__init__(f"log {path} is locked by {holder}; wait for it to finish or stop it")


class UnsafePathError(EventLogError):
    """A path under the cache directory is a symbolic link (or not what the log expects)."""

    def __init__(self, path: Path, reason: str = "it is a symbolic link") -> None:
        self.path = path
        super().__init__(f"refusing to use {path}: {reason} (planted in the cache directory?)")


class OffsetOutOfRangeError(EventLogError):
    """An offset lies past the end of a log."""

    def __init__(self, path: Path, offset: int, first_seq: int | None, next_seq: int) -> None:
        self.path, self.offset, self.first_seq, self.next_seq = path, offset, first_seq, next_seq
        super().__init__(f"offset {offset} is past the end of the log {path} ({self.held})")

    @property
    def held(self) -> str:
        """``it holds seqs 0..6; the next record gets seq 7``"""
        held = (f"it holds seqs {self.first_seq}..{self.next_seq - 1}"
                if self.first_seq is not None else "it holds no records")
        return f"{held}; the next record gets seq {self.next_seq}"


class AliasError(EventLogError):
    """The alias index is damaged, or an alias would point at itself or form a cycle."""


class ConfigError(EventLogError):
    """An environment variable has a value the tool cannot use."""

    def __init__(self, name: str, value: str, problem: str, expected: str) -> None:
        self.name, self.value, self.expected = name, value, expected
        super().__init__(f"{name}={value!r} {problem} (expected {expected})")


class ProjectorError(EventLogError):
    """The registered projector cannot be loaded or called, or it failed."""


class LogWriteError(EventLogError):
    """Appending failed (disk full, I/O error); nothing of the batch was committed."""


class FsyncError(LogWriteError):
    """fsync failed: the writer is closed, since the kernel may have dropped the dirty pages."""


class WriterClosedError(EventLogError):
    """The writer was closed, or poisoned by an earlier write or fsync failure."""

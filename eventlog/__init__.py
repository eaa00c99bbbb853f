"""eventlog: a crash-safe, append-only JSONL event log, one per GitHub repository.

Library only: no Django, no HTTP, no printing (the CLI is ``eventlog.cli``). Public API::

    log_dir = repo_dir(default_cache_dir(), "acme/web")     # case-insensitive, follows aliases
    with open_writer(log_dir, fsync=fsync_policy()) as writer:   # lock + recovery
        writer.append_batch([Event("pr", "pr:1", {...})], meta={"cursor": "..."})
    log = EventLog(log_dir)
    for record in log.read(from_seq=0): ...        # committed records only, checksums verified
    compact(log_dir); verify(log_dir); discard(log_dir)
    printable(title, limit=80)                     # untrusted text, safe on a terminal

Configuration helpers (``env_number``, ``env_choice``, ``env_flag``) live in ``eventlog.config``.
"""

from .aliases import add_alias, load_aliases, remove_alias
from .compaction import CompactionReport, compact
from .config import FsyncPolicy, cache_dir, fsync_policy
from .errors import (
    AliasError,
    ConfigError,
    CorruptRecordError,
    DamagedLogError,
    EventLogError,
    FsyncError,
    InvalidRepoNameError,
    LogLockedError,
    LogNotFoundError,
    LogWriteError,
    ManifestError,
    OffsetOutOfRangeError,
    ProjectorError,
    SegmentMissingError,
    UnsafePathError,
    UnsupportedVersionError,
    WriterClosedError,
)
from .layout import default_cache_dir, list_repos, parse_repo, repo_dir
from .log import EventLog, LogInfo
from .record import COMMIT_TYPE, FORMAT_VERSION, Event, Record
from .recovery import RecoveryReport
from .removal import Removal, discard, remove_log
from .text import printable
from .verify import Problem, VerifyReport, verify
from .writer import Commit, LogWriter, open_writer

__all__ = [
    "COMMIT_TYPE", "FORMAT_VERSION", "AliasError", "Commit", "CompactionReport", "ConfigError",
    "CorruptRecordError", "DamagedLogError", "Event", "EventLog", "EventLogError", "FsyncError",
    "FsyncPolicy", "InvalidRepoNameError", "LogInfo", "LogLockedError", "LogNotFoundError",
    "LogWriteError", "LogWriter", "ManifestError", "OffsetOutOfRangeError", "Problem",
    "ProjectorError", "Record", "RecoveryReport", "Removal", "SegmentMissingError",
    "UnsafePathError", "UnsupportedVersionError", "VerifyReport", "WriterClosedError",
    "add_alias", "cache_dir", "compact", "default_cache_dir", "discard", "fsync_policy",
    "list_repos", "load_aliases", "open_writer", "parse_repo", "printable", "remove_alias",
    "remove_log", "repo_dir", "verify",
]

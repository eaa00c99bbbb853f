"""eventlog: a crash-safe, append-only JSONL event log, one per GitHub repository.

Library only: no Django, no HTTP, no printing (the CLI is ``eventlog.cli``). Public API::

    with open_writer(path) as writer:              # lock + recovery
        writer.append_batch([Event("pr", "pr:1", {...})], meta={"cursor": "..."})
    log = EventLog(path)
    for record in log.read(from_seq=0): ...        # committed records only, checksums verified
    compact(path); verify(path)
"""

from .compaction import CompactionReport, compact
from .errors import (
    CorruptRecordError,
    EventLogError,
    FsyncError,
    InvalidRepoNameError,
    LogLockedError,
    LogNotFoundError,
    LogWriteError,
    ManifestError,
    SegmentMissingError,
    UnsupportedVersionError,
    WriterClosedError,
)
from .layout import default_cache_dir, list_repos, parse_repo, repo_dir
from .log import EventLog, LogInfo
from .record import COMMIT_TYPE, FORMAT_VERSION, Event, Record
from .recovery import RecoveryReport
from .verify import VerifyReport, verify
from .writer import Commit, FsyncPolicy, LogWriter, open_writer

__all__ = [
    "COMMIT_TYPE", "FORMAT_VERSION", "Commit", "CompactionReport", "CorruptRecordError", "Event",
    "EventLog", "EventLogError", "FsyncError", "FsyncPolicy", "InvalidRepoNameError", "LogInfo",
    "LogLockedError", "LogNotFoundError", "LogWriteError", "LogWriter", "ManifestError", "Record",
    "RecoveryReport", "SegmentMissingError", "UnsupportedVersionError", "VerifyReport",
    "WriterClosedError", "compact", "default_cache_dir", "list_repos", "open_writer",
    "parse_repo", "repo_dir", "verify",
]

"""Verification: check a log end to end without changing it, reporting every problem.

Walks every segment with the same ``BatchScanner`` recovery and readers use, in collect mode:
each defect it finds (checksum, format version, seq order, batch structure, a sealed segment not
ending with a marker) is a problem with file, byte offset and seq; the scan goes on. Checked on
top of that, against the manifest: that every listed segment exists and is no symbolic link,
sealed sizes, last seqs and record counts, and that each segment starts where the previous one
ended. An unfinished batch at the end of the active segment is a warning (the next writer
truncates it), and so are leftover files of an interrupted roll or compaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batches import BatchScanner
from .errors import EventLogError, UnsafePathError, UnsupportedVersionError
from .files import open_read
from .manifest import (
    MANIFEST_NAME,
    Manifest,
    SegmentInfo,
    leftover_files,
    load_manifest,
    log_bytes,
)
from .segment import scan_open_file
from .text import plural

MAX_PROBLEMS = 100


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect: where it is and what is wrong."""

    path: Path
    byte_offset: int | None
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = str(self.path)
        if self.byte_offset is not None:
            where = f"byte {self.byte_offset} of {where}"
        if self.seq is not None:
            where += f" (seq {self.seq})"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "byte_offset": self.byte_offset, "seq": self.seq,
                "message": self.message}


@dataclass(slots=True)
class VerifyReport:
    """Outcome of ``verify``: ``ok`` when there is no problem (warnings allowed). ``records``
    counts committed records (commit markers included), ``bytes`` the listed segments."""

    path: Path
    records: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """The JSON form ``eventlog verify --json`` prints (field names are stable)."""
        return {"ok": self.ok, "records": self.records, "bytes": self.bytes,
                "problems": [p.to_dict() for p in self.problems], "warnings": self.warnings}


def verify(log_dir: Path) -> VerifyReport:
    """Check the log in ``log_dir``; never modifies anything, never raises for a damaged log
    (only for an unreadable directory: ``OSError``). Stops after ``MAX_PROBLEMS`` problems."""
    log_dir = Path(log_dir)
    report = VerifyReport(log_dir)
    try:
        manifest = load_manifest(log_dir)
    except EventLogError as e:
        report.problems.append(Problem(log_dir / MANIFEST_NAME, None, None, str(e)))
        return report
    if manifest is None:
        report.problems.append(Problem(log_dir, None, None, "no manifest.json: not a log"))
        return report
    _check_other_files(report, log_dir, manifest)
    try:
        report.bytes = log_bytes(log_dir, manifest, missing_ok=True)
    except UnsafePathError:
        pass  # reported with its segment
    previous_end: int | None = None
    for seg in manifest.segments:
        previous_end = _check_segment(report, log_dir / seg.file, seg, previous_end)
        if len(report.problems) >= MAX_PROBLEMS:
            report.warnings.append(f"stopped after {MAX_PROBLEMS} problems")
            break
    return report


def _check_other_files(report: VerifyReport, log_dir: Path, manifest: Manifest) -> None:
    """Planted links among the files the manifest does not list (``writer.lock``, temp files)
    are problems: writers refuse them. Other leftovers are warnings: the next writer deletes
    them."""
    listed = {seg.file for seg in manifest.segments}
    links = {name for name in os.listdir(log_dir)
             if name not in listed and os.path.islink(log_dir / name)}
    report.problems.extend(Problem(log_dir / name, None, None, str(UnsafePathError(log_dir / name)))
                           for name in sorted(links))
    report.warnings.extend(f"{name}: leftover of an interrupted roll or compaction (the next "
                           "writer removes it)" for name in leftover_files(log_dir, manifest)
                           if name not in links)


def _check_segment(report: VerifyReport, path: Path, seg: SegmentInfo,
                   previous_end: int | None) -> int | None:
    """Check one segment; returns the seq its successor must start at (``None`` if unknown)."""
    if previous_end is not None and seg.base_seq != previous_end:
        report.problems.append(Problem(path, None, seg.base_seq, f"segment starts at seq "
                                       f"{seg.base_seq}, the previous one ends before seq "
                                       f"{previous_end}"))
    try:
        scanner, size = _scan(path, seg)
    except FileNotFoundError:
        report.problems.append(Problem(path, None, seg.base_seq,
                                       "segment listed in the manifest is missing"))
        return None
    except UnsafePathError as e:
        report.problems.append(Problem(path, None, None, str(e)))
        return None
    found = len(report.problems)
    if seg.sealed and size != seg.bytes:
        report.problems.append(Problem(path, None, None, f"size is {size} bytes, manifest "
                                       f"recorded {seg.bytes}"))
    report.problems.extend(sorted((_problem(e) for e in scanner.problems),
                                  key=lambda p: p.byte_offset or 0))
    report.records += scanner.records
    if seg.sealed and not scanner.problems:  # else they explain the counts: reported once
        _check_against_manifest(report, path, seg, scanner)
    else:
        _warn_about_tail(report, path, scanner)
    return scanner.next_seq if len(report.problems) == found else None


def _scan(path: Path, seg: SegmentInfo) -> tuple[BatchScanner, int]:
    with open_read(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        scanner = BatchScanner(path, scan_open_file(fh, 0, size), 0, seg.base_seq,
                               sealed=seg.sealed, compacted=seg.compacted, collect=True)
        for _ in scanner:
            pass
    return scanner, size


def _problem(error: EventLogError) -> Problem:
    if isinstance(error, UnsupportedVersionError):
        return Problem(error.path, error.byte_offset, None, str(error))
    return Problem(error.path, error.byte_offset, error.seq, error.detail)


def _check_against_manifest(report: VerifyReport, path: Path, seg: SegmentInfo,
                            scanner: BatchScanner) -> None:
    last = scanner.next_seq - 1
    if seg.last_seq is not None and last != seg.last_seq:
        report.problems.append(Problem(path, None, last, f"last seq is {last}, manifest "
                                       f"recorded {seg.last_seq}"))
    if seg.records is not None and scanner.records != seg.records:
        report.problems.append(Problem(path, None, None, f"{scanner.records} records, manifest "
                                       f"recorded {seg.records}"))


def _warn_about_tail(report: VerifyReport, path: Path, scanner: BatchScanner) -> None:
    tail = scanner.tail
    report.warnings.extend(f"in the unfinished tail: {_problem(e)}" for e in tail.damaged)
    newer = any(isinstance(e, UnsupportedVersionError) for e in scanner.problems)
    if tail.bytes and not newer:  # a newer writer's records are refused, never truncated
        report.warnings.append(
            f"{path}: {tail.bytes} uncommitted bytes after byte {tail.offset} "
            f"({plural(tail.records, 'record')} of an unfinished batch); the next writer "
            "truncates them")

"""Verification: check a log end to end without changing it.

Checks the manifest, that every listed segment exists with the recorded size, every line's
checksum and format version, that seqs strictly increase (densely outside compacted segments),
that every batch is closed by a marker describing it, and that sealed segments end with one.
Unlike readers, it does not stop at the first problem: it reports each, with file, byte offset
and seq. An unfinished batch at the end of the active segment is a warning (the next writer
truncates it), not a problem.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorruptRecordError, EventLogError, UnsupportedVersionError
from .manifest import MANIFEST_NAME, Manifest, SegmentInfo, load_manifest
from .record import Record, decode
from .segment import is_segment_file, scan_lines

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


@dataclass(slots=True)
class VerifyReport:
    """Outcome of ``verify``: ``ok`` when there is no problem (warnings allowed)."""

    path: Path
    records: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(log_dir: Path) -> VerifyReport:
    """Check the log in ``log_dir``; never modifies anything."""
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
    _check_orphans(log_dir, manifest, report)
    checker = _SegmentChecker(report)
    for seg in manifest.segments:
        path = log_dir / seg.file
        if not path.exists():
            report.problems.append(Problem(path, None, seg.base_seq, "segment listed in the "
                                           "manifest is missing"))
            checker.lost_continuity()
            continue
        checker.check(path, seg)
        if len(report.problems) >= MAX_PROBLEMS:
            report.warnings.append(f"stopped after {MAX_PROBLEMS} problems")
            break
    return report


def _check_orphans(log_dir: Path, manifest: Manifest, report: VerifyReport) -> None:
    listed = {seg.file for seg in manifest.segments}
    for entry in sorted(os.listdir(log_dir)):
        if (is_segment_file(entry) and entry not in listed) or entry.endswith(".tmp"):
            report.warnings.append(f"{entry}: leftover of an interrupted roll or compaction "
                                   "(the next writer removes it)")


class _SegmentChecker:
    """Walks segments in order, carrying the expected seq across them."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report
        self.last_seq: int | None = None
        self.continuity = True
        self._found: list[Problem] = []

    def lost_continuity(self) -> None:
        self.continuity = False

    def problem(self, path: Path, offset: int | None, seq: int | None, message: str) -> None:
        self._found.append(Problem(path, offset, seq, message))

    def check(self, path: Path, seg: SegmentInfo) -> None:
        """Check one segment. In the active segment, damage after the last commit marker is an
        unfinished write (a warning); damage followed by a marker is a problem."""
        size = path.stat().st_size
        self.report.bytes += size
        self._found = []
        if seg.sealed and size != seg.bytes:
            self.problem(path, None, None, f"size is {size} bytes, manifest recorded {seg.bytes}")
        pending: list[Record] = []
        batch_start = None
        last_good_end = 0
        count = 0
        for line in scan_lines(path):
            record = self._decode(path, line, seg)
            if record is None:
                pending.clear()
                batch_start = None
                continue
            count += 1
            self._check_seq(path, line.offset, record, seg)
            if batch_start is None:
                batch_start = record.seq
            if record.is_commit:
                if not seg.compacted:
                    self._check_marker(path, line.offset, record, batch_start, len(pending))
                self.report.problems.extend(self._found)
                self._found = []
                pending.clear()
                batch_start = None
                last_good_end = line.end
            else:
                pending.append(record)
        self.report.records += count
        if seg.sealed:
            self.report.problems.extend(self._found)
        else:
            self.report.warnings.extend(f"in the unfinished tail: {p}" for p in self._found)
        self._check_end(path, seg, size, last_good_end, pending, count)

    def _decode(self, path: Path, line, seg: SegmentInfo) -> Record | None:
        if not line.complete:
            if seg.sealed:
                self.problem(path, line.offset, None, "torn line in a sealed segment")
            return None  # an unfinished write in the active segment: reported by _check_end
        try:
            return decode(line.data, path, line.offset)
        except CorruptRecordError as e:
            self.problem(path, line.offset, e.seq, e.detail)
        except UnsupportedVersionError as e:
            self.problem(path, line.offset, None, str(e))
        self.lost_continuity()
        return None

    def _check_seq(self, path: Path, offset: int, record: Record, seg: SegmentInfo) -> None:
        last = self.last_seq
        if last is not None and self.continuity:
            if record.seq <= last:
                self.problem(path, offset, record.seq, f"seq does not increase (after {last})")
            elif not seg.compacted and record.seq != last + 1:
                self.problem(path, offset, record.seq, f"expected seq {last + 1}")
        self.last_seq, self.continuity = record.seq, True

    def _check_marker(self, path: Path, offset: int, marker: Record, start: int, n: int) -> None:
        first, count = marker.data.get("first_seq"), marker.data.get("count")
        if first != start or count != n:
            self.problem(path, offset, marker.seq, f"commit marker describes {count} records "
                         f"from seq {first}, found {n} from seq {start}")

    def _check_end(self, path: Path, seg: SegmentInfo, size: int, end: int,
                   pending: list[Record], count: int) -> None:
        if seg.sealed:
            if end != size:
                self.problem(path, end, None, "sealed segment does not end with a commit marker")
            if seg.last_seq is not None and self.last_seq != seg.last_seq:
                self.problem(path, None, self.last_seq,
                             f"last seq is {self.last_seq}, manifest recorded {seg.last_seq}")
            if seg.records is not None and count != seg.records:
                self.problem(path, None, None,
                             f"{count} records, manifest recorded {seg.records}")
        elif end != size:
            self.report.warnings.append(
                f"{path}: {size - end} uncommitted bytes after byte {end} "
                f"({len(pending)} records of an unfinished batch); the next writer truncates them")

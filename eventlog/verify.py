"""Verification: check a log end to end without changing it.

Checks the manifest, that every listed segment exists with the recorded size, every line's
checksum and format version, that seqs strictly increase (densely outside compacted segments),
that every batch is closed by a marker describing it, and that sealed segments end with one.
Unlike readers, it does not stop at the first problem: it reports each, with file, byte offset
and seq. An unfinished batch at the end of the active segment is a warning (the next writer
truncates it), not a problem; but an intact line out of place (wrong seq, a marker misdescribing
its batch) or of a newer format version is a problem wherever it is, since writers refuse it too.
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


@dataclass(slots=True)
class _Batch:
    """The records of the batch being checked, since the last marker."""

    start: int | None = None
    records: int = 0
    damaged: bool = False

    def add(self, seq: int) -> None:
        self.start = seq if self.start is None else self.start
        self.records += 1


class _SegmentChecker:
    """Walks segments in order, carrying the expected seq across them."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report
        self.last_seq: int | None = None
        self.continuity = True
        self._found: list[Problem] = []
        self._newer = False  # a record of a newer format version was met (writers refuse it)

    def lost_continuity(self) -> None:
        self.continuity = False

    def problem(self, path: Path, offset: int | None, seq: int | None, message: str) -> None:
        """A damaged line: a problem if committed data follows it, else an unfinished write."""
        self._found.append(Problem(path, offset, seq, message))

    def fatal(self, path: Path, offset: int | None, seq: int | None, message: str) -> None:
        """A problem wherever it is: intact lines out of place, unreadable versions, sizes."""
        self.report.problems.append(Problem(path, offset, seq, message))

    def check(self, path: Path, seg: SegmentInfo) -> None:
        """Check one segment. In the active segment, damage after the last commit marker is an
        unfinished write (a warning); damage followed by a marker is a problem."""
        size = path.stat().st_size
        self.report.bytes += size
        self._found = []
        if seg.sealed and size != seg.bytes:
            self.fatal(path, None, None, f"size is {size} bytes, manifest recorded {seg.bytes}")
        batch, last_good_end, count = _Batch(), 0, 0
        for line in scan_lines(path):
            record = self._decode(path, line, seg)
            if record is None:
                batch = _Batch(damaged=True)
                continue
            count += 1
            if record.is_commit:  # committed data follows earlier damage: report it first
                self.report.problems.extend(self._found)
                self._found = []
            self._check_seq(path, line.offset, record, seg)
            if not record.is_commit:
                batch.add(record.seq)
                continue
            if not (seg.compacted or batch.damaged):  # damage already explains a mismatch
                self._check_marker(path, line.offset, record, batch)
            batch, last_good_end = _Batch(), line.end
        self.report.records += count
        if seg.sealed:
            self.report.problems.extend(self._found)
        else:
            self.report.warnings.extend(f"in the unfinished tail: {p}" for p in self._found)
        self._check_end(path, seg, size, last_good_end, batch.records, count)

    def _decode(self, path: Path, line, seg: SegmentInfo) -> Record | None:
        if not line.complete:
            if seg.sealed:
                self.problem(path, line.offset, None, "torn line in a sealed segment")
            return None  # an unfinished write in the active segment: reported by _check_end
        try:
            return decode(line.data, path, line.offset)
        except CorruptRecordError as e:
            self.problem(path, line.offset, self._seq_of_bad_line(e, seg), e.detail)
        except UnsupportedVersionError as e:  # checksummed, so written, by a newer writer
            self.fatal(path, line.offset, None, str(e))
            self._newer = True
        self.lost_continuity()
        return None

    def _seq_of_bad_line(self, error: CorruptRecordError, seg: SegmentInfo) -> int | None:
        """The seq a damaged line should carry: the next dense seq if known, else its own."""
        if seg.compacted or not self.continuity:
            return error.seq
        return seg.base_seq if self.last_seq is None else self.last_seq + 1

    def _check_seq(self, path: Path, offset: int, record: Record, seg: SegmentInfo) -> None:
        last = self.last_seq
        if last is not None and self.continuity:
            if record.seq <= last:
                self.fatal(path, offset, record.seq, f"seq does not increase (after {last})")
            elif not seg.compacted and record.seq != last + 1:
                self.fatal(path, offset, record.seq, f"expected seq {last + 1}")
        self.last_seq, self.continuity = record.seq, True

    def _check_marker(self, path: Path, offset: int, marker: Record, batch: _Batch) -> None:
        data = marker.data if isinstance(marker.data, dict) else {}
        first, count = data.get("first_seq"), data.get("count")
        start = marker.seq if batch.start is None else batch.start
        n = batch.records
        if first != start or count != n:
            self.fatal(path, offset, marker.seq, f"commit marker describes {count} records "
                       f"from seq {first}, found {n} from seq {start}")

    def _check_end(self, path: Path, seg: SegmentInfo, size: int, end: int,
                   pending: int, count: int) -> None:
        if seg.sealed:
            if end != size:
                self.fatal(path, end, None, "sealed segment does not end with a commit marker")
            if seg.last_seq is not None and self.last_seq != seg.last_seq:
                self.fatal(path, None, self.last_seq,
                           f"last seq is {self.last_seq}, manifest recorded {seg.last_seq}")
            if seg.records is not None and count != seg.records:
                self.fatal(path, None, None, f"{count} records, manifest recorded {seg.records}")
        elif end != size and not self._newer:  # newer records: refused, not truncated
            self.report.warnings.append(
                f"{path}: {size - end} uncommitted bytes after byte {end} "
                f"({pending} records of an unfinished batch); the next writer truncates them")

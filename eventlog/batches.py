"""The batch scanner: the one place that decides what of a segment is committed and what is wrong.

A batch is a run of records with dense seqs closed by a commit marker whose ``first_seq`` and
``count`` describe exactly that run. Recovery, reading and ``verify`` all walk segments with
``BatchScanner``; they differ only in what they do with a problem:

    raise mode (recovery, readers)   the first problem is raised
    collect mode (verify)            every problem is kept in ``problems``; the scan goes on

Rules, the same in both modes:

- Anything after the last valid marker is the *tail*: a batch being written (torn, or complete
  but unmarked) when the writer stopped. A damaged line *followed by* a valid marker (of any
  format version) is committed data that is damaged: a problem. So is any damaged line of a
  sealed segment, where everything is committed, and a sealed segment not ending with a marker.
- An intact line out of place (a seq other than the next one, a marker misdescribing its batch)
  is a problem wherever it is: no crash makes one. So is a record of a newer format version.
- After a damaged or misplaced line the next intact record's seq is taken as it is (it must
  still increase): one defect is reported once, not again for every line after it.
- Compacted segments have gaps in seq and one marker at the end: seqs must only increase, and
  every record is a batch of its own (reading one never holds the whole segment in memory).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorruptRecordError, EventLogError, UnsupportedVersionError
from .record import COMMIT_TYPE, Record, decode
from .segment import Line

_MARKER_BYTES = b'"type":"commit"'


@dataclass(frozen=True, slots=True)
class Batch:
    """Committed records (a marker last, except in compacted segments) and the byte offset
    just past the last one."""

    records: list[Record]
    end: int

    @property
    def marker(self) -> Record:
        return self.records[-1]


@dataclass(slots=True)
class Tail:
    """What follows the last committed batch: ``bytes`` from ``offset``, of which ``records``
    were complete, valid records of an unfinished batch and ``damaged`` the damaged lines (the
    first one as text in ``problem``)."""

    offset: int
    bytes: int = 0
    records: int = 0
    problem: str | None = None
    damaged: list[CorruptRecordError] = field(default_factory=list)


class BatchScanner:
    """Iterate the committed batches of ``lines`` read from ``path`` (starting at byte
    ``start``, where the first record must carry seq ``next_seq``); afterwards ``tail``
    describes what was left over and, in collect mode, ``problems`` every problem in order met.
    """

    def __init__(self, path: Path, lines: Iterator[Line], start: int, next_seq: int, *,
                 sealed: bool = False, compacted: bool = False, collect: bool = False) -> None:
        self.path, self._lines, self.next_seq = Path(path), lines, next_seq
        self.sealed, self.compacted, self.collect = sealed, compacted, collect
        self.tail = Tail(start)
        self.last_marker: Record | None = None
        self.records = 0
        self.problems: list[EventLogError] = []
        self._pending: list[Record] = []
        self._suspects: list[CorruptRecordError] = []
        self._expect: int | None = next_seq  # None: lost after a bad line, the next one resyncs
        self._floor = next_seq
        self._checkable = True  # the open batch can be checked against its marker
        self._end = start

    def __iter__(self) -> Iterator[Batch]:
        line = None
        for line in self._lines:
            record = self._read(line)
            if record is not None and (record.type == COMMIT_TYPE or self.compacted):
                yield self._close(line, record)
        if line is not None:
            self._end = line.end
        self._finish()

    def _fail(self, error: EventLogError) -> None:
        if not self.collect:
            raise error
        self.problems.append(error)

    def _read(self, line: Line) -> Record | None:
        """Decode and place one line (the hot path: one call per record); ``None`` when it is
        damaged or unreadable."""
        try:
            if not line.complete:
                raise CorruptRecordError(self.path, line.offset, None, "torn line (no newline)")
            record = decode(line.data, self.path, line.offset)
        except CorruptRecordError as e:
            self._damaged(self._located(e))
            return None
        except UnsupportedVersionError as e:  # checksummed: a newer writer wrote it
            if self._suspects and _MARKER_BYTES in line.data:
                self._confirm()  # ... and committed after the damage
            self._lose_continuity()
            self._fail(e)
            return None
        if record.seq == self._expect and not self.compacted:
            self._expect = self._floor = record.seq + 1
        else:
            self._place(line, record)
        self._pending.append(record)
        return record

    def _located(self, error: CorruptRecordError) -> CorruptRecordError:
        """``error`` naming the seq its line must carry, where seqs are dense and known."""
        if self.compacted or self._expect is None:
            return error
        return CorruptRecordError(self.path, error.byte_offset, self._expect, error.detail)

    def _damaged(self, error: CorruptRecordError) -> None:
        self._lose_continuity()
        if self.sealed:
            self._fail(error)  # everything in a sealed segment is committed
        else:
            self._suspects.append(error)

    def _lose_continuity(self) -> None:
        self._expect, self._checkable = None, False

    def _place(self, line: Line, record: Record) -> None:
        """Refuse an intact record out of place (see the module docstring)."""
        if self._expect is not None and not self.compacted:
            ok, wanted = record.seq == self._expect, f"seq {self._expect}"
        else:
            ok, wanted = record.seq >= self._floor, f"a seq after {self._floor - 1}"
        if not ok:
            self._lose_continuity()
            self._fail(CorruptRecordError(self.path, line.offset, record.seq,
                                          f"expected {wanted}, found {record.seq}"))
        self._expect = self._floor = record.seq + 1

    def _confirm(self) -> None:
        """A valid marker follows damaged lines: they were committed data."""
        suspects, self._suspects = self._suspects, []
        for error in suspects:
            self._fail(error)

    def _close(self, line: Line, record: Record) -> Batch:
        if record.is_commit:
            if self._suspects:
                self._confirm()
            if self._checkable and not self.compacted:
                self._check_marker(line, record)
            self.last_marker = record
            self.tail = Tail(line.end)
        batch = Batch(self._pending, line.end)
        self.records += len(self._pending)
        self.next_seq = record.seq + 1
        self._pending, self._checkable = [], True
        return batch

    def _check_marker(self, line: Line, marker: Record) -> None:
        data = marker.data if isinstance(marker.data, dict) else {}
        first, count = data.get("first_seq"), data.get("count")
        found = len(self._pending) - 1
        if first != self.next_seq or count != found:
            self._fail(CorruptRecordError(
                self.path, line.offset, marker.seq,
                f"commit marker describes {count} records from seq {first}, "
                f"found {found} from seq {self.next_seq}"))

    def _finish(self) -> None:
        tail = self.tail
        tail.records = 0 if self.compacted else len(self._pending)
        tail.bytes = self._end - tail.offset
        tail.damaged = list(self._suspects)
        tail.problem = str(self._suspects[0]) if self._suspects else None
        if self.sealed and tail.bytes:
            self._fail(CorruptRecordError(self.path, tail.offset, None,
                                          "sealed segment does not end with a commit marker"))

"""Grouping the lines of an active segment into committed batches.

A batch is a run of records with dense seqs closed by a commit marker whose ``first_seq`` and
``count`` describe exactly that run. Anything after the last valid marker is the *tail*: a batch
that was being written (torn, or complete but unmarked) when the writer stopped. A damaged line
*followed by* a valid marker is corruption of committed data, never a tail: it raises. So does an
intact line out of place (wrong seq, or a marker misdescribing its batch): no crash makes one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import CorruptRecordError, UnsupportedVersionError
from .record import Record, decode
from .segment import Line


@dataclass(frozen=True, slots=True)
class Batch:
    """Committed records (the marker last) and the byte offset just past the marker."""

    records: list[Record]
    end: int

    @property
    def marker(self) -> Record:
        return self.records[-1]


@dataclass(slots=True)
class Tail:
    """What follows the last committed batch: ``bytes`` from ``offset``, of which ``records``
    were complete, valid records of an unfinished batch; ``problem`` names the first bad line."""

    offset: int
    bytes: int = 0
    records: int = 0
    problem: str | None = None


class BatchScanner:
    """Iterate the committed batches of lines read from ``path``; afterwards ``tail`` describes
    what was left over. ``next_seq`` is the seq the first record must carry."""

    def __init__(self, path: Path, lines: Iterator[Line], start: int, next_seq: int) -> None:
        self.path, self._lines, self.next_seq = path, lines, next_seq
        self.tail = Tail(start)
        self.last_marker: Record | None = None

    def __iter__(self) -> Iterator[Batch]:
        pending: list[Record] = []
        first_error: CorruptRecordError | None = None
        for line in self._lines:
            if first_error is not None:
                self._raise_if_committed_after(line, first_error)
                continue
            try:
                record = self._decode(line, self.next_seq + len(pending))
            except CorruptRecordError as e:
                first_error = e
                self.tail.problem = str(e)
                continue
            self._check_place(line, record, pending)
            pending.append(record)
            if record.is_commit:
                self.next_seq = record.seq + 1
                self.last_marker = record
                yield Batch(pending, line.end)
                pending = []
                self.tail = Tail(line.end)
        self.tail.records = len(pending)

    def _decode(self, line: Line, expected: int) -> Record:
        """Decode ``line``. A torn or damaged line may be an unfinished write (the caller decides
        from what follows); errors name the seq the line must carry (seqs are dense here)."""
        if not line.complete:
            raise CorruptRecordError(self.path, line.offset, expected, "torn line (no newline)")
        try:
            return decode(line.data, self.path, line.offset)
        except CorruptRecordError as e:
            raise CorruptRecordError(self.path, line.offset, expected, e.detail) from None

    def _check_place(self, line: Line, record: Record, pending: list[Record]) -> None:
        """Raise if an intact record is out of place. A torn write cannot produce a complete,
        checksummed line with the wrong seq or a marker that misdescribes its batch, so this is
        never an unfinished tail to truncate: it is damage (or a bug) to report."""
        expected = self.next_seq + len(pending)
        if record.seq != expected:
            raise CorruptRecordError(
                self.path, line.offset, record.seq, f"expected seq {expected}, found {record.seq}"
            )
        if record.is_commit:
            data = record.data if isinstance(record.data, dict) else {}
            first, count = data.get("first_seq"), data.get("count")
            if first != self.next_seq or count != len(pending):
                raise CorruptRecordError(
                    self.path, line.offset, record.seq,
                    f"commit marker describes {count} records from seq {first}, "
                    f"found {len(pending)} from seq {self.next_seq}",
                )

    def _raise_if_committed_after(self, line: Line, first_error: CorruptRecordError) -> None:
        """A valid marker after a bad line means the bad line was committed data."""
        if not line.complete or b'"type":"commit"' not in line.data:
            return
        try:
            record = decode(line.data, self.path, line.offset)
        except UnsupportedVersionError:  # checksum matched: a newer writer committed after it
            raise first_error from None
        except CorruptRecordError:
            return
        if record.is_commit and record.seq >= self.next_seq:
            raise first_error

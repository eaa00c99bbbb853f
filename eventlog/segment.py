"""Segment files: the JSONL files a log is made of, and a constant-memory line scanner.

A log directory holds::

    manifest.json                      the list of segments (see manifest.py)
    00000000000000000000.g0.jsonl      sealed segment: records seq 0 .. 9_999
    00000000000000010000.g0.jsonl      active segment: appends go here
    writer.lock                        flock + PID of the current writer (see lock.py)

Directories are mode 0700 and files 0600, none of them a symbolic link (see files.py).

A segment is named by the seq of its first record and the manifest generation that created it
(compaction writes a new generation, so old and new files never share a name). Batches never
span segments: a sealed segment always ends with a commit marker.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .files import fsync_dir, open_read

__all__ = ["Line", "fsync_dir", "is_segment_file", "scan_lines", "scan_open_file",
           "segment_name"]

SEGMENT_RE = re.compile(r"^(\d{20})\.g(\d+)\.jsonl$")
READ_CHUNK = 1 << 20


def segment_name(base_seq: int, generation: int) -> str:
    return f"{base_seq:020d}.g{generation}.jsonl"


def is_segment_file(name: str) -> bool:
    return SEGMENT_RE.match(name) is not None


@dataclass(frozen=True, slots=True)
class Line:
    """One raw line of a segment: its byte offset, its bytes, and whether it ended in newline."""

    offset: int
    data: bytes
    complete: bool

    @property
    def end(self) -> int:
        return self.offset + len(self.data)


def scan_lines(path: Path, start: int = 0, stop: int | None = None) -> Iterator[Line]:
    """Yield the lines of ``path`` from byte ``start`` up to ``stop`` (default: current EOF).

    Memory is bounded by the longest line. The last line is yielded with ``complete=False`` when
    the file does not end in a newline (a torn write, or a writer still writing).
    """
    with open_read(path) as fh:
        yield from scan_open_file(fh, start, stop)


def scan_open_file(fh, start: int = 0, stop: int | None = None) -> Iterator[Line]:
    """Like ``scan_lines`` on an already open binary file (readers keep the fd across renames)."""
    if stop is None:
        stop = os.fstat(fh.fileno()).st_size
    fh.seek(start)
    offset, pending = start, b""
    remaining = stop - start
    while remaining > 0:
        chunk = fh.read(min(READ_CHUNK, remaining))
        if not chunk:
            break
        remaining -= len(chunk)
        buf = pending + chunk if pending else chunk
        begin = 0
        while True:
            nl = buf.find(b"\n", begin)
            if nl < 0:
                break
            yield Line(offset, buf[begin : nl + 1], True)
            offset += nl + 1 - begin
            begin = nl + 1
        pending = buf[begin:]
    if pending:
        yield Line(offset, pending, False)


"""The manifest: which segment files make up a log, replaced atomically on every change.

``manifest.json`` is the log's table of contents and the commit point of roll and compaction::

    {"body": {"format": 1, "generation": 3, "segments": [
        {"file": "00000000000000000000.g3.jsonl", "base_seq": 0, "sealed": true,
         "compacted": true, "bytes": 81920, "last_seq": 4999, "records": 1200},
        {"file": "00000000000000005000.g3.jsonl", "base_seq": 5000, "sealed": false,
         "compacted": false, "bytes": null, "last_seq": null, "records": null}]},
     "crc": "89abcdef"}

Only the last segment is active (unsealed). A sealed segment's size and last seq are recorded, so
a deleted or truncated segment is detected, never silently skipped. The file is replaced with
temp → fsync → rename → fsync(dir); it is never rewritten in place.
A newer manifest format is refused (``UnsupportedVersionError``), never guessed at.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import orjson

from .errors import ManifestError, UnsupportedVersionError
from .files import check_log_dir, file_size, open_read, replace_file
from .segment import is_segment_file, segment_name

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    """One segment as the manifest lists it. ``bytes``/``last_seq``/``records`` are set once
    sealed; ``compacted`` segments may have gaps in seq and no per-batch markers."""

    file: str
    base_seq: int
    sealed: bool = False
    compacted: bool = False
    bytes: int | None = None
    last_seq: int | None = None
    records: int | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """The ordered segments of a log; the last one is the active segment."""

    generation: int
    segments: tuple[SegmentInfo, ...]

    @property
    def active(self) -> SegmentInfo:
        return self.segments[-1]

    def segment_for(self, seq: int) -> int:
        """Index of the segment holding ``seq`` (or the first one after it, if removed)."""
        index = 0
        for i, seg in enumerate(self.segments):
            if seg.base_seq <= seq:
                index = i
            else:
                break
        return index

    def with_rolled(self, sealed: SegmentInfo, next_base: int) -> Manifest:
        new_active = SegmentInfo(segment_name(next_base, self.generation), next_base)
        return replace(self, segments=(*self.segments[:-1], sealed, new_active))

    @staticmethod
    def new() -> Manifest:
        return Manifest(0, (SegmentInfo(segment_name(0, 0), 0),))


def load_manifest(log_dir: Path) -> Manifest | None:
    """Read the manifest of ``log_dir``; ``None`` when the log has none (a new log).

    Raises ``ManifestError`` if it is damaged, ``UnsupportedVersionError`` if a newer version
    wrote it, ``UnsafePathError`` if it (or the log or owner directory) is a symbolic link.
    """
    log_dir = Path(log_dir)
    path = log_dir / MANIFEST_NAME
    check_log_dir(log_dir)
    try:
        with open_read(path) as fh:
            raw = fh.read()
    except FileNotFoundError:
        return None
    try:
        outer = orjson.loads(raw)
        body = orjson.dumps(outer["body"], option=orjson.OPT_SORT_KEYS)
        if f"{zlib.crc32(body):08x}" != outer["crc"]:
            raise ValueError("checksum mismatch")
        doc = outer["body"]
    except (ValueError, KeyError, TypeError) as e:
        raise ManifestError(path, str(e)) from e
    return _parse(path, doc)


def _parse(path: Path, doc: object) -> Manifest:
    version = doc.get("format") if isinstance(doc, dict) else None
    if isinstance(version, int) and version > MANIFEST_FORMAT:
        raise UnsupportedVersionError(path, None, version, MANIFEST_FORMAT)
    try:
        if version != MANIFEST_FORMAT:
            raise ValueError(f"unknown manifest format {version!r}")
        segments = tuple(SegmentInfo(**seg) for seg in doc["segments"])
        if not segments:
            raise ValueError("no segments listed")
        return Manifest(doc["generation"], segments)
    except (ValueError, KeyError, TypeError) as e:
        raise ManifestError(path, str(e)) from e


def write_manifest(log_dir: Path, manifest: Manifest, *, durable: bool = True) -> None:
    """Atomically replace the manifest (temp -> fsync -> rename, mode 0600); with ``durable``
    returns after the rename is on disk."""
    body = {
        "format": MANIFEST_FORMAT,
        "generation": manifest.generation,
        "segments": [asdict(seg) for seg in manifest.segments],
    }
    canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    doc = orjson.dumps({"body": body, "crc": f"{zlib.crc32(canonical):08x}"},
                       option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
    replace_file(Path(log_dir) / MANIFEST_NAME, doc, durable=durable)


def leftover_files(log_dir: Path, manifest: Manifest) -> list[str]:
    """Names in ``log_dir`` no manifest lists: segment files of an interrupted roll or
    compaction, and temp files. The next writer deletes them; ``verify`` warns about them."""
    listed = {seg.file for seg in manifest.segments}
    return sorted(entry for entry in os.listdir(log_dir)
                  if (is_segment_file(entry) and entry not in listed) or entry.endswith(".tmp"))


def log_bytes(log_dir: Path, manifest: Manifest, *, missing_ok: bool = False) -> int:
    """Bytes in the segments ``manifest`` lists: the one place that sums them. A missing
    segment raises ``FileNotFoundError``, or counts 0 with ``missing_ok``."""
    total = 0
    for seg in manifest.segments:
        try:
            total += file_size(Path(log_dir) / seg.file)
        except FileNotFoundError:
            if not missing_ok:
                raise
    return total

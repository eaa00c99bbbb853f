"""Record codec: one JSON object per line, with a CRC-32 over the line's own bytes.

On disk a record is canonical JSON (sorted keys, compact separators) with the checksum appended
as the last member, so every line stays valid JSON for ``jq``::

    {"data":{...},"key":"pr:42","seq":7,"ts":"2026-11-28T19:00:00.000Z","type":"pr","v":1,"crc":"1a2b3c4d"}\\n
    |<------------------------ checksummed bytes ------------------------------->|

The CRC covers exactly the bytes before ``,"crc":"…"}`` plus the closing ``}``, i.e. the record
as it was serialised without its checksum. Verification slices the raw line; nothing is
re-serialised, so reading costs one ``zlib.crc32`` and one ``orjson.loads`` per line.

A commit marker is a record of type ``commit`` (key ``commit``) closing a batch; its data is
``{"first_seq": N, "count": K, "meta": {...}}`` where ``meta`` is the writer's opaque checkpoint
(the fetcher stores its page cursor there).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from .errors import CorruptRecordError, UnsupportedVersionError

FORMAT_VERSION = 1
COMMIT_TYPE = "commit"
COMMIT_KEY = "commit"

_CRC_PREFIX = b',"crc":"'
_CRC_END = b'"}'
_CRC_SUFFIX_LEN = len(_CRC_PREFIX) + 8 + len(_CRC_END)  # ,"crc":"xxxxxxxx"}
_DUMPS_OPTIONS = orjson.OPT_SORT_KEYS

# Upcasters turn a record envelope of version N into version N + 1. A reader meeting an old
# record applies them in turn; a record newer than FORMAT_VERSION is refused.
UPCASTERS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True, slots=True)
class Event:
    """A record to append: the writer assigns its ``seq`` and timestamp."""

    type: str
    key: str
    data: Any


@dataclass(frozen=True, slots=True)
class Record:
    """A committed record as read back from the log."""

    seq: int
    type: str
    key: str
    ts: str
    data: Any
    v: int = FORMAT_VERSION

    @property
    def is_commit(self) -> bool:
        return self.type == COMMIT_TYPE

    @property
    def meta(self) -> dict[str, Any]:
        """The writer's checkpoint carried by a commit marker (empty for other records)."""
        return (self.data.get("meta") or {}) if self.is_commit else {}

    def to_dict(self) -> dict[str, Any]:
        return envelope(self.seq, self.type, self.key, self.data, self.ts)


def now_ts() -> str:
    """UTC wall-clock time in the format records carry."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def envelope(seq: int, type: str, key: str, data: Any, ts: str) -> dict[str, Any]:
    """The record as a dict, in the current format version (what ``encode`` serialises)."""
    return {"v": FORMAT_VERSION, "seq": seq, "type": type, "key": key, "ts": ts, "data": data}


def encode(env: dict[str, Any]) -> bytes:
    """Serialise one record envelope to its line bytes, without the trailing newline.

    Text holding lone surrogates (GitHub sends ``"\\ud800"`` for broken text), which orjson
    refuses, is stored exactly too: that line is written by the standard library, ASCII only,
    with ``\\ud800`` escapes. Anything else orjson cannot serialise raises ``TypeError``.
    """
    try:
        body = orjson.dumps(env, option=_DUMPS_OPTIONS)
    except TypeError as e:
        if "surrogates" not in str(e):
            raise
        body = json.dumps(env, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
    crc = zlib.crc32(body)
    return b"%s%s%08x\"}" % (body[:-1], _CRC_PREFIX, crc)


def decode(line: bytes, path: Path, byte_offset: int) -> Record:
    """Parse and verify one line (with or without its newline).

    Raises ``CorruptRecordError`` when the checksum or the structure is wrong and
    ``UnsupportedVersionError`` for a record written by a newer format version.
    """
    if line.endswith(b"\n"):
        line = line[:-1]
    if (len(line) <= _CRC_SUFFIX_LEN or line[-_CRC_SUFFIX_LEN:-10] != _CRC_PREFIX
            or line[-2:] != _CRC_END):  # the closing '"}' is outside the checksummed bytes
        raise CorruptRecordError(path, byte_offset, _peek_seq(line), "no checksum at end of line")
    body = line[:-_CRC_SUFFIX_LEN] + b"}"
    stored = line[-10:-2]
    found = b"%08x" % zlib.crc32(body)
    if found != stored:
        raise CorruptRecordError(
            path, byte_offset, _peek_seq(line),
            f"expected crc {stored.decode('ascii', 'replace')}, found {found.decode()}",
        )
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError as e:
        obj = _loads_with_surrogates(body, e, path, byte_offset)
    return _to_record(obj, path, byte_offset)


def _loads_with_surrogates(body: bytes, error: Exception, path: Path, byte_offset: int) -> Any:
    """A line ``encode`` wrote with lone surrogate escapes, which orjson refuses to read; any
    other invalid JSON whose checksum matched is a forged line."""
    if b"\\ud" in body.lower():
        try:
            return json.loads(body)
        except ValueError:
            pass
    raise CorruptRecordError(path, byte_offset, None, f"invalid JSON ({error})") from error


def _to_record(obj: Any, path: Path, byte_offset: int) -> Record:
    if not isinstance(obj, dict):
        raise CorruptRecordError(path, byte_offset, None, "record is not a JSON object")
    version = obj.get("v")
    if version != FORMAT_VERSION:
        obj = upcast(obj, path, byte_offset)
    try:
        return Record(obj["seq"], obj["type"], obj["key"], obj["ts"], obj["data"], obj["v"])
    except KeyError as e:
        raise CorruptRecordError(path, byte_offset, obj.get("seq"), f"missing field {e}") from e


def upcast(obj: dict[str, Any], path: Path, byte_offset: int) -> dict[str, Any]:
    """Bring an envelope of an older format version up to ``FORMAT_VERSION``."""
    version = obj.get("v")
    if not isinstance(version, int) or version < 1:
        raise CorruptRecordError(path, byte_offset, obj.get("seq"), f"bad version {version!r}")
    if version > FORMAT_VERSION:
        raise UnsupportedVersionError(path, byte_offset, version, FORMAT_VERSION)
    while version < FORMAT_VERSION:
        step = UPCASTERS.get(version)
        if step is None:
            raise UnsupportedVersionError(path, byte_offset, version, FORMAT_VERSION)
        version += 1
        obj = {**step(obj), "v": version}  # an upcaster that forgets to bump "v" cannot loop
    return obj


def _peek_seq(line: bytes) -> int | None:
    """Best-effort seq of a damaged line, for error messages only."""
    start = line.find(b'"seq":')
    if start < 0:
        return None
    digits = bytearray()
    for byte in line[start + 6 : start + 26]:
        if 48 <= byte <= 57:
            digits.append(byte)
        else:
            break
    return int(digits) if digits else None

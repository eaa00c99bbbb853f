"""A tiny MessagePack codec (nil, bool, int, str, array), enough for GitHub-style ids and cursors.

GitHub's opaque node ids (``PR_kwDO...``) and ``cursor:v2:`` cursors are base64 of MessagePack
arrays. Only the handful of types they use are supported; anything else raises ``ValueError``.
"""

from __future__ import annotations

import struct

_UINT_FORMATS = ((0xFF, 0xCC, ">B"), (0xFFFF, 0xCD, ">H"), (0xFFFFFFFF, 0xCE, ">I"))
_INT_FORMATS = ((0x7F, 0xD0, ">b"), (0x7FFF, 0xD1, ">h"), (0x7FFFFFFF, 0xD2, ">i"))


def pack(value: object) -> bytes:
    """Encode ``value`` (None, bool, int, str or a list of those) as MessagePack."""
    if value is None:
        return b"\xc0"
    if isinstance(value, bool):
        return b"\xc3" if value else b"\xc2"
    if isinstance(value, int):
        return _pack_int(value)
    if isinstance(value, str):
        return _pack_str(value)
    if isinstance(value, (list, tuple)):
        return _pack_array(value)
    raise ValueError(f"cannot pack {type(value).__name__}")


def _pack_int(value: int) -> bytes:
    if 0 <= value <= 0x7F:
        return bytes([value])
    if -32 <= value < 0:
        return struct.pack(">b", value)
    formats = _UINT_FORMATS if value > 0 else _INT_FORMATS
    for bound, tag, fmt in formats:
        if -bound - 1 <= value <= bound:
            return bytes([tag]) + struct.pack(fmt, value)
    if value > 0:
        return b"\xcf" + struct.pack(">Q", value)
    return b"\xd3" + struct.pack(">q", value)


def _pack_str(value: str) -> bytes:
    raw = value.encode("utf-8", "surrogatepass")
    size = len(raw)
    if size < 32:
        return bytes([0xA0 | size]) + raw
    if size <= 0xFF:
        return b"\xd9" + bytes([size]) + raw
    return b"\xda" + struct.pack(">H", size) + raw


def _pack_array(values: list | tuple) -> bytes:
    size = len(values)
    head = bytes([0x90 | size]) if size < 16 else b"\xdc" + struct.pack(">H", size)
    return head + b"".join(pack(item) for item in values)


def unpack(data: bytes) -> object:
    """Decode one MessagePack value that must span all of ``data``."""
    value, offset = _unpack_at(data, 0)
    if offset != len(data):
        raise ValueError("trailing bytes after MessagePack value")
    return value


_FIXED = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q", 0xD0: ">b", 0xD1: ">h", 0xD2: ">i",
          0xD3: ">q"}


def _unpack_at(data: bytes, offset: int) -> tuple[object, int]:
    if offset >= len(data):
        raise ValueError("truncated MessagePack value")
    tag = data[offset]
    offset += 1
    if tag <= 0x7F:
        return tag, offset
    if tag >= 0xE0:
        return tag - 0x100, offset
    if tag in _FIXED:
        return _read_struct(data, offset, _FIXED[tag])
    return _unpack_container(data, offset, tag)


def _unpack_container(data: bytes, offset: int, tag: int) -> tuple[object, int]:
    simple = {0xC0: None, 0xC2: False, 0xC3: True}
    if tag in simple:
        return simple[tag], offset
    if 0xA0 <= tag <= 0xBF:
        return _read_str(data, offset, tag & 0x1F)
    if tag == 0xD9:
        return _read_str(data, offset + 1, _byte(data, offset))
    if tag == 0xDA:
        size, offset = _read_struct(data, offset, ">H")
        return _read_str(data, offset, size)
    if 0x90 <= tag <= 0x9F:
        return _read_array(data, offset, tag & 0x0F)
    if tag == 0xDC:
        size, offset = _read_struct(data, offset, ">H")
        return _read_array(data, offset, size)
    raise ValueError(f"unsupported MessagePack tag 0x{tag:02x}")


def _byte(data: bytes, offset: int) -> int:
    if offset >= len(data):
        raise ValueError("truncated MessagePack value")
    return data[offset]


def _read_struct(data: bytes, offset: int, fmt: str) -> tuple[int, int]:
    size = struct.calcsize(fmt)
    if offset + size > len(data):
        raise ValueError("truncated MessagePack value")
    return struct.unpack_from(fmt, data, offset)[0], offset + size


def _read_str(data: bytes, offset: int, size: int) -> tuple[str, int]:
    if offset + size > len(data):
        raise ValueError("truncated MessagePack string")
    return data[offset:offset + size].decode("utf-8"), offset + size


def _read_array(data: bytes, offset: int, size: int) -> tuple[list, int]:
    items = []
    for _ in range(size):
        item, offset = _unpack_at(data, offset)
        items.append(item)
    return items, offset

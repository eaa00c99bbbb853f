"""GitHub-style opaque identifiers: global node ids and git object ids.

New-style GitHub node ids are ``<PREFIX>_`` + url-safe base64 (no padding) of a MessagePack
array: ``[0, repository_database_id, object_database_id]`` for repository-scoped objects
(``PR_kwDO...``) and ``[0, database_id]`` for users, bots and organisations (``U_kgDO...``).
"""

from __future__ import annotations

import base64
import hashlib
import zlib

from .packing import pack

PREFIXES = {
    "PullRequest": "PR",
    "PullRequestReview": "PRR",
    "PullRequestCommit": "PURC",
    "Commit": "C",
    "CheckSuite": "CS",
    "CheckRun": "CR",
    "Label": "LA",
    "Milestone": "MI",
    "Issue": "I",
    "Repository": "R",
    "User": "U",
    "Bot": "BOT",
    "Mannequin": "MQ",
    "Organization": "O",
    "App": "A",
    "Status": "STA",
    "StatusContext": "SC",
    "StatusCheckRollup": "SCR",
}


def node_id(typename: str, *parts: int | str) -> str:
    """Return a node id such as ``PR_kwDOABCD...`` for ``typename`` built from ``parts``."""
    packed = pack([0, *parts])
    return f"{PREFIXES[typename]}_{base64.urlsafe_b64encode(packed).decode().rstrip('=')}"


def stable_int(*parts: object, bits: int = 30) -> int:
    """A deterministic positive integer derived from ``parts`` (for ids the dataset omits)."""
    digest = hashlib.sha256(_bytes("\x1f".join(map(str, parts)))).digest()
    return int.from_bytes(digest[:8], "big") % (1 << bits) + 1


def git_oid(*parts: object) -> str:
    """A deterministic 40-hex git object id derived from ``parts``."""
    return hashlib.sha1(_bytes("\x1f".join(map(str, parts)))).hexdigest()


def short_hash(text: str, length: int = 12) -> str:
    """Short sha256 prefix of ``text``: how tokens are recorded in stats (never in clear)."""
    return hashlib.sha256(_bytes(text)).hexdigest()[:length]


def crc(text: str) -> int:
    """CRC32 of ``text``, a cheap stable integer for derived ids."""
    return zlib.crc32(_bytes(text))


def _bytes(text: str) -> bytes:
    """UTF-8 bytes of ``text``; lone surrogates (hostile data) are kept, not refused."""
    return text.encode("utf-8", "surrogatepass")

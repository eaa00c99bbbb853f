"""Hostile values planted in a dataset, as GitHub may really serve them.

GitHub stores what users type and returns it as JSON text: titles, bodies, label names, file
paths, commit messages, branch names and review bodies can hold NUL, terminal escape sequences
(ANSI CSI, OSC title and OSC 8 hyperlinks), bidirectional overrides and zero-width characters,
lone UTF-16 surrogates (served as ``"\\ud800"`` escapes) and megabytes of text. The values
planted by ``make_hostile`` (``HOSTILE``):

* ``nul``: ``"a\\x00b"``                         * ``ansi``: ``"\\x1b[31mred\\x1b[0m"``
* ``osc``: OSC 0 (set title) and OSC 8 (hyperlink) sequences ending in BEL
* ``bidi``: right-to-left override + isolate    * ``zero_width``: ZWSP, ZWJ, BOM
* ``surrogate``: lone high and low surrogates (``\\ud800``, ``\\udfff``)
* ``huge``: ``huge_mib`` MiB of text (PR body only)
* review ``fullDatabaseId``: ``2**63 + 7`` (a BigInt beyond signed 64-bit; ``databaseId`` is
  ``null`` since it cannot be represented as a 32-bit Int).

``logins`` replaces the PR author (a copy) with a user whose login carries the hostile text.
"""

from __future__ import annotations

import copy
import math

from .editbase import commit_copies, find_pr

HOSTILE = {
    "nul": "a\x00b",
    "ansi": "\x1b[31mred\x1b[0m\x1b[2J",
    "osc": "\x1b]0;pwned\x07\x1b]8;;https://evil.invalid/\x07link\x1b]8;;\x07",
    "bidi": "\u202eevil.exe\u202c\u2067rtl\u2069",
    "zero_width": "zero\u200bwidth\u200d\ufeff",
    "surrogate": "lone \ud800 and \udfff",
}
HOSTILE_TEXT = "".join(HOSTILE.values())
BIG_REVIEW_ID = 2**63 + 7
MEGA_UNIT = "\u2603 hostile megabytes \x1b[0m " * 64
FIELDS = ("title", "body", "labels", "paths", "messages", "logins", "branches", "reviews",
          "review_ids")


def hostile(base: str = "") -> str:
    """``base`` followed by every hostile value."""
    return f"{base} {HOSTILE_TEXT}".strip()


def make_hostile(dataset: dict, repo: str, number: int, *, huge_mib: float = 0,
                 **which: bool) -> dict:
    """Plant hostile values in PR ``number``; return the PR. ``which`` selects fields (default:
    all of ``FIELDS``): ``title=False`` leaves the title alone, etc. ``huge_mib`` appends that
    many MiB to the body. ``updatedAt`` does not move."""
    unknown = set(which) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown hostile fields {sorted(unknown)}; expected {FIELDS}")
    wanted = {name for name in FIELDS if which.get(name, True)}
    pr = find_pr(dataset, repo, number)
    for name in sorted(wanted - {"messages"}):
        PLANTERS[name](pr)
    if "messages" in wanted:
        for commit in commit_copies(dataset, repo, pr["commits"][0]["commit"]["oid"]):
            _message(commit)
    if huge_mib:
        pr["body"] += MEGA_UNIT * math.ceil(huge_mib * 1024 * 1024 / len(MEGA_UNIT.encode()))
    return pr


def _title(pr: dict) -> None:
    pr["title"] = hostile(pr["title"])


def _body(pr: dict) -> None:
    pr["body"] = hostile(pr["body"])


def _labels(pr: dict) -> None:
    pr["labels"] = [*(pr.get("labels") or []), {"name": hostile("label"), "color": "000000"}]


def _paths(pr: dict) -> None:
    for item in (pr.get("files") or [])[:1]:
        item["path"] = hostile(item["path"])


def _message(commit: dict) -> None:
    commit["message"] = hostile(commit["message"])
    commit["messageHeadline"] = hostile(commit["messageHeadline"])


def _logins(pr: dict) -> None:
    if pr.get("author") is not None:
        pr["author"] = {**copy.deepcopy(pr["author"]), "login": hostile("user")}


def _branches(pr: dict) -> None:
    pr["headRefName"] = hostile(pr["headRefName"])


def _reviews(pr: dict) -> None:
    for review in pr.get("reviews") or []:
        review["body"] = hostile(review["body"])


def _review_ids(pr: dict) -> None:
    for review in (pr.get("reviews") or [])[:1]:
        review.update(databaseId=None, fullDatabaseId=str(BIG_REVIEW_ID))


PLANTERS = {"title": _title, "body": _body, "labels": _labels, "paths": _paths,
            "logins": _logins, "branches": _branches,
            "reviews": _reviews, "review_ids": _review_ids}

"""The events the fetcher appends to a repository's log: one typed definition, read everywhere.

A ``pr`` record (key ``pr:{number}``) holds a ``PREvent``: GitHub's pull request in the data
model's vocabulary (snake_case, lower-case enums), with nothing derived or invented. A ``ci``
record (key ``ci:{number}``) holds a ``CIEvent``: the CI of a PR's head commit fetched again
later (CI finishing does not change a PR's ``updatedAt``). A ``pass`` record marks the start and
end of a fetch pass. The parser (``fetch.github.parse``) builds events with ``new_pr_event``; the
projector (``projection.rows``) reads them with ``read_pr_event``/``read_ci_event``, which also
bring events written by older versions up to date. Defaults live here and nowhere else.

Every child connection is a list (complete, possibly empty) or ``None``:

* ``None`` with an entry in ``unavailable``: GitHub declined to serve it (forbidden, too large,
  timed out ...); the entry says why and how many GitHub reports;
* ``None`` without an entry: not fetched (``check_runs``/``statuses`` with ``--no-check-runs``);
* a list *and* an entry: partial (GitHub stopped paginating before its ``totalCount``).

Either way "missing" is never "none": the projector keeps what the database has for a
connection that is not a list.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NotRequired, TypedDict

PR_EVENT_VERSION = 2
PR_TYPE, CI_TYPE, PASS_TYPE = "pr", "ci", "pass"

# Connections of a PR event that hold child rows, and those a pass may leave unfetched.
CHILD_CONNECTIONS = ("reviews", "commits", "files", "check_runs", "statuses")
CI_CONNECTIONS = ("check_runs", "statuses")
PENDING_CHECK_STATUSES = frozenset({"requested", "queued", "in_progress", "waiting", "pending"})
PENDING_STATUS_STATES = frozenset({"pending", "expected"})


class Gap(StrEnum):
    """Why a connection of an event is missing or partial."""

    FORBIDDEN = "forbidden"          # the token may not read it (fine-grained permissions)
    TOO_LARGE = "too_large"          # GitHub answers null for it (huge diffs: ``files: null``)
    NOT_FOUND = "not_found"          # gone while it was being read
    RESOURCE_LIMITS = "resource_limits"  # RESOURCE_LIMITS_EXCEEDED even when asked alone
    TIMEOUT = "timeout"              # kept timing out even one node at a time
    TRUNCATED = "truncated"          # GitHub stopped paginating before its totalCount
    ERROR = "error"                  # another error GitHub reported for this path


# A PR with any other gap is incomplete (listed, fetched again); FORBIDDEN is the token's lack
# of a permission, which another request would only repeat.
PERMANENT_GAPS = frozenset({Gap.FORBIDDEN})


class Actor(TypedDict):
    login: str
    id: int | None
    name: str | None
    type: str | None                 # User, Bot, Mannequin, Organization ...


class Review(TypedDict):
    id: int
    state: str
    body: str
    submitted_at: str | None
    author: Actor | None


class Commit(TypedDict):
    sha: str
    message: str
    committed_at: str | None
    additions: int
    deletions: int
    author_name: str
    author_email: str
    author: Actor | None


class ChangedFile(TypedDict):
    path: str
    status: str
    additions: int
    deletions: int


class CheckRun(TypedDict):
    id: int
    name: str
    status: str
    conclusion: str | None
    started_at: str | None
    completed_at: str | None


class StatusContext(TypedDict):
    """A legacy commit status (Buildkite, CircleCI, Vercel ...): one per context name."""

    context: str
    state: str
    description: str
    target_url: str | None
    created_at: str | None
    creator: str | None              # login


class LinkedIssue(TypedDict):
    repo: str | None
    number: int | None


class Unavailable(TypedDict):
    reason: str                      # a ``Gap``
    message: str
    expected: int | None             # what GitHub reports (totalCount, changedFiles)
    fetched: int | None


class PREvent(TypedDict):
    version: int
    number: int
    title: str
    body: str
    state: str                       # open, closed, merged
    is_draft: bool
    author: Actor | None
    created_at: str
    updated_at: str
    merged_at: str | None
    closed_at: str | None
    additions: int
    deletions: int
    changed_files: int
    commits_count: int
    head_ref: str
    base_ref: str
    head_sha: str
    head_commit_id: str | None       # node id of the head commit (re-polling its CI)
    labels: list[str]
    assignees: list[str]
    milestone: str | None
    linked_issues: list[LinkedIssue]
    reviews: list[Review] | None
    commits: list[Commit] | None
    files: list[ChangedFile] | None
    check_runs: list[CheckRun] | None
    statuses: list[StatusContext] | None
    unavailable: dict[str, Unavailable]


class CIEvent(TypedDict):
    version: int
    number: int
    head_sha: str
    check_runs: list[CheckRun] | None
    statuses: list[StatusContext] | None
    unavailable: dict[str, Unavailable]
    fetched_at: NotRequired[str]


PR_DEFAULTS: dict[str, Any] = {
    "title": "", "body": "", "is_draft": False, "author": None, "merged_at": None,
    "closed_at": None, "additions": 0, "deletions": 0, "changed_files": 0, "commits_count": 0,
    "head_ref": "", "base_ref": "", "head_sha": "", "head_commit_id": None, "labels": [],
    "assignees": [], "milestone": None, "linked_issues": [], "reviews": [], "commits": [],
    "files": [], "check_runs": None, "statuses": None, "unavailable": {},
}


def new_pr_event(**fields: Any) -> PREvent:
    """A PR event of the current version: ``fields`` over the defaults (``number``, ``state``,
    ``created_at`` and ``updated_at`` are required)."""
    for required in ("number", "state", "created_at", "updated_at"):
        if required not in fields:
            raise TypeError(f"a PR event needs {required!r}")
    unknown = fields.keys() - PR_DEFAULTS.keys() - {"number", "state", "created_at",
                                                     "updated_at", "version"}
    if unknown:
        raise TypeError(f"unknown PR event fields: {', '.join(sorted(unknown))}")
    event = {**_fresh_defaults(), **fields, "version": PR_EVENT_VERSION}
    return event  # type: ignore[return-value]


def new_ci_event(number: int, head_sha: str, *, check_runs: list[CheckRun] | None,
                 statuses: list[StatusContext] | None,
                 unavailable: dict[str, Unavailable] | None = None) -> CIEvent:
    """The CI of PR ``number``'s head commit ``head_sha`` as fetched now."""
    return {"version": PR_EVENT_VERSION, "number": number, "head_sha": head_sha,
            "check_runs": check_runs, "statuses": statuses, "unavailable": unavailable or {}}


def unavailable(reason: Gap, message: str, *, expected: int | None = None,
                fetched: int | None = None) -> Unavailable:
    """An ``unavailable`` entry; ``message`` is cut to 300 characters."""
    return {"reason": str(reason), "message": message[:300], "expected": expected,
            "fetched": fetched}


def read_pr_event(data: dict[str, Any]) -> PREvent:
    """A stored PR event as the current version (older versions are upcast; the stored record
    is never changed)."""
    if data.get("version") == PR_EVENT_VERSION:
        return data  # type: ignore[return-value]
    return _upcast_v1(data)


def read_ci_event(data: dict[str, Any]) -> CIEvent:
    """A stored CI event as the current version."""
    return {"unavailable": {}, **data}  # type: ignore[return-value]


def _upcast_v1(data: dict[str, Any]) -> PREvent:
    """Version 1 (no ``version`` key): ``incomplete`` ({connection: {total, fetched}}) becomes
    ``unavailable``; statuses and the head commit id were not fetched."""
    event = {**_fresh_defaults(), **data, "version": PR_EVENT_VERSION}
    incomplete = event.pop("incomplete", None) or {}
    event["unavailable"] = {
        _V1_NAMES.get(name, name): unavailable(
            Gap.TRUNCATED, "GitHub stopped paginating before totalCount",
            expected=counts.get("total"), fetched=counts.get("fetched"))
        for name, counts in incomplete.items()}
    return event  # type: ignore[return-value]


_V1_NAMES = {"checkSuites": "check_runs", "checkRuns": "check_runs",
             "closingIssuesReferences": "linked_issues"}


def _fresh_defaults() -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in PR_DEFAULTS.items()}


def pr_key(number: int) -> str:
    return f"pr:{number}"


def ci_key(number: int) -> str:
    return f"ci:{number}"


def ci_pending(check_runs: list[CheckRun] | None, statuses: list[StatusContext] | None) -> bool:
    """Whether any check run or status context has not reached a final state."""
    return any(run["status"] in PENDING_CHECK_STATUSES for run in check_runs or ()) or \
        any(status["state"] in PENDING_STATUS_STATES for status in statuses or ())

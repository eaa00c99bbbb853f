"""Turn GitHub's GraphQL objects into the events stored in the log (``apps.seeding.events``).

The event is GitHub's data in the data model's vocabulary (snake_case, lower-case enums), with
nothing derived or invented: absent values stay ``None``. Everything read is checked: a missing
key, a wrong type or a timestamp that is not one is a ``BadResponseError`` naming the JSON path.
An enum value this code does not know (GitHub adds values over time) is kept, lower-cased like
known ones, and reported once through ``Parser.unknown``. Functions tolerate fields a query did
not ask for, so recorded real responses parse too.
"""

from __future__ import annotations

from typing import Any

from apps.seeding import events as ev
from apps.seeding.timestamps import is_timestamp

from .errors import BadResponseError

PR_STATES = {"OPEN": "open", "CLOSED": "closed", "MERGED": "merged"}
REVIEW_STATES = {s: s.lower() for s in
                 ("PENDING", "COMMENTED", "APPROVED", "CHANGES_REQUESTED", "DISMISSED")}
CHANGE_TYPES = {"ADDED": "added", "DELETED": "removed", "MODIFIED": "modified",
                "RENAMED": "renamed", "COPIED": "copied", "CHANGED": "changed"}
CHECK_STATUSES = {s: s.lower() for s in
                  ("REQUESTED", "QUEUED", "IN_PROGRESS", "COMPLETED", "WAITING", "PENDING")}
CHECK_CONCLUSIONS = {s: s.lower() for s in
                     ("SUCCESS", "FAILURE", "NEUTRAL", "CANCELLED", "TIMED_OUT",
                      "ACTION_REQUIRED", "SKIPPED", "STALE", "STARTUP_FAILURE")}
STATUS_STATES = {s: s.lower() for s in ("ERROR", "EXPECTED", "FAILURE", "PENDING", "SUCCESS")}
# GraphQL connection -> PR event field
EVENT_FIELDS = {"reviews": "reviews", "commits": "commits", "files": "files",
                "labels": "labels", "assignees": "assignees",
                "closingIssuesReferences": "linked_issues", "checkSuites": "check_runs",
                "checkRuns": "check_runs", "status": "statuses"}


def nodes(connection: Any) -> list[dict[str, Any]]:
    """The nodes of a (nullable) connection; ``null`` and empty both give ``[]``."""
    if not isinstance(connection, dict):
        return []
    return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]


def items(connection: Any, path: str, *, numbered: bool = False) -> list[Any]:
    """The nodes of a connection being parsed (``null`` nodes skipped): a node that is not an
    object, or ``nodes`` that is not a list, is a ``BadResponseError`` naming its path, never
    silently dropped. ``numbered``: ``(index, node)`` pairs."""
    raw = connection.get("nodes") if isinstance(connection, dict) else None
    if raw is not None and not isinstance(raw, list):
        raise BadResponseError(f"GitHub's response has no list at {path}.nodes: {raw!r}"[:300])
    found = []
    for i, node in enumerate(raw or ()):
        if node is not None:
            node = required_object(node, f"{path}.nodes[{i}]")
            found.append((i, node) if numbered else node)
    return found


class Parser:
    """Parses nodes found at ``path`` (for error messages); collects unknown enum values."""

    def __init__(self) -> None:
        self.unknown: set[tuple[str, str]] = set()

    # -- checked access ------------------------------------------------------------------

    def enum(self, value: Any, known: dict[str, str], what: str, path: str, *,
             nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or not value:
            raise BadResponseError(f"GitHub's response has no valid {what} at {path}: "
                                   f"{value!r}"[:300])
        if value not in known:
            self.unknown.add((what, value))
            return value.lower()
        return known[value]

    # -- PR ------------------------------------------------------------------------------

    def pull_request(self, node: Any, path: str, *, gaps: dict[str, ev.Unavailable] | None = None,
                     checks: bool = True, statuses: bool = True) -> ev.PREvent:
        """The PR event of a PR node whose connections hold *all* their nodes (after
        follow-ups). ``gaps``: connections known to be unavailable (by event field name);
        ``checks``/``statuses``: whether that CI was asked for."""
        node = required_object(node, path)
        gaps = dict(gaps or {})
        _null_connections(node, gaps)
        head = _head_commit(node)
        return ev.new_pr_event(
            number=_int(node.get("number"), f"{path}.number"),
            title=_text(node.get("title")), body=_text(node.get("body")),
            state=self.enum(node.get("state"), PR_STATES, "pull request state", f"{path}.state"),
            is_draft=bool(node.get("isDraft")), author=actor(node.get("author")),
            created_at=_ts(node.get("createdAt"), f"{path}.createdAt"),
            updated_at=_ts(node.get("updatedAt"), f"{path}.updatedAt"),
            merged_at=_ts(node.get("mergedAt"), f"{path}.mergedAt", nullable=True),
            closed_at=_ts(node.get("closedAt"), f"{path}.closedAt", nullable=True),
            additions=_count(node, "additions", path), deletions=_count(node, "deletions", path),
            changed_files=_count(node, "changedFiles", path),
            commits_count=_total(node.get("commits")), head_ref=_text(node.get("headRefName")),
            base_ref=_text(node.get("baseRefName")), head_sha=_text(node.get("headRefOid")),
            head_commit_id=(head or {}).get("id"),
            labels=[_text(n.get("name")) for n in items(node.get("labels"), f"{path}.labels")],
            assignees=[_text(n.get("login"))
                       for n in items(node.get("assignees"), f"{path}.assignees")],
            milestone=(node.get("milestone") or {}).get("title"),
            linked_issues=[linked_issue(n) for n in items(
                node.get("closingIssuesReferences"), f"{path}.closingIssuesReferences")],
            reviews=self._list(node, "reviews", gaps, path, self.review),
            commits=self._list(node, "commits", gaps, path,
                               lambda n, p: self.commit(n.get("commit"), f"{p}.commit")),
            files=self._list(node, "files", gaps, path, self.changed_file),
            **self.head_ci(head, gaps, path, checks=checks, statuses=statuses),
            unavailable=gaps,
        )

    def _list(self, node: dict[str, Any], name: str, gaps: dict[str, ev.Unavailable],
              path: str, parse) -> list[Any] | None:
        """The connection's items; ``None`` when it has a gap and no items were served (a
        partial list with a gap is kept)."""
        connection = node.get(name)
        if name in gaps and not (isinstance(connection, dict) and "nodes" in connection):
            return None
        return [parse(n, f"{path}.{name}.nodes[{i}]")
                for i, n in items(connection, f"{path}.{name}", numbered=True)]

    def head_ci(self, commit: dict[str, Any] | None, gaps: dict[str, ev.Unavailable], path: str,
                *, checks: bool, statuses: bool) -> dict[str, Any]:
        """``check_runs`` and ``statuses`` of a head commit (``None`` where not fetched or
        unavailable)."""
        runs = contexts = None
        if checks and "check_runs" not in gaps:
            suites = items((commit or {}).get("checkSuites"), f"{path}.checkSuites")
            runs = [self.check_run(r, f"{path}.checkRuns") for s in suites
                    for r in items(s.get("checkRuns"), f"{path}.checkSuites.checkRuns")]
        if statuses and "statuses" not in gaps:
            status = (commit or {}).get("status")
            contexts = [self.status_context(c, f"{path}.status.contexts")
                        for c in (status or {}).get("contexts") or [] if isinstance(c, dict)]
        return {"check_runs": runs, "statuses": contexts}

    # -- children ------------------------------------------------------------------------

    def review(self, node: dict[str, Any], path: str) -> ev.Review:
        review_id = node.get("fullDatabaseId") or node.get("databaseId")
        return {"id": _int(review_id, f"{path}.fullDatabaseId"),
                "state": self.enum(node.get("state"), REVIEW_STATES, "review state",
                                   f"{path}.state"),
                "body": _text(node.get("body")),
                "submitted_at": _ts(node.get("submittedAt"), f"{path}.submittedAt",
                                    nullable=True),
                "author": actor(node.get("author"))}

    def commit(self, node: Any, path: str) -> ev.Commit:
        """A ``Commit`` (the ``commit`` of a ``PullRequestCommit``)."""
        node = required_object(node, path)
        author = node.get("author") or {}
        return {"sha": _string(node, "oid", path, "commit oid"),
                "message": _text(node.get("message")),
                "committed_at": _ts(node.get("committedDate"), f"{path}.committedDate",
                                    nullable=True),
                "additions": _count(node, "additions", path),
                "deletions": _count(node, "deletions", path),
                "author_name": _text(author.get("name")),
                "author_email": _text(author.get("email")),
                "author": git_user(author.get("user"))}

    def changed_file(self, node: dict[str, Any], path: str) -> ev.ChangedFile:
        return {"path": _string(node, "path", path, "file path", empty=True),
                "status": self.enum(node.get("changeType"), CHANGE_TYPES, "file change type",
                                    f"{path}.changeType"),
                "additions": _count(node, "additions", path),
                "deletions": _count(node, "deletions", path)}

    def check_run(self, node: dict[str, Any], path: str) -> ev.CheckRun:
        return {"id": _int(node.get("databaseId"), f"{path}.databaseId"),
                "name": _text(node.get("name")),
                "status": self.enum(node.get("status"), CHECK_STATUSES, "check run status",
                                    f"{path}.status"),
                "conclusion": self.enum(node.get("conclusion"), CHECK_CONCLUSIONS,
                                        "check conclusion", f"{path}.conclusion", nullable=True),
                "started_at": _ts(node.get("startedAt"), f"{path}.startedAt", nullable=True),
                "completed_at": _ts(node.get("completedAt"), f"{path}.completedAt",
                                    nullable=True)}

    def status_context(self, node: dict[str, Any], path: str) -> ev.StatusContext:
        return {"context": _string(node, "context", path, "status context", empty=True),
                "state": self.enum(node.get("state"), STATUS_STATES, "commit status state",
                                   f"{path}.state"),
                "description": _text(node.get("description")),
                "target_url": node.get("targetUrl") if isinstance(node.get("targetUrl"), str)
                else None,
                "created_at": _ts(node.get("createdAt"), f"{path}.createdAt", nullable=True),
                "creator": (node.get("creator") or {}).get("login")}


# -- small pieces ----------------------------------------------------------------------------


def actor(node: dict[str, Any] | None) -> ev.Actor | None:
    """An ``Actor`` (User, Bot, Mannequin, ...) or ``None`` for a deleted account."""
    if not isinstance(node, dict) or not isinstance(node.get("login"), str) or not node["login"]:
        return None
    database_id = node.get("databaseId")
    return {"login": node["login"], "id": database_id if isinstance(database_id, int) else None,
            "name": node.get("name") if isinstance(node.get("name"), str) else None,
            "type": node.get("__typename")}


def git_user(node: dict[str, Any] | None) -> ev.Actor | None:
    """The account behind a commit's ``GitActor.user`` (always a User)."""
    found = actor(node)
    if found is not None:
        found["type"] = "User"
    return found


def linked_issue(node: dict[str, Any]) -> ev.LinkedIssue:
    number = node.get("number")
    return {"repo": (node.get("repository") or {}).get("nameWithOwner"),
            "number": number if isinstance(number, int) else None}


def _head_commit(node: dict[str, Any]) -> dict[str, Any] | None:
    """The head commit (``headCommit: commits(last: 1)``: the last node)."""
    heads = nodes(node.get("headCommit"))
    commit = heads[-1].get("commit") if heads else None
    return commit if isinstance(commit, dict) else None


def _null_connections(node: dict[str, Any], gaps: dict[str, ev.Unavailable]) -> None:
    """A nullable connection GitHub answered ``null`` without an error is unavailable (for
    ``files``: too large a diff), never an empty list."""
    for name in ("reviews", "commits", "files", "labels", "assignees",
                 "closingIssuesReferences"):
        field = EVENT_FIELDS[name]
        if name in node and node[name] is None and field not in gaps:
            expected = node.get("changedFiles") if name == "files" else None
            reason = ev.Gap.TOO_LARGE if name == "files" else ev.Gap.ERROR
            gaps[field] = ev.unavailable(reason, f"GitHub answered null for {name}",
                                         expected=expected if isinstance(expected, int) else None)


def required_object(node: Any, path: str) -> dict[str, Any]:
    """``node`` when it is a JSON object; else a ``BadResponseError`` naming ``path``."""
    if not isinstance(node, dict):
        raise BadResponseError(f"GitHub's response has no object at {path} (found {node!r})"[:300])
    return node


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or \
            (isinstance(value, str) and not value.isdigit()):
        raise BadResponseError(f"GitHub's response has no valid integer at {path}: "
                               f"{value!r}"[:300])
    return int(value)


def _count(node: dict[str, Any], key: str, path: str) -> int:
    value = node.get(key)
    return 0 if value is None else _int(value, f"{path}.{key}")


def _total(connection: Any) -> int:
    total = connection.get("totalCount") if isinstance(connection, dict) else None
    return total if isinstance(total, int) else len(nodes(connection))


def _string(node: dict[str, Any], key: str, path: str, what: str, *, empty: bool = False) -> str:
    """``node[key]`` when it is a string (a non-empty one unless ``empty``); else a
    ``BadResponseError`` naming ``what`` and ``path.key``."""
    value = node.get(key)
    if not isinstance(value, str) or not (value or empty):
        raise BadResponseError(f"GitHub's response has no {what} at {path}.{key}")
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _ts(value: Any, path: str, *, nullable: bool = False) -> str | None:
    if value is None and nullable:
        return None
    if not is_timestamp(value):
        raise BadResponseError(f"GitHub's response has no valid timestamp at {path}: "
                               f"{value!r}"[:300])
    return value

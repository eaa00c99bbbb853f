"""Turn GitHub's GraphQL objects into the PR event stored in the log.

The event is GitHub's data in the data model's vocabulary (snake_case, lower-case enums), with
nothing derived or invented: absent values stay ``None``. Unknown enum values are refused with a
clear message rather than guessed. Functions take plain dicts as GitHub sends them and tolerate
fields a given query did not ask for (so recorded real responses parse too).

PR event (``data`` of a ``pr`` record)::

    {"number", "title", "body", "state": open|closed|merged, "is_draft", "author": Actor|None,
     "created_at", "updated_at", "merged_at", "closed_at", "additions", "deletions",
     "changed_files", "commits_count", "head_ref", "base_ref", "head_sha", "labels": [str],
     "assignees": [str], "milestone": str|None, "linked_issues": [{"repo", "number"}],
     "reviews": [Review], "commits": [Commit], "files": [File],
     "check_runs": [CheckRun] | None (None: not fetched), "incomplete": {connection: {...}}}
    Actor = {"login", "id", "name", "type": User|Bot|Mannequin|...}
"""

from __future__ import annotations

from typing import Any

from .errors import BadResponseError

PR_STATES = {"OPEN": "open", "CLOSED": "closed", "MERGED": "merged"}
REVIEW_STATES = {"PENDING", "COMMENTED", "APPROVED", "CHANGES_REQUESTED", "DISMISSED"}
CHANGE_TYPES = {"ADDED": "added", "DELETED": "removed", "MODIFIED": "modified",
                "RENAMED": "renamed", "COPIED": "copied", "CHANGED": "changed"}
CHECK_STATUSES = {"REQUESTED", "QUEUED", "IN_PROGRESS", "COMPLETED", "WAITING", "PENDING"}
CHECK_CONCLUSIONS = {"SUCCESS", "FAILURE", "NEUTRAL", "CANCELLED", "TIMED_OUT",
                     "ACTION_REQUIRED", "SKIPPED", "STALE", "STARTUP_FAILURE"}


def enum(value: Any, allowed: set[str] | dict[str, str], what: str, *,
         nullable: bool = False) -> str | None:
    """Validate a GitHub enum value and return its lower-case model form."""
    if value is None and nullable:
        return None
    if value not in allowed:
        raise BadResponseError(f"GitHub returned an unknown {what} {value!r}; this tool needs an "
                               "update to understand it")
    return allowed[value] if isinstance(allowed, dict) else value.lower()


def actor(node: dict[str, Any] | None) -> dict[str, Any] | None:
    """An ``Actor`` (User, Bot, Mannequin, ...) or ``None`` for a deleted account."""
    if not node or not node.get("login"):
        return None
    return {"login": node["login"], "id": node.get("databaseId"), "name": node.get("name"),
            "type": node.get("__typename")}


def git_user(node: dict[str, Any] | None) -> dict[str, Any] | None:
    """The account behind a commit's ``GitActor.user`` (always a User)."""
    found = actor(node)
    if found is not None:
        found["type"] = "User"
    return found


def review(node: dict[str, Any]) -> dict[str, Any]:
    review_id = node.get("fullDatabaseId") or node.get("databaseId")
    if review_id is None:
        raise BadResponseError("a review has no fullDatabaseId")
    return {"id": int(review_id), "state": enum(node.get("state"), REVIEW_STATES, "review state"),
            "body": node.get("body") or "", "submitted_at": node.get("submittedAt"),
            "author": actor(node.get("author"))}


def commit(node: dict[str, Any]) -> dict[str, Any]:
    """A ``Commit`` (the ``commit`` of a ``PullRequestCommit``)."""
    author = node.get("author") or {}
    return {"sha": node["oid"], "message": node.get("message") or "",
            "committed_at": node.get("committedDate"), "additions": node.get("additions") or 0,
            "deletions": node.get("deletions") or 0, "author_name": author.get("name") or "",
            "author_email": author.get("email") or "", "author": git_user(author.get("user"))}


def changed_file(node: dict[str, Any]) -> dict[str, Any]:
    return {"path": node["path"], "status": enum(node.get("changeType"), CHANGE_TYPES,
                                                 "file change type"),
            "additions": node.get("additions") or 0, "deletions": node.get("deletions") or 0}


def check_run(node: dict[str, Any]) -> dict[str, Any]:
    return {"id": node["databaseId"], "name": node.get("name") or "",
            "status": enum(node.get("status"), CHECK_STATUSES, "check run status"),
            "conclusion": enum(node.get("conclusion"), CHECK_CONCLUSIONS, "check conclusion",
                               nullable=True),
            "started_at": node.get("startedAt"), "completed_at": node.get("completedAt")}


def linked_issue(node: dict[str, Any]) -> dict[str, Any]:
    return {"repo": (node.get("repository") or {}).get("nameWithOwner"),
            "number": node.get("number")}


def nodes(connection: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The nodes of a (nullable) connection; ``null`` and empty both give ``[]``."""
    if not connection:
        return []
    return [n for n in connection.get("nodes") or [] if n is not None]


def pull_request(node: dict[str, Any], *, check_runs: list[dict[str, Any]] | None,
                 incomplete: dict[str, Any] | None = None) -> dict[str, Any]:
    """The PR event for a PR node whose connections hold *all* their nodes (after follow-ups).

    ``check_runs`` are passed in already parsed (they live on the head commit), or ``None``
    when check runs were not fetched.
    """
    milestone = node.get("milestone") or {}
    commits = nodes(node.get("commits"))
    return {
        "number": node["number"], "title": node.get("title") or "", "body": node.get("body") or "",
        "state": enum(node.get("state"), PR_STATES, "pull request state"),
        "is_draft": bool(node.get("isDraft")), "author": actor(node.get("author")),
        "created_at": node.get("createdAt"), "updated_at": node.get("updatedAt"),
        "merged_at": node.get("mergedAt"), "closed_at": node.get("closedAt"),
        "additions": node.get("additions") or 0, "deletions": node.get("deletions") or 0,
        "changed_files": node.get("changedFiles") or 0,
        "commits_count": (node.get("commits") or {}).get("totalCount", len(commits)),
        "head_ref": node.get("headRefName") or "", "base_ref": node.get("baseRefName") or "",
        "head_sha": node.get("headRefOid") or "",
        "labels": [n["name"] for n in nodes(node.get("labels"))],
        "assignees": [n["login"] for n in nodes(node.get("assignees"))],
        "milestone": milestone.get("title"),
        "linked_issues": [linked_issue(n) for n in nodes(node.get("closingIssuesReferences"))],
        "reviews": [review(n) for n in nodes(node.get("reviews"))],
        "commits": [commit(n["commit"]) for n in commits],
        "files": [changed_file(n) for n in nodes(node.get("files"))],
        "check_runs": check_runs,
        "incomplete": incomplete or {},
    }

"""Map a PR event (see ``github.parse``) to model field values. Pure: no database access.

Derived metrics are computed here from the event alone, never from the clock: a PR without
reviews has no ``first_review_at``, an unmerged one no ``cycle_time_hours``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from apps.metrics.categories import categorize_file


def when(value: str | None) -> datetime | None:
    """Parse GitHub's ISO 8601 timestamps (``Z`` suffix) into aware datetimes."""
    return datetime.fromisoformat(value) if value else None


def digest(data: dict[str, Any]) -> str:
    """A stable fingerprint of an event's content (to tell a real change from a re-fetch)."""
    return hashlib.blake2b(orjson.dumps(data, option=orjson.OPT_SORT_KEYS),
                           digest_size=16).hexdigest()


def hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def first_review_at(data: dict[str, Any]) -> datetime | None:
    """When someone other than the author first submitted a review."""
    author = (data.get("author") or {}).get("login")
    times = [when(r["submitted_at"]) for r in data.get("reviews") or []
             if r.get("submitted_at") and r.get("state") != "pending"
             and (r.get("author") or {}).get("login") != author]
    return min(times) if times else None


def pull_request_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Field values of ``PullRequest`` (without team, repo, number and author)."""
    created = when(data["created_at"])
    merged = when(data.get("merged_at"))
    reviewed = first_review_at(data)
    return {
        "title": data.get("title") or "", "body": data.get("body") or "",
        "state": data["state"], "is_draft": bool(data.get("is_draft")),
        "pr_created_at": created, "pr_updated_at": when(data["updated_at"]),
        "merged_at": merged, "closed_at": when(data.get("closed_at")),
        "additions": data.get("additions") or 0, "deletions": data.get("deletions") or 0,
        "changed_files": data.get("changed_files") or 0,
        "commits_count": data.get("commits_count") or 0,
        "head_ref": data.get("head_ref") or "", "base_ref": data.get("base_ref") or "",
        "head_sha": data.get("head_sha") or "", "labels": list(data.get("labels") or []),
        "assignees": list(data.get("assignees") or []),
        "milestone_title": data.get("milestone") or "",
        "linked_issues": list(data.get("linked_issues") or []),
        "first_review_at": reviewed, "review_time_hours": hours(created, reviewed),
        "cycle_time_hours": hours(created, merged),
    }


# Child rows are tuples in the order of these columns (what the event determines; the projector
# prepends team, pull request and member ids). Timestamps stay GitHub's ISO strings: the upsert
# layer hands them to the database as they are.
REVIEW_COLUMNS = ("github_review_id", "state", "body", "submitted_at")
COMMIT_COLUMNS = ("github_sha", "author_name", "author_email", "message", "committed_at",
                  "additions", "deletions")
FILE_COLUMNS = ("filename", "status", "additions", "deletions", "changes", "file_category")
CHECK_RUN_COLUMNS = ("github_check_run_id", "name", "status", "conclusion", "started_at",
                     "completed_at", "duration_seconds")


def review_values(review: dict[str, Any]) -> tuple:
    return (review["id"], review["state"], review.get("body") or "", review.get("submitted_at"))


def commit_values(commit: dict[str, Any]) -> tuple:
    return (commit["sha"], commit.get("author_name") or "", commit.get("author_email") or "",
            commit.get("message") or "", commit.get("committed_at"),
            commit.get("additions") or 0, commit.get("deletions") or 0)


def file_values(f: dict[str, Any]) -> tuple:
    additions, deletions = f.get("additions") or 0, f.get("deletions") or 0
    return (f["path"], f["status"], additions, deletions, additions + deletions,
            categorize_file(f["path"]))


def check_run_values(run: dict[str, Any]) -> tuple:
    started, completed = run.get("started_at"), run.get("completed_at")
    duration = None
    if started and completed:
        duration = int((when(completed) - when(started)).total_seconds())
    return (run["id"], run.get("name") or "", run["status"], run.get("conclusion"), started,
            completed, duration)


def actors(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every account a PR event mentions that becomes a team member."""
    if data.get("author"):
        yield data["author"]
    for review in data.get("reviews") or []:
        if review.get("author"):
            yield review["author"]
    for commit in data.get("commits") or []:
        if commit.get("author"):
            yield commit["author"]


def member_fields(actor: dict[str, Any]) -> dict[str, Any]:
    login = actor["login"]
    return {"github_id": actor.get("id"), "display_name": actor.get("name") or "",
            "is_bot": actor.get("type") == "Bot" or login.endswith("[bot]")}

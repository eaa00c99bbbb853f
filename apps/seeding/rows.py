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


def review_fields(review: dict[str, Any]) -> dict[str, Any]:
    return {"github_review_id": review["id"], "state": review["state"],
            "body": review.get("body") or "", "submitted_at": when(review.get("submitted_at"))}


def commit_fields(commit: dict[str, Any]) -> dict[str, Any]:
    return {"github_sha": commit["sha"], "author_name": commit.get("author_name") or "",
            "author_email": commit.get("author_email") or "",
            "message": commit.get("message") or "",
            "committed_at": when(commit.get("committed_at")),
            "additions": commit.get("additions") or 0, "deletions": commit.get("deletions") or 0}


def file_fields(f: dict[str, Any]) -> dict[str, Any]:
    additions, deletions = f.get("additions") or 0, f.get("deletions") or 0
    return {"filename": f["path"], "status": f["status"], "additions": additions,
            "deletions": deletions, "changes": additions + deletions,
            "file_category": categorize_file(f["path"])}


def check_run_fields(run: dict[str, Any]) -> dict[str, Any]:
    started, completed = when(run.get("started_at")), when(run.get("completed_at"))
    duration = int((completed - started).total_seconds()) if started and completed else None
    return {"github_check_run_id": run["id"], "name": run.get("name") or "",
            "status": run["status"], "conclusion": run.get("conclusion"),
            "started_at": started, "completed_at": completed, "duration_seconds": duration}


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

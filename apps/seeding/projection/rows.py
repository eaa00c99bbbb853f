"""Map a PR event (``apps.seeding.events``) to model field values. Pure: no database access.

Derived metrics are computed here from the event alone, never from the clock: a PR without
reviews has no ``first_review_at``, an unmerged one no ``cycle_time_hours``, a check run that
"completed" before it started no duration.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from apps.metrics.categories import categorize_file

from ..events import Actor, CheckRun, PREvent, StatusContext
from ..timestamps import parse_ts

FINAL_STATUS_STATES = frozenset({"success", "failure", "error"})


def digest(data: dict[str, Any]) -> str:
    """A stable fingerprint of an event's content (to tell a real change from a re-fetch)."""
    try:
        raw = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # lone surrogates (broken text GitHub sent as is)
        raw = json.dumps(data, sort_keys=True, ensure_ascii=True).encode()
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def first_review_at(data: PREvent) -> datetime | None:
    """When someone other than the author first submitted a review."""
    author = (data.get("author") or {}).get("login")
    times = [parse_ts(r["submitted_at"]) for r in data.get("reviews") or []
             if r.get("submitted_at") and r.get("state") != "pending"
             and (r.get("author") or {}).get("login") != author]
    return min(times) if times else None


def pull_request_fields(data: PREvent) -> dict[str, Any]:
    """Field values of ``PullRequest`` (without team, repo, number and author)."""
    created = parse_ts(data["created_at"])
    merged = parse_ts(data["merged_at"])
    reviewed = first_review_at(data)
    return {
        "title": data["title"], "body": data["body"], "state": data["state"],
        "is_draft": data["is_draft"], "pr_created_at": created,
        "pr_updated_at": parse_ts(data["updated_at"]), "merged_at": merged,
        "closed_at": parse_ts(data["closed_at"]), "additions": data["additions"],
        "deletions": data["deletions"], "changed_files": data["changed_files"],
        "commits_count": data["commits_count"], "head_ref": data["head_ref"],
        "base_ref": data["base_ref"], "head_sha": data["head_sha"],
        "labels": list(data["labels"]), "assignees": list(data["assignees"]),
        "milestone_title": data["milestone"] or "",
        "linked_issues": list(data["linked_issues"]),
        "first_review_at": reviewed, "review_time_hours": hours(created, reviewed),
        "cycle_time_hours": hours(created, merged),
        "missing_data": dict(data["unavailable"]),
    }


# Child rows are tuples in the order of these columns (what the event determines; the projector
# prepends team, pull request and member ids). Timestamps stay GitHub's ISO strings: the upsert
# layer hands them to the database as they are.
REVIEW_COLUMNS = ("github_review_id", "state", "body", "submitted_at")
COMMIT_COLUMNS = ("github_sha", "author_name", "author_email", "message", "committed_at",
                  "additions", "deletions")
FILE_COLUMNS = ("filename", "status", "additions", "deletions", "changes", "file_category")
CI_COLUMNS = ("kind", "github_check_run_id", "name", "status", "conclusion", "started_at",
              "completed_at", "duration_seconds", "description", "url")


def review_values(review: dict[str, Any]) -> tuple:
    return (review["id"], review["state"], review["body"], review["submitted_at"])


def commit_values(commit: dict[str, Any]) -> tuple:
    return (commit["sha"], commit["author_name"], commit["author_email"], commit["message"],
            commit["committed_at"], commit["additions"], commit["deletions"])


def file_values(f: dict[str, Any]) -> tuple:
    additions, deletions = f["additions"], f["deletions"]
    return (f["path"], f["status"], additions, deletions, additions + deletions,
            categorize_file(f["path"]))


def check_run_values(run: CheckRun) -> tuple:
    started, completed = run["started_at"], run["completed_at"]
    duration = None
    if started and completed:
        seconds = int((parse_ts(completed) - parse_ts(started)).total_seconds())
        duration = seconds if seconds >= 0 else None  # finished "before" it started: unknown
    return ("check_run", run["id"], run["name"], run["status"], run["conclusion"], started,
            completed, duration, "", "")


def status_values(status: StatusContext) -> tuple:
    final = status["state"] in FINAL_STATUS_STATES
    return ("status", None, status["context"], status["state"],
            status["state"] if final else None, None,
            status["created_at"] if final else None, None, status["description"],
            status["target_url"] or "")


def actors(data: PREvent) -> Iterator[Actor]:
    """Every account a PR event mentions that becomes a team member."""
    if data.get("author"):
        yield data["author"]
    for review in data.get("reviews") or []:
        if review.get("author"):
            yield review["author"]
    for commit in data.get("commits") or []:
        if commit.get("author"):
            yield commit["author"]


def member_fields(actor: Actor) -> dict[str, Any]:
    login = actor["login"]
    return {"github_id": actor.get("id"), "display_name": actor.get("name") or "",
            "is_bot": actor.get("type") == "Bot" or login.endswith("[bot]")}

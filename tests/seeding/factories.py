"""PR events as the fetcher writes them, for projector tests that need no server."""

from __future__ import annotations

import copy
from typing import Any

from apps.seeding.events import new_pr_event
from eventlog import Event, open_writer


def actor(login: str, *, id: int | None = None, kind: str = "User", name: str | None = None):
    return {"login": login, "id": id or abs(hash(login)) % 10**8, "name": name, "type": kind}


def pr_event(number: int, *, updated="2026-11-01T10:00:00Z", created="2026-10-01T09:00:00Z",
             state="open", reviews=2, commits=3, files=4, runs=5, title=None,
             author: dict | None | str = "default") -> dict[str, Any]:
    """A complete PR event with ``reviews``/``commits``/``files``/``runs`` children, ids unique
    by PR number."""
    base = number * 1000
    author = actor(f"dev{number % 7}", name=f"Dev {number % 7}") if author == "default" else author
    return new_pr_event(**{
        "number": number, "title": title or f"PR {number} 🚀", "body": "line 1\r\nline 2",
        "state": state, "is_draft": False, "author": author,
        "created_at": created, "updated_at": updated,
        "merged_at": "2026-11-01T10:00:00Z" if state == "merged" else None,
        "closed_at": "2026-11-01T10:00:00Z" if state in ("merged", "closed") else None,
        "additions": 10, "deletions": 2, "changed_files": files, "commits_count": commits,
        "head_ref": f"feature/{number}", "base_ref": "main", "head_sha": f"{base:040x}",
        "labels": ["bug"], "assignees": ["dev1"], "milestone": None,
        "linked_issues": [{"repo": "acme/web", "number": number + 10_000}],
        "reviews": [{"id": base + i, "state": "approved" if i == 0 else "commented",
                     "body": "ok", "submitted_at": "2026-10-02T09:00:00Z",
                     "author": actor(f"reviewer{i}")} for i in range(reviews)],
        "commits": [{"sha": f"{base + i:040x}", "message": f"commit {i}\n\nbody",
                     "committed_at": "2026-10-01T10:00:00Z", "additions": 1, "deletions": 1,
                     "author_name": "Dev", "author_email": "dev@example.com",
                     "author": actor(f"dev{number % 7}")} for i in range(commits)],
        "files": [{"path": f"src/file{i}.py", "status": "modified", "additions": 1,
                   "deletions": 0} for i in range(files)],
        "check_runs": [{"id": base + i, "name": f"ci-{i}", "status": "completed",
                        "conclusion": "success", "started_at": "2026-10-01T10:00:00Z",
                        "completed_at": "2026-10-01T10:05:00Z"} for i in range(runs)],
        "head_commit_id": f"C_{number}", "statuses": [],
    })


def changed(event: dict[str, Any], **fields) -> dict[str, Any]:
    new = copy.deepcopy(event)
    new.update(fields)
    return new


def write_log(log_dir, batches: list[list[dict[str, Any]]], meta=None) -> None:
    """Append each list of PR events as one committed batch."""
    with open_writer(log_dir, fsync="never") as writer:
        for events in batches:
            writer.append_batch([Event("pr", f"pr:{e['number']}", e) for e in events], meta or {})

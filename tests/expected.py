"""What the pipeline should produce for a fake-GitHub dataset, and summaries of what it did
produce (from the log or the database), in one comparable shape.

A connection GitHub does not serve (``files: null`` ...) is ``None`` in every summary: unknown,
never an empty set. CI is the head commit's: check runs by id, commit statuses by context.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.metrics.models import PullRequest
from apps.seeding.events import read_ci_event, read_pr_event
from eventlog import EventLog


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _login(actor: dict | None) -> str | None:
    return actor.get("login") if actor else None


def expected_prs(dataset: dict, repo: str, since: datetime | None = None, *,
                 check_runs: bool = True, max_prs: int | None = None,
                 max_files: int = 3000) -> dict[int, dict]:
    """PR number -> summary, for the dataset's PRs updated at or after ``since``."""
    prs = sorted(dataset["repos"][repo]["pullRequests"], key=lambda p: (p["updatedAt"],
                                                                       p["number"]), reverse=True)
    selected = [p for p in prs if since is None or _when(p["updatedAt"]) >= since]
    if max_prs is not None:
        selected = selected[:max_prs]
    return {p["number"]: _dataset_summary(p, check_runs, max_files) for p in selected}


def _dataset_summary(pr: dict[str, Any], check_runs: bool, max_files: int) -> dict[str, Any]:
    head = pr["commits"][-1]["commit"] if pr["commits"] else {}
    files = pr.get("files")
    if pr.get("filesUnavailable") or (pr.get("changedFiles") or 0) > max_files:
        files = None
    statuses = (head.get("status") or {}).get("contexts") or []
    return {
        "title": pr["title"], "state": pr["state"].lower(), "updated_at": pr["updatedAt"],
        "author": _login(pr.get("author")),
        "reviews": None if pr.get("reviews") is None else
        {int(r["fullDatabaseId"]) for r in pr["reviews"]},
        "commits": {c["commit"]["oid"] for c in pr["commits"]},
        "files": None if files is None else {f["path"] for f in files},
        "check_runs": {r["databaseId"] for s in head.get("checkSuites") or []
                       for r in s["checkRuns"]} if check_runs else None,
        "statuses": {s["context"] for s in statuses} if check_runs else None,
        "labels": sorted(label["name"] for label in pr.get("labels") or []),
    }


def log_prs(log_dir) -> dict[int, dict]:
    """PR number -> summary of the latest event of each PR in a log (CI events applied)."""
    latest: dict[int, dict] = {}
    for record in EventLog(log_dir).read():
        if record.type == "pr":
            latest[record.data["number"]] = dict(read_pr_event(record.data))
        elif record.type == "ci":
            ci = read_ci_event(record.data)
            event = latest.get(ci["number"])
            if event is not None and event["head_sha"] == ci["head_sha"]:
                event.update({k: ci[k] for k in ("check_runs", "statuses") if ci[k] is not None})
    return {n: _event_summary(d) for n, d in latest.items()}


def _ids(items, key):
    return None if items is None else {item[key] for item in items}


def _event_summary(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": d["title"], "state": d["state"], "updated_at": d["updated_at"],
        "author": _login(d.get("author")), "reviews": _ids(d["reviews"], "id"),
        "commits": _ids(d["commits"], "sha"), "files": _ids(d["files"], "path"),
        "check_runs": _ids(d["check_runs"], "id"), "statuses": _ids(d["statuses"], "context"),
        "labels": sorted(d["labels"]),
    }


def db_prs(team, repo: str) -> dict[int, dict]:
    """PR number -> summary of the rows in the database."""
    out = {}
    for pr in PullRequest.objects.filter(team=team, github_repo=repo).select_related("author") \
            .prefetch_related("reviews", "commits", "files", "check_runs"):
        missing = pr.missing_data or {}
        ci = list(pr.check_runs.all())
        out[pr.github_pr_id] = {
            "title": pr.title, "state": pr.state,
            "updated_at": pr.pr_updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "author": pr.author.github_login if pr.author else None,
            "reviews": None if "reviews" in missing and not pr.reviews.all() else
            {r.github_review_id for r in pr.reviews.all()},
            "commits": {c.github_sha for c in pr.commits.all()},
            "files": None if "files" in missing and not pr.files.all() else
            {f.filename for f in pr.files.all()},
            "check_runs": None if "check_runs" in missing else
            {r.github_check_run_id for r in ci if r.kind == "check_run"},
            "statuses": None if "statuses" in missing else
            {r.name for r in ci if r.kind == "status"},
            "labels": sorted(pr.labels),
        }
    return out

"""What the pipeline should produce for a fake-GitHub dataset, and summaries of what it did
produce (from the log or the database), in one comparable shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.metrics.models import PullRequest
from eventlog import EventLog


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _login(actor: dict | None) -> str | None:
    return actor.get("login") if actor else None


def expected_prs(dataset: dict, repo: str, since: datetime | None = None, *,
                 check_runs: bool = True, max_prs: int | None = None) -> dict[int, dict]:
    """PR number -> summary, for the dataset's PRs updated at or after ``since``."""
    prs = sorted(dataset["repos"][repo]["pullRequests"], key=lambda p: (p["updatedAt"],
                                                                       p["number"]), reverse=True)
    selected = [p for p in prs if since is None or _when(p["updatedAt"]) >= since]
    if max_prs is not None:
        selected = selected[:max_prs]
    return {p["number"]: _dataset_summary(p, check_runs) for p in selected}


def _dataset_summary(pr: dict[str, Any], check_runs: bool) -> dict[str, Any]:
    runs = {r["databaseId"] for c in pr["commits"] for s in c["commit"].get("checkSuites") or []
            for r in s["checkRuns"]}
    return {
        "title": pr["title"], "state": pr["state"].lower(), "updated_at": pr["updatedAt"],
        "author": _login(pr.get("author")),
        "reviews": {int(r["fullDatabaseId"]) for r in pr.get("reviews") or []},
        "commits": {c["commit"]["oid"] for c in pr["commits"]},
        "files": {f["path"] for f in pr.get("files") or []},
        "check_runs": runs if check_runs else None,
        "labels": sorted(label["name"] for label in pr.get("labels") or []),
    }


def log_prs(log_dir) -> dict[int, dict]:
    """PR number -> summary of the latest event of each PR in a log."""
    latest: dict[int, dict] = {}
    for record in EventLog(log_dir).read():
        if record.type == "pr":
            latest[record.data["number"]] = record.data
    return {n: _event_summary(d) for n, d in latest.items()}


def _event_summary(d: dict[str, Any]) -> dict[str, Any]:
    runs = d.get("check_runs")
    return {
        "title": d["title"], "state": d["state"], "updated_at": d["updated_at"],
        "author": _login(d.get("author")),
        "reviews": {r["id"] for r in d["reviews"]}, "commits": {c["sha"] for c in d["commits"]},
        "files": {f["path"] for f in d["files"]},
        "check_runs": None if runs is None else {r["id"] for r in runs},
        "labels": sorted(d["labels"]),
    }


def db_prs(team, repo: str) -> dict[int, dict]:
    """PR number -> summary of the rows in the database."""
    out = {}
    for pr in PullRequest.objects.filter(team=team, github_repo=repo).select_related("author") \
            .prefetch_related("reviews", "commits", "files", "check_runs"):
        out[pr.github_pr_id] = {
            "title": pr.title, "state": pr.state,
            "updated_at": pr.pr_updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "author": pr.author.github_login if pr.author else None,
            "reviews": {r.github_review_id for r in pr.reviews.all()},
            "commits": {c.github_sha for c in pr.commits.all()},
            "files": {f.filename for f in pr.files.all()},
            "check_runs": {r.github_check_run_id for r in pr.check_runs.all()},
            "labels": sorted(pr.labels),
        }
    return out

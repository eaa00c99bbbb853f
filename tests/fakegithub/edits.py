"""Change a dataset the way GitHub would while a client is paging through it.

Every helper here bumps the PR's ``updatedAt`` (never backwards), so with ``UPDATED_AT DESC``
ordering the PR jumps to the front, exactly like on api.github.com. (CI results do *not* move
``updatedAt``: see ``ci_edits``.) Use them through ``FakeGitHub.mutate`` /
``FakeGitHub.on_request`` / ``FakeGitHub.during_request`` when the dataset is being served.
"""

from __future__ import annotations

from datetime import datetime

from .editbase import (
    bump,
    commit_copies,
    default_user,
    find_pr,
    max_id,
    repo_data,
)
from .ids import git_oid, node_id
from .textgen import split_message
from .timeutil import git_timestamp, iso

__all__ = ["add_commit", "add_pr", "add_review", "delete_pr", "find_pr",
           "make_files_unavailable", "rename_repo", "touch_pr"]


def touch_pr(dataset: dict, repo: str, number: int, now: datetime, **changes: object) -> dict:
    """Apply ``changes`` (camelCase PR fields) and bump ``updatedAt``; return the PR.

    Changing ``state`` fills the matching ``mergedAt``/``closedAt`` unless given explicitly.
    """
    pr = find_pr(dataset, repo, number)
    pr.update(changes)
    stamp = bump(pr, now)
    if "state" in changes:
        _apply_state(pr, changes, stamp)
    return pr


def _apply_state(pr: dict, changes: dict, stamp: str) -> None:
    state = pr["state"]
    defaults = {"OPEN": (None, None), "CLOSED": (None, stamp), "MERGED": (stamp, stamp)}[state]
    for key, value in zip(("mergedAt", "closedAt"), defaults, strict=True):
        if key not in changes:
            pr[key] = value
    if state == "MERGED":
        pr["isDraft"] = False


def add_review(dataset: dict, repo: str, number: int, now: datetime, *, state: str = "APPROVED",
               author: dict | None = None, body: str = "") -> dict:
    """Append a review (fresh ids) to PR ``number`` and bump its ``updatedAt``."""
    pr = find_pr(dataset, repo, number)
    database_id = max_id(dataset, "review") + 1
    review = {
        "id": node_id("PullRequestReview", repo_data(dataset, repo)["databaseId"], database_id),
        "databaseId": database_id, "fullDatabaseId": str(database_id), "state": state,
        "body": body, "submittedAt": None if state == "PENDING" else iso(now),
        "author": author if author is not None else default_user(dataset),
    }
    if pr.get("reviews") is None:
        pr["reviews"] = []
    pr["reviews"].append(review)
    bump(pr, now)
    return review


def new_commit(repo_db: int, pr: dict, now: datetime, message: str, author: dict) -> dict:
    """A fresh commit dict (no CI yet) authored by ``author`` at ``now``."""
    oid = git_oid(repo_db, pr["number"], iso(now), len(pr["commits"]), message)
    headline, body = split_message(message)
    return {
        "id": node_id("Commit", repo_db, oid), "oid": oid, "message": message,
        "messageHeadline": headline, "messageBody": body, "committedDate": iso(now),
        "authoredDate": iso(now), "additions": 1, "deletions": 0,
        "author": {"name": author.get("name") or author["login"],
                   "email": f"{author['login']}@users.noreply.github.com",
                   "date": git_timestamp(now, 0), "user": author},
        "checkSuites": [], "status": None,
    }


def commit_item(repo_db: int, pr: dict, commit: dict) -> dict:
    """The ``PullRequestCommit`` listing ``commit`` in ``pr`` (its id differs per PR)."""
    pr_db = int(pr["fullDatabaseId"])
    return {"id": node_id("PullRequestCommit", repo_db, pr_db, commit["oid"]), "commit": commit}


def add_commit(dataset: dict, repo: str, number: int, now: datetime, *,
               message: str = "Address review comments", check_runs: int = 1) -> dict:
    """Push a commit to PR ``number``'s branch; return its ``PullRequestCommit`` item.

    Every PR of the repository whose head is the same commit (the same branch opened against
    several bases) gets the commit too. Each such PR's ``headRefOid`` and ``updatedAt`` move;
    check suites of the old commits are dropped (they move to the new head, which gets one
    in-progress suite with ``check_runs`` runs), except on commits that are still the head
    of another PR.
    """
    pr = find_pr(dataset, repo, number)
    data = repo_data(dataset, repo)
    movers = [p for p in data["pullRequests"] if p["headRefOid"] == pr["headRefOid"]]
    staying = {p["headRefOid"] for p in data["pullRequests"] if p not in movers}
    commit = new_commit(data["databaseId"], pr, now, message, default_user(dataset))
    if check_runs:
        commit["checkSuites"] = [new_suite(dataset, data["databaseId"], now, check_runs)]
    for old in {item["commit"]["oid"] for item in pr["commits"]} - staying:
        for copy in commit_copies(dataset, repo, old):
            copy["checkSuites"] = []
    items = {id(p): commit_item(data["databaseId"], p, commit) for p in movers}
    for mover in movers:
        mover["commits"].append(items[id(mover)])
        mover["headRefOid"] = commit["oid"]
        bump(mover, now)
    return items[id(pr)]


def new_suite(dataset: dict, repo_db: int, now: datetime, runs: int,
              app: dict | None = None) -> dict:
    """An in-progress check suite with ``runs`` in-progress runs and fresh ids."""
    suite_db = max_id(dataset, "suite") + 1
    first_run = max_id(dataset, "run") + 1
    return {
        "id": node_id("CheckSuite", repo_db, suite_db), "databaseId": suite_db,
        "status": "IN_PROGRESS", "conclusion": None,
        "app": dict(app or {"name": "GitHub Actions", "slug": "github-actions"}),
        "checkRuns": [{
            "id": node_id("CheckRun", repo_db, first_run + i), "databaseId": first_run + i,
            "name": f"build-{i}", "status": "IN_PROGRESS", "conclusion": None,
            "startedAt": iso(now), "completedAt": None, "detailsUrl": None,
        } for i in range(runs)],
    }


def add_pr(dataset: dict, repo: str, now: datetime, **fields: object) -> dict:
    """Open a new PR with the next number (one commit, one file); ``fields`` override."""
    data = repo_data(dataset, repo)
    number = max((pr["number"] for pr in data["pullRequests"]), default=0) + 1
    pr_db = max_id(dataset, "pr") + 1
    author = default_user(dataset)
    stamp = iso(now)
    pr = {
        "number": number, "id": node_id("PullRequest", data["databaseId"], pr_db),
        "fullDatabaseId": str(pr_db), "title": f"New pull request {number}", "body": "",
        "state": "OPEN", "isDraft": False, "createdAt": stamp, "updatedAt": stamp,
        "mergedAt": None, "closedAt": None, "additions": 1, "deletions": 0, "changedFiles": 1,
        "headRefName": f"feature/new-{number}", "baseRefName": "main", "author": author,
        "labels": [], "assignees": [], "milestone": None, "closingIssuesReferences": [],
        "reviews": [], "commits": [],
        "files": [{"path": "README.md", "additions": 1, "deletions": 0,
                   "changeType": "MODIFIED"}],
    }
    commit = new_commit(data["databaseId"], pr, now, f"Start change {number}", author)
    pr["commits"].append(commit_item(data["databaseId"], pr, commit))
    pr["headRefOid"] = commit["oid"]
    pr.update(fields)
    data["pullRequests"].append(pr)
    return pr


def make_files_unavailable(dataset: dict, repo: str, number: int, *,
                           changed_files: int | None = None) -> dict:
    """Make PR ``number`` answer ``files: null`` (no error) as GitHub does for PRs too big to
    list: sets ``filesUnavailable`` and, if given, ``changedFiles``. ``changedFiles`` keeps
    reporting the count; ``updatedAt`` does not move. Return the PR."""
    pr = find_pr(dataset, repo, number)
    pr["filesUnavailable"] = True
    if changed_files is not None:
        pr["changedFiles"] = changed_files
    return pr


def delete_pr(dataset: dict, repo: str, number: int) -> dict:
    """Remove PR ``number`` (GitHub deletes spam/abuse PRs); return it. Its node ids, and the
    ids of commits only it listed, resolve to NOT_FOUND afterwards."""
    pr = find_pr(dataset, repo, number)
    repo_data(dataset, repo)["pullRequests"].remove(pr)
    return pr


def rename_repo(dataset: dict, old: str, new: str) -> dict:
    """Rename (or transfer) repository ``old`` to ``new`` like GitHub: ids stay, the old name
    keeps resolving (``followRenames``), ``nameWithOwner`` answers the new name. Return it."""
    data = dataset["repos"].pop(old) if old in dataset["repos"] else repo_data(dataset, old)
    dataset["repos"][new] = data
    renames = dataset.setdefault("renames", {})
    for former, target in list(renames.items()):
        if target.lower() == old.lower():
            renames[former] = new
    if old.lower() != new.lower():
        renames[old] = new
    renames.pop(new, None)
    for pr in (p for r in dataset["repos"].values() for p in r["pullRequests"]):
        for issue in pr.get("closingIssuesReferences") or ():
            repository = issue.get("repository") or {}
            if (repository.get("nameWithOwner") or "").lower() == old.lower():
                repository["nameWithOwner"] = new
    return data

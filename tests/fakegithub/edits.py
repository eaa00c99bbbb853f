"""Change a dataset the way GitHub would while a client is paging through it.

Every helper bumps the PR's ``updatedAt`` (never backwards), so with ``UPDATED_AT DESC``
ordering the PR jumps to the front, exactly like on api.github.com. Use them through
``FakeGitHub.mutate`` / ``FakeGitHub.on_request`` when the dataset is being served.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from .ids import git_oid, node_id
from .people import user
from .textgen import split_message
from .timeutil import git_timestamp, iso, parse_iso, utc


def _repo(dataset: dict, repo: str) -> dict:
    try:
        return dataset["repos"][repo]
    except KeyError:
        raise KeyError(f"no repository {repo!r} in dataset") from None


def find_pr(dataset: dict, repo: str, number: int) -> dict:
    """The PR ``number`` of ``repo``; ``KeyError`` if absent."""
    for pr in _repo(dataset, repo)["pullRequests"]:
        if pr["number"] == number:
            return pr
    raise KeyError(f"no pull request #{number} in {repo}")


def _bump(pr: dict, now: datetime) -> str:
    """Set ``updatedAt`` to ``now`` (at least one second after the previous value)."""
    moment = max(utc(now), parse_iso(pr["updatedAt"]) + timedelta(seconds=1))
    pr["updatedAt"] = iso(moment)
    return pr["updatedAt"]


def touch_pr(dataset: dict, repo: str, number: int, now: datetime, **changes: object) -> dict:
    """Apply ``changes`` (camelCase PR fields) and bump ``updatedAt``; return the PR.

    Changing ``state`` fills the matching ``mergedAt``/``closedAt`` unless given explicitly.
    """
    pr = find_pr(dataset, repo, number)
    pr.update(changes)
    stamp = _bump(pr, now)
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


def _all_prs(dataset: dict) -> Iterator[dict]:
    for repo in dataset["repos"].values():
        yield from repo["pullRequests"]


def _max_id(dataset: dict, kind: str) -> int:
    values = [0]
    for pr in _all_prs(dataset):
        if kind == "pr":
            values.append(int(pr["fullDatabaseId"]))
        elif kind == "review":
            values += [r["databaseId"] for r in pr.get("reviews") or ()]
        else:
            for item in pr["commits"]:
                for suite in item["commit"].get("checkSuites", []):
                    values += [suite["databaseId"]] if kind == "suite" else \
                        [run["databaseId"] for run in suite["checkRuns"]]
    return max(values)


def _default_user(dataset: dict) -> dict:
    for pr in _all_prs(dataset):
        author = pr.get("author")
        if author and author.get("__typename") == "User":
            return author
    return user("octocat", 583231, "The Octocat")


def add_review(dataset: dict, repo: str, number: int, now: datetime, *, state: str = "APPROVED",
               author: dict | None = None, body: str = "") -> dict:
    """Append a review (fresh ids) to PR ``number`` and bump its ``updatedAt``."""
    pr = find_pr(dataset, repo, number)
    database_id = _max_id(dataset, "review") + 1
    review = {
        "id": node_id("PullRequestReview", dataset["repos"][repo]["databaseId"], database_id),
        "databaseId": database_id, "fullDatabaseId": str(database_id), "state": state,
        "body": body, "submittedAt": None if state == "PENDING" else iso(now),
        "author": author if author is not None else _default_user(dataset),
    }
    if pr.get("reviews") is None:
        pr["reviews"] = []
    pr["reviews"].append(review)
    _bump(pr, now)
    return review


def _commit_item(repo_db: int, pr: dict, now: datetime, message: str, author: dict) -> dict:
    oid = git_oid(repo_db, pr["number"], iso(now), len(pr["commits"]), message)
    headline, body = split_message(message)
    commit = {
        "id": node_id("Commit", repo_db, oid), "oid": oid, "message": message,
        "messageHeadline": headline, "messageBody": body, "committedDate": iso(now),
        "authoredDate": iso(now), "additions": 1, "deletions": 0,
        "author": {"name": author.get("name") or author["login"],
                   "email": f"{author['login']}@users.noreply.github.com",
                   "date": git_timestamp(now, 0), "user": author},
        "checkSuites": [],
    }
    pr_db = int(pr["fullDatabaseId"])
    return {"id": node_id("PullRequestCommit", repo_db, pr_db, oid), "commit": commit}


def add_commit(dataset: dict, repo: str, number: int, now: datetime, *,
               message: str = "Address review comments", check_runs: int = 1) -> dict:
    """Push a commit to PR ``number``: new head (suites move to it), bumps ``updatedAt``."""
    pr = find_pr(dataset, repo, number)
    repo_db = dataset["repos"][repo]["databaseId"]
    item = _commit_item(repo_db, pr, now, message, _default_user(dataset))
    for old in pr["commits"]:
        old["commit"]["checkSuites"] = []
    if check_runs:
        item["commit"]["checkSuites"] = [_suite(dataset, repo_db, now, check_runs)]
    pr["commits"].append(item)
    pr["headRefOid"] = item["commit"]["oid"]
    _bump(pr, now)
    return item


def _suite(dataset: dict, repo_db: int, now: datetime, runs: int) -> dict:
    suite_db = _max_id(dataset, "suite") + 1
    first_run = _max_id(dataset, "run") + 1
    return {
        "id": node_id("CheckSuite", repo_db, suite_db), "databaseId": suite_db,
        "status": "IN_PROGRESS", "conclusion": None,
        "app": {"name": "GitHub Actions", "slug": "github-actions"},
        "checkRuns": [{
            "id": node_id("CheckRun", repo_db, first_run + i), "databaseId": first_run + i,
            "name": f"build-{i}", "status": "IN_PROGRESS", "conclusion": None,
            "startedAt": iso(now), "completedAt": None, "detailsUrl": None,
        } for i in range(runs)],
    }


def add_pr(dataset: dict, repo: str, now: datetime, **fields: object) -> dict:
    """Open a new PR with the next number (one commit, one file); ``fields`` override."""
    data = _repo(dataset, repo)
    number = max((pr["number"] for pr in data["pullRequests"]), default=0) + 1
    pr_db = _max_id(dataset, "pr") + 1
    author = _default_user(dataset)
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
    item = _commit_item(data["databaseId"], pr, now, f"Start change {number}", author)
    pr["commits"].append(item)
    pr["headRefOid"] = item["commit"]["oid"]
    pr.update(fields)
    data["pullRequests"].append(pr)
    return pr

"""Consistency rules every dataset must obey (generated or hand-edited); used by tests."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .timeutil import parse_iso

INT32_MAX = 2**31 - 1
OID = re.compile(r"^[0-9a-f]{40}$")
ENUMS = {
    "pr": {"OPEN", "CLOSED", "MERGED"},
    "review": {"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"},
    "file": {"ADDED", "CHANGED", "COPIED", "DELETED", "MODIFIED", "RENAMED"},
    "status": {"COMPLETED", "IN_PROGRESS", "PENDING", "QUEUED", "REQUESTED", "WAITING"},
    "conclusion": {"ACTION_REQUIRED", "CANCELLED", "FAILURE", "NEUTRAL", "SKIPPED", "STALE",
                   "STARTUP_FAILURE", "SUCCESS", "TIMED_OUT"},
}


def check_dataset(dataset: dict) -> list[str]:
    """Every violated rule, as human-readable strings (empty when the dataset is sound)."""
    problems: list[str] = []
    node_ids: Counter = Counter()
    database_ids: Counter = Counter()
    for repo, pr in _prs(dataset):
        where = f"{repo}#{pr['number']}"
        problems += [f"{where}: {p}" for p in _pr_problems(pr)]
        node_ids.update(_node_ids(pr))
        database_ids.update(_database_ids(pr))
    problems += [f"duplicate node id {i}" for i, n in node_ids.items() if n > 1]
    problems += [f"duplicate id {i}" for i, n in database_ids.items() if n > 1]
    return problems


def _prs(dataset: dict) -> Iterator[tuple[str, dict]]:
    for key, repo in dataset["repos"].items():
        numbers = Counter(pr["number"] for pr in repo["pullRequests"])
        for number, n in numbers.items():
            if n > 1:
                raise ValueError(f"{key}: PR number {number} used {n} times")
        for pr in repo["pullRequests"]:
            yield key, pr


def _node_ids(pr: dict) -> Iterator[str]:
    yield pr["id"]
    yield from (review["id"] for review in pr.get("reviews") or ())
    for item in pr["commits"]:
        yield item["id"]
        yield item["commit"]["id"]
        for suite in item["commit"].get("checkSuites", []):
            yield suite["id"]
            yield from (run["id"] for run in suite["checkRuns"])


def _database_ids(pr: dict) -> Iterator[tuple[str, object]]:
    yield "pr", pr["fullDatabaseId"]
    yield from (("review", review["databaseId"]) for review in pr.get("reviews") or ())
    for item in pr["commits"]:
        yield "oid", item["commit"]["oid"]
        for suite in item["commit"].get("checkSuites", []):
            yield "suite", suite["databaseId"]
            yield from (("run", run["databaseId"]) for run in suite["checkRuns"])


def _pr_problems(pr: dict) -> list[str]:
    checks = (_state_problems, _count_problems, _commit_problems, _review_problems,
              _check_problems)
    return [problem for check in checks for problem in check(pr)]


def _state_problems(pr: dict) -> Iterator[str]:
    if pr["state"] not in ENUMS["pr"]:
        yield f"bad state {pr['state']}"
    created, updated = parse_iso(pr["createdAt"]), parse_iso(pr["updatedAt"])
    if created > updated:
        yield "createdAt after updatedAt"
    merged, closed = pr.get("mergedAt"), pr.get("closedAt")
    expected = {"OPEN": (False, False), "CLOSED": (False, True), "MERGED": (True, True)}
    if (merged is not None, closed is not None) != expected.get(pr["state"]):
        yield f"state {pr['state']} with mergedAt={merged} closedAt={closed}"
    if closed and not created <= parse_iso(closed) <= updated:
        yield "closedAt outside createdAt..updatedAt"
    if pr["state"] == "MERGED" and pr["isDraft"]:
        yield "merged draft"


def _count_problems(pr: dict) -> Iterator[str]:
    files = pr.get("files")
    if files is None:
        return
    if pr["changedFiles"] != len(files):
        yield "changedFiles differs from files"
    if pr["additions"] != sum(f["additions"] for f in files):
        yield "additions differ from files"
    if pr["deletions"] != sum(f["deletions"] for f in files):
        yield "deletions differ from files"
    if len({f["path"] for f in files}) != len(files):
        yield "duplicate file path"
    yield from (f"bad changeType {f['changeType']}" for f in files
                if f["changeType"] not in ENUMS["file"])


def _commit_problems(pr: dict) -> Iterator[str]:
    commits = pr["commits"]
    if not commits:
        yield "no commits"
        return
    if commits[-1]["commit"]["oid"] != pr["headRefOid"]:
        yield "headRefOid is not the last commit"
    for item in commits[:-1]:
        if item["commit"].get("checkSuites"):
            yield f"non-head commit {item['commit']['oid']} has check suites"
    yield from (f"bad oid {i['commit']['oid']}" for i in commits
                if not OID.match(i["commit"]["oid"]))


def _review_problems(pr: dict) -> Iterator[str]:
    for review in pr.get("reviews") or ():
        if review["state"] not in ENUMS["review"]:
            yield f"bad review state {review['state']}"
        if (review["submittedAt"] is None) != (review["state"] == "PENDING"):
            yield f"review {review['databaseId']}: submittedAt vs PENDING mismatch"
        database_id = review["databaseId"]
        if database_id > INT32_MAX or review["fullDatabaseId"] != str(database_id):
            yield f"review {review['databaseId']}: bad database ids"
        if review["submittedAt"] and parse_iso(review["submittedAt"]) > parse_iso(pr["updatedAt"]):
            yield f"review {review['databaseId']} submitted after PR updatedAt"


def _check_problems(pr: dict) -> Iterator[str]:
    for item in pr["commits"]:
        for suite in item["commit"].get("checkSuites", []):
            yield from _suite_problems(suite)


def _suite_problems(suite: dict) -> Iterator[str]:
    if suite["status"] not in ENUMS["status"] or suite["databaseId"] > INT32_MAX:
        yield f"suite {suite['databaseId']}: bad status or id"
    for run in suite["checkRuns"]:
        done = run["status"] == "COMPLETED"
        if run["status"] not in ENUMS["status"] or run["databaseId"] > INT32_MAX:
            yield f"run {run['databaseId']}: bad status or id"
        if (run["conclusion"] is not None) != done or (run["completedAt"] is not None) != done:
            yield f"run {run['databaseId']}: conclusion/completedAt vs status mismatch"
        if run["conclusion"] is not None and run["conclusion"] not in ENUMS["conclusion"]:
            yield f"run {run['databaseId']}: bad conclusion {run['conclusion']}"

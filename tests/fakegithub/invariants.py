"""Consistency rules every dataset must obey (generated or hand-edited); used by tests.

Shared commits (``sharing.py``) are one object listed by several PRs of a repository: commit
oids are unique per repository *object*, so a commit may appear in several PRs' lists as long
as every copy is identical; node and database ids are counted once per distinct object.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping

from .cistate import combined_state
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
    "state": {"ERROR", "EXPECTED", "FAILURE", "PENDING", "SUCCESS"},
}
ENUM_NAMES = {"PullRequestState": "pr", "PullRequestReviewState": "review",
              "PatchStatus": "file", "CheckStatusState": "status",
              "CheckConclusionState": "conclusion", "StatusState": "state"}


def check_dataset(dataset: dict, extra_enum_values: Mapping[str, list[str]] | None = None
                  ) -> list[str]:
    """Every violated rule, as human-readable strings (empty when the dataset is sound).

    ``extra_enum_values`` (GraphQL enum name -> values, as given to ``FakeGitHub``) are
    accepted on top of GitHub's.
    """
    enums = {kind: set(values) for kind, values in ENUMS.items()}
    for name, values in (extra_enum_values or {}).items():
        enums[ENUM_NAMES[name]].update(values)
    problems: list[str] = []
    node_ids: Counter = Counter()
    database_ids: Counter = Counter()
    for key, repo in dataset["repos"].items():
        commits = _distinct_commits(key, repo, problems)
        for pr in repo["pullRequests"]:
            where = f"{key}#{pr['number']}"
            problems += [f"{where}: {p}" for p in _pr_problems(pr, enums)]
            node_ids.update(_pr_node_ids(pr))
            database_ids.update(_pr_database_ids(pr))
        for commit in commits.values():
            problems += [f"{key}@{commit['oid'][:7]}: {p}" for p in _ci_problems(commit, enums)]
            node_ids.update(_commit_node_ids(commit))
            database_ids.update(_commit_database_ids(commit))
    problems += [f"duplicate node id {i}" for i, n in node_ids.items() if n > 1]
    problems += [f"duplicate id {i}" for i, n in database_ids.items() if n > 1]
    return problems


def _distinct_commits(key: str, repo: dict, problems: list[str]) -> dict[str, dict]:
    """One commit per oid of the repository; copies that differ are reported."""
    numbers = Counter(pr["number"] for pr in repo["pullRequests"])
    for number, n in numbers.items():
        if n > 1:
            raise ValueError(f"{key}: PR number {number} used {n} times")
    commits: dict[str, dict] = {}
    for pr in repo["pullRequests"]:
        for item in pr["commits"]:
            commit = item["commit"]
            first = commits.setdefault(commit["oid"], commit)
            if first is not commit and _canonical(first) != _canonical(commit):
                problems.append(f"{key}#{pr['number']}: commit {commit['oid'][:7]} differs "
                                "from its copy in another PR")
    return commits


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


def _pr_node_ids(pr: dict) -> Iterator[str]:
    yield pr["id"]
    yield from (review["id"] for review in pr.get("reviews") or ())
    yield from (item["id"] for item in pr["commits"])


def _commit_node_ids(commit: dict) -> Iterator[str]:
    yield commit["id"]
    for suite in commit.get("checkSuites") or []:
        yield suite["id"]
        yield from (run["id"] for run in suite["checkRuns"])
    yield from (c["id"] for c in (commit.get("status") or {}).get("contexts", ()))


def _pr_database_ids(pr: dict) -> Iterator[tuple[str, object]]:
    yield "pr", pr["fullDatabaseId"]
    yield from (("review", review["fullDatabaseId"]) for review in pr.get("reviews") or ())


def _commit_database_ids(commit: dict) -> Iterator[tuple[str, object]]:
    for suite in commit.get("checkSuites") or []:
        yield "suite", suite["databaseId"]
        yield from (("run", run["databaseId"]) for run in suite["checkRuns"])


def _pr_problems(pr: dict, enums: dict) -> list[str]:
    checks = (_state_problems, _count_problems, _commit_problems, _review_problems)
    return [problem for check in checks for problem in check(pr, enums)]


def _state_problems(pr: dict, enums: dict) -> Iterator[str]:
    if pr["state"] not in enums["pr"]:
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


def _count_problems(pr: dict, enums: dict) -> Iterator[str]:
    files = pr.get("files")
    if files is None or pr.get("filesUnavailable"):
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
                if f["changeType"] not in enums["file"])


def _commit_problems(pr: dict, enums: dict) -> Iterator[str]:
    commits = pr["commits"]
    if not commits:
        yield "no commits"
        return
    if commits[-1]["commit"]["oid"] != pr["headRefOid"]:
        yield "headRefOid is not the last commit"
    oids = [item["commit"]["oid"] for item in commits]
    if len(set(oids)) != len(oids):
        yield "a commit is listed twice"
    yield from (f"bad oid {oid}" for oid in oids if not OID.match(oid))


def _review_problems(pr: dict, enums: dict) -> Iterator[str]:
    for review in pr.get("reviews") or ():
        label = f"review {review['fullDatabaseId']}"
        if review["state"] not in enums["review"]:
            yield f"bad review state {review['state']}"
        if review["state"] == "PENDING" and review["submittedAt"] is not None:
            yield f"{label}: PENDING with a submittedAt"
        yield from _review_id_problems(review, label)
        if review["submittedAt"] and parse_iso(review["submittedAt"]) > parse_iso(pr["updatedAt"]):
            yield f"{label} submitted after PR updatedAt"


def _review_id_problems(review: dict, label: str) -> Iterator[str]:
    database_id, full = review.get("databaseId"), int(review["fullDatabaseId"])
    if database_id is None:
        if full <= INT32_MAX:
            yield f"{label}: databaseId null although it fits an Int"
    elif database_id > INT32_MAX or full != database_id:
        yield f"{label}: bad database ids"


def _ci_problems(commit: dict, enums: dict) -> Iterator[str]:
    for suite in commit.get("checkSuites") or []:
        yield from _suite_problems(suite, enums)
    status = commit.get("status")
    if status is not None:
        yield from _status_problems(status, enums)


def _suite_problems(suite: dict, enums: dict) -> Iterator[str]:
    if suite["status"] not in enums["status"] or suite["databaseId"] > INT32_MAX:
        yield f"suite {suite['databaseId']}: bad status or id"
    for run in suite["checkRuns"]:
        done = run["status"] == "COMPLETED"
        if run["status"] not in enums["status"] or run["databaseId"] > INT32_MAX:
            yield f"run {run['databaseId']}: bad status or id"
        if (run["conclusion"] is not None) != done or (run["completedAt"] and not done):
            yield f"run {run['databaseId']}: conclusion/completedAt vs status mismatch"
        if run["conclusion"] is not None and run["conclusion"] not in enums["conclusion"]:
            yield f"run {run['databaseId']}: bad conclusion {run['conclusion']}"


def _status_problems(status: dict, enums: dict) -> Iterator[str]:
    states = [context["state"] for context in status["contexts"]]
    for context in status["contexts"]:
        if context["state"] not in enums["state"]:
            yield f"status context {context['context']!r}: bad state {context['state']}"
        parse_iso(context["createdAt"])
    if not states or status["state"] != combined_state(states):
        yield f"combined status {status['state']} does not match its contexts"

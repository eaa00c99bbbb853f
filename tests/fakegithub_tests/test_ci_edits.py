"""The fake's CI edits and shared commits: checks finishing or starting without ``updatedAt``
moving, commits shared by stacked, same-head and merge-back PRs, and the invariants on them."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from tests.fakegithub import (
    FakeGitHub,
    add_commit,
    finish_checks,
    generate_dataset,
    make_pull_request,
    merge_back,
    share_head,
    stack_prs,
    start_checks,
)
from tests.fakegithub.cistate import rollup_state
from tests.fakegithub.editbase import find_pr
from tests.fakegithub.invariants import check_dataset
from tests.fakegithub_tests.ci_support import HEAD, NOW, REPO, head_of, one_repo, served

# --- CI finishing or starting without updatedAt moving ----------------------------------------


def test_finish_checks_completes_ci_without_moving_updated_at():
    pr = make_pull_request(1, state="OPEN", runs=[3, 1], statuses=2)
    head = head_of(pr)
    for run in head["checkSuites"][0]["checkRuns"]:
        run.update(status="IN_PROGRESS", conclusion=None, completedAt=None)
    for context in head["status"]["contexts"]:
        context["state"] = "EXPECTED"
    dataset = one_repo(pr)
    updated = pr["updatedAt"]
    done = finish_checks(dataset, REPO, 1, conclusion="SUCCESS", now=NOW + timedelta(hours=1))
    assert done == {"runs": 3, "statuses": 2}
    assert pr["updatedAt"] == updated
    runs = [run for suite in head["checkSuites"] for run in suite["checkRuns"]]
    assert all(run["status"] == "COMPLETED" for run in runs)
    assert {run["completedAt"] for run in runs[:3]} == {"2026-01-02T04:04:05Z"}
    assert head["checkSuites"][0]["status"] == "COMPLETED"
    assert head["status"]["state"] == "SUCCESS"
    assert check_dataset(dataset) == []
    assert finish_checks(dataset, REPO, 1, now=NOW) == {"runs": 0, "statuses": 0}


def test_start_checks_then_a_failing_finish():
    pr = make_pull_request(1, state="OPEN", runs=1, statuses=1)
    dataset = one_repo(pr)
    updated = pr["updatedAt"]
    head = start_checks(dataset, REPO, 1, runs=2, statuses=1, now=NOW)
    assert head["checkSuites"][-1]["status"] == "IN_PROGRESS"
    assert head["status"]["state"] in ("PENDING", "FAILURE", "ERROR")
    assert rollup_state(head) in ("PENDING", "FAILURE", "ERROR")
    assert check_dataset(dataset) == []
    finish_checks(dataset, REPO, 1, conclusion="TIMED_OUT", now=NOW)
    assert head["checkSuites"][-1]["conclusion"] == "TIMED_OUT"
    assert head["status"]["contexts"][-1]["state"] == "FAILURE"
    assert pr["updatedAt"] == updated and check_dataset(dataset) == []


# --- shared commits ---------------------------------------------------------------------------


@pytest.fixture
def shared() -> dict:
    prs = [make_pull_request(n, state="OPEN", commits=2, runs=2, statuses=1) for n in range(1, 8)]
    dataset = one_repo(*prs)
    stack_prs(dataset, REPO, 1, 2)
    share_head(dataset, REPO, 3, 4)
    merge_back(dataset, REPO, 7, [5, 6])
    return dataset


def test_shared_commits_are_one_object_listed_by_both_prs(shared):
    assert check_dataset(shared) == []
    a, b = find_pr(shared, REPO, 1), find_pr(shared, REPO, 2)
    assert [i["commit"]["oid"] for i in b["commits"][:2]] == [i["commit"]["oid"]
                                                              for i in a["commits"]]
    assert b["commits"][0]["commit"] is a["commits"][0]["commit"]
    assert b["commits"][0]["id"] != a["commits"][0]["id"]
    back = find_pr(shared, REPO, 7)
    assert len(back["commits"]) == 6 and back["baseRefName"] == "main"
    selection = HEAD.replace("commits(last: 1)", "commits(first: 10)")
    with FakeGitHub(json.loads(json.dumps(shared))) as gh:
        three, four = served(gh, 3, selection), served(gh, 4, selection)
    assert three["headRefOid"] == four["headRefOid"]
    commits3, commits4 = three["commits"]["nodes"], four["commits"]["nodes"]
    assert [n["commit"] for n in commits3] == [n["commit"] for n in commits4]
    assert {n["id"] for n in commits3}.isdisjoint(n["id"] for n in commits4)


def test_edits_reach_every_pr_listing_a_shared_commit(shared):
    copied = json.loads(json.dumps(shared))  # copies instead of one object: same behaviour
    for dataset in (shared, copied):
        for run in head_of(find_pr(dataset, REPO, 4))["checkSuites"][0]["checkRuns"]:
            run.update(status="QUEUED", conclusion=None, completedAt=None)
        finish_checks(dataset, REPO, 3, conclusion="FAILURE", now=NOW)
        suite = head_of(find_pr(dataset, REPO, 4))["checkSuites"][0]
        assert suite["conclusion"] == "FAILURE"
        item = add_commit(dataset, REPO, 4, NOW + timedelta(hours=1))
        three, four = find_pr(dataset, REPO, 3), find_pr(dataset, REPO, 4)
        assert three["headRefOid"] == four["headRefOid"] == item["commit"]["oid"]
        assert three["updatedAt"] == four["updatedAt"]
        add_commit(dataset, REPO, 1, NOW + timedelta(hours=2))
        assert find_pr(dataset, REPO, 2)["headRefOid"] != find_pr(dataset, REPO, 1)["headRefOid"]
        assert check_dataset(dataset) == []


def test_invariants_catch_diverging_copies_and_repeated_commits(shared):
    copied = json.loads(json.dumps(shared))
    head_of(find_pr(copied, REPO, 4))["message"] = "changed in one copy only"
    assert any("differs from its copy" in p for p in check_dataset(copied))
    broken = copy.deepcopy(shared)
    pr = find_pr(broken, REPO, 5)
    pr["commits"].insert(0, copy.deepcopy(pr["commits"][0]))
    assert "acme/web#5: a commit is listed twice" in check_dataset(broken)


def test_generator_plants_shared_commits():
    dataset = generate_dataset({REPO: 40}, seed=4, now=NOW, shared=1, ci="both")
    assert check_dataset(dataset) == []
    prs = dataset["repos"][REPO]["pullRequests"]
    oids = [item["commit"]["oid"] for pr in prs for item in pr["commits"]]
    assert len(oids) > len(set(oids))
    heads = [pr["headRefOid"] for pr in prs]
    assert len(heads) == len(set(heads)) + 1
    assert any(pr["title"] == "Merge release/1.x into main" for pr in prs)

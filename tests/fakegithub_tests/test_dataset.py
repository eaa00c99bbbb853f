"""Tests of the fake GitHub dataset generator and the helpers that mutate datasets."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakegithub.dataset import (
    add_commit,
    add_pr,
    add_review,
    generate_dataset,
    load_dataset,
    save_dataset,
    touch_pr,
)
from tests.fakegithub.invariants import check_dataset
from tests.fakegithub.timeutil import parse_iso

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPOS = {"acme/web": 300, "acme/api": 120}


@pytest.fixture(scope="module")
def dataset() -> dict:
    return generate_dataset(REPOS, seed=11, now=NOW, ci="both")


@pytest.fixture(scope="module")
def prs(dataset) -> list[dict]:
    return [pr for repo in dataset["repos"].values() for pr in repo["pullRequests"]]


def _runs(pr: dict) -> list[dict]:
    return [run for suite in pr["commits"][-1]["commit"]["checkSuites"]
            for run in suite["checkRuns"]]


def test_deterministic_for_a_seed():
    first = generate_dataset({"o/r": 40}, seed=5, now=NOW)
    assert json.dumps(first) == json.dumps(generate_dataset({"o/r": 40}, seed=5, now=NOW))
    assert json.dumps(first) != json.dumps(generate_dataset({"o/r": 40}, seed=6, now=NOW))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_invariants_hold(seed):
    dataset = generate_dataset({"a/b": 150, "a/c": 60, "d/e": 0}, seed=seed, now=NOW, huge=2)
    assert check_dataset(dataset) == []
    assert dataset["repos"]["d/e"]["pullRequests"] == []


def test_invariants_hold_for_the_module_dataset(dataset):
    assert check_dataset(dataset) == []
    assert [len(r["pullRequests"]) for r in dataset["repos"].values()] == [300, 120]


def test_median_sizes(prs):
    def median(values):
        return statistics.median(values)

    assert 3 <= median([len(pr["files"]) for pr in prs if pr["files"] is not None]) <= 5
    assert 2 <= median([len(pr["commits"]) for pr in prs]) <= 4
    assert 1 <= median([len(pr["reviews"]) for pr in prs if pr["reviews"] is not None]) <= 3
    assert 4 <= median([len(_runs(pr)) for pr in prs]) <= 6


def test_time_spread(prs):
    ages = [(NOW - parse_iso(pr["updatedAt"])).days for pr in prs]
    assert max(ages) <= 365 and min(ages) >= 0
    assert sum(age > 180 for age in ages) > len(prs) // 10
    assert sum(age < 30 for age in ages) > len(prs) // 10
    assert all(pr["createdAt"] <= pr["updatedAt"] for pr in prs)


def test_state_mix_and_drafts(prs):
    states = Counter(pr["state"] for pr in prs)
    assert states["MERGED"] > states["CLOSED"] > 0 and states["OPEN"] > 0
    assert any(pr["isDraft"] for pr in prs if pr["state"] == "OPEN")
    assert not any(pr["isDraft"] for pr in prs if pr["state"] == "MERGED")


def test_awkward_real_world_shapes(prs):
    authors = Counter((pr["author"] or {}).get("__typename") for pr in prs)
    assert authors[None] and authors["Bot"] and authors["Mannequin"] and authors["User"]
    bot_logins = {pr["author"]["login"] for pr in prs if (pr["author"] or {}).get("__typename")
                  == "Bot"}
    assert "dependabot" in bot_logins
    commits = [item["commit"] for pr in prs for item in pr["commits"]]
    assert any(c["author"] and c["author"]["user"] is None for c in commits)
    assert any("\n" in c["message"] and c["messageBody"] for c in commits)
    assert any("\r\n" in pr["body"] for pr in prs)
    assert any(not pr["body"] for pr in prs)
    assert any(not text.isascii() for pr in prs for text in (pr["title"], pr["body"]))
    assert any(any(ord(ch) > 0xFFFF for ch in pr["title"] + pr["body"]) for pr in prs)
    reviews = [r for pr in prs for r in pr["reviews"] or ()]
    assert any(r["state"] == "PENDING" and r["submittedAt"] is None for r in reviews)
    assert any(r["author"] is None for r in reviews)
    runs = [run for pr in prs for run in _runs(pr)]
    assert any(run["status"] != "COMPLETED" and run["conclusion"] is None for run in runs)
    assert any(pr["labels"] and pr["assignees"] and pr["milestone"] for pr in prs)
    assert any(pr["closingIssuesReferences"] for pr in prs)


def test_huge_prs_need_nested_pagination(prs):
    huge = [pr for pr in prs if pr["files"] is not None and len(pr["files"]) > 100]
    assert len(huge) == len(REPOS)
    for pr in huge:
        assert len(pr["commits"]) > 100 and len(pr["reviews"]) > 100
        assert max(len(suite["checkRuns"])
                   for suite in pr["commits"][-1]["commit"]["checkSuites"]) > 100
        assert 20 < len(pr["labels"]) <= 100


def test_touch_pr_bumps_updated_at_and_sets_state_timestamps():
    dataset = generate_dataset({"o/r": 10}, seed=1, now=NOW, huge=0)
    pr = next(p for p in dataset["repos"]["o/r"]["pullRequests"] if p["state"] == "OPEN")
    later = NOW + timedelta(hours=1)
    touched = touch_pr(dataset, "o/r", pr["number"], later, state="MERGED", title="Done ✅")
    assert touched["updatedAt"] == "2026-01-02T04:04:05Z"
    assert touched["mergedAt"] == touched["closedAt"] == touched["updatedAt"]
    assert touched["title"] == "Done ✅" and touched["isDraft"] is False
    again = touch_pr(dataset, "o/r", pr["number"], NOW)  # never moves backwards
    assert again["updatedAt"] == "2026-01-02T04:04:06Z"
    assert check_dataset(dataset) == []


def test_add_review_add_commit_and_add_pr_keep_ids_unique():
    dataset = generate_dataset({"o/r": 10, "o/s": 3}, seed=2, now=NOW, huge=0)
    later = NOW + timedelta(minutes=5)
    number = dataset["repos"]["o/r"]["pullRequests"][0]["number"]
    review = add_review(dataset, "o/r", number, later, state="CHANGES_REQUESTED", body="Nope")
    pending = add_review(dataset, "o/r", number, later, state="PENDING")
    assert pending["submittedAt"] is None and pending["databaseId"] == review["databaseId"] + 1
    item = add_commit(dataset, "o/r", number, later, check_runs=2)
    pr = dataset["repos"]["o/r"]["pullRequests"][0]
    assert pr["headRefOid"] == item["commit"]["oid"]
    assert len(item["commit"]["checkSuites"][0]["checkRuns"]) == 2
    new = add_pr(dataset, "o/s", later, title="Brand new", isDraft=True)
    assert new["number"] == max(p["number"] for p in dataset["repos"]["o/s"]["pullRequests"])
    assert new["title"] == "Brand new" and new["isDraft"] is True
    assert check_dataset(dataset) == []


def test_save_and_load_round_trip(tmp_path, dataset):
    path = tmp_path / "dataset.json"
    save_dataset(dataset, path)
    assert load_dataset(path) == dataset
    (tmp_path / "bad.json").write_text("[1, 2]")
    with pytest.raises(ValueError):
        load_dataset(tmp_path / "bad.json")

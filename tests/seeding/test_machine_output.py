"""Machine-readable runs (``--json``) and planning before spending (``--plan``)."""

from __future__ import annotations

import copy
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from apps.seeding.json_reporter import EVENTS
from tests.fakegithub import FakeGitHub, generate_dataset

NOW = datetime.now(UTC).replace(microsecond=0)
ALICE, BOB = "ghp_PlanAlice" + "0" * 27, "ghp_PlanBob" + "0" * 29


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"acme/web": 70, "acme/api": 20}, seed=4, now=NOW, days=120,
                            huge=0, nulls=False)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_real_projects", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_json_output_is_one_documented_event_per_line_ending_with_a_summary(
        dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
        monkeypatch.setenv("GITHUB_TOKEN", ALICE)
        gh.faults.fail_next(1, "secondary")
        gh.faults.set_retry_after(1)
        out = run("--repo", "acme/web", "--repo", "acme/api", "--days-back", "120",
                  "--page-size", "10", "--json", "--jobs", "1")
    events = [json.loads(line) for line in out.splitlines()]
    assert all(e["event"] in EVENTS and "time" in e for e in events)
    kinds = [e["event"] for e in events]
    assert kinds[-1] == "summary" and events[-1]["exit_code"] == 0
    assert kinds.count("repo_done") == 2 and "page_committed" in kinds and "wait" in kinds
    done = {e["repo"]: e for e in events if e["event"] == "repo_done"}
    assert done["acme/web"]["ok"] and done["acme/web"]["projection"]["created"] > 0
    assert out.isascii()


@pytest.mark.django_db
def test_json_outputs_work_on_an_empty_cache(cache_dir, quiet_env):
    assert json.loads(run("--status", "--json")) == []
    assert json.loads(run("--repo", "acme/web", "--cache-info", "--json"))[0]["exists"] is False
    listed = json.loads(run("--list-projects", "--json"))
    assert len(listed) == 102 and {"key", "repos", "industry"} <= set(listed[0])


@pytest.mark.django_db(transaction=True)
def test_plan_says_what_a_run_would_do_and_costs_and_each_users_budget(
        dataset, monkeypatch, quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None,
                    tokens={ALICE: "alice", BOB: "bob"}) as gh:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
        monkeypatch.setenv("GITHUB_SEEDING_TOKENS", f"{ALICE},{BOB}")
        run("--repo", "acme/web", "--days-back", "120")
        gh.reset_stats()
        plan = json.loads(run("--repo", "acme/web", "--repo", "acme/api", "--days-back", "120",
                              "--plan", "--json"))
        text = run("--repo", "acme/web", "--repo", "acme/api", "--days-back", "120", "--plan")
        shapes = set(gh.stats.by_shape)
    actions = {r["repo"]: r for r in plan["repos"]}
    assert actions["acme/web"]["action"] == "nothing" and actions["acme/web"]["requests"] == 0
    api = actions["acme/api"]
    assert api["action"] == "full" and api["prs"] == 20 and api["prs_at_most"]
    assert api["requests"] >= 1 and api["points"] >= 1
    assert {u["user"] for u in plan["budgets"]} == {"alice", "bob"}
    assert "acme/api (team acme): full, at most 20 PRs" in text and "budget of alice" in text
    assert not any("pullRequests+" in s for s in shapes)  # no PR was fetched to plan

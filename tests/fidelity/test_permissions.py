"""A fine-grained token without the Checks / Commit statuses permission (issue 10, item 1):
GitHub answers every CI field FORBIDDEN (a partial error beside usable data). The run degrades
once per repository, loudly, and finishes with exit 0 and everything else fetched."""

from datetime import timedelta

import pytest

from apps.metrics.models import PRCheckRun, PullRequest
from apps.teams.models import Team
from tests.expected import db_prs, expected_prs
from tests.fakegithub import generate_dataset

from .support import NOW, TOKEN, records, repo_args, seed, state_of

pytestmark = pytest.mark.django_db(transaction=True)
REPOS = ("acme/web", "acme/api")
DATA = generate_dataset({"acme/web": 40, "acme/api": 25}, seed=11, now=NOW, days=90)
WINDOW = ["--days-back", "90", "--page-size", "10"]
NO_CI = {TOKEN: {"checks": False, "statuses": False}}
ADVICE = "give the token read access to Checks and Commit statuses"


def test_a_token_without_ci_permission_fetches_every_pr_and_exits_0(serve, cache_dir):
    serve(DATA, token_permissions=NO_CI)
    run = seed(*repo_args(*REPOS), *WINDOW)
    assert run.code == 0, run.output
    team, since = Team.objects.get(slug="acme"), NOW - timedelta(days=90)
    for repo in REPOS:  # reviews, commits, files all there; CI unknown, never "none"
        assert db_prs(team, repo) == expected_prs(DATA, repo, since, check_runs=False)
    assert not PRCheckRun.objects.exists()
    assert all({"check_runs", "statuses"} <= set(pr.missing_data)
               for pr in PullRequest.objects.all())


def test_the_missing_permission_is_named_once_per_repo_with_the_fix(serve, cache_dir):
    serve(DATA, token_permissions=NO_CI)
    out = seed(*repo_args(*REPOS), *WINDOW).output
    for repo in REPOS:
        lines = [line for line in out.splitlines()
                 if line.startswith(f"{repo}: warning: the token may not read")]
        assert len(lines) == 2, out  # once as it happens, once in the summary
        assert ADVICE in lines[-1] and "--no-check-runs" in lines[-1]
        assert "check runs and commit statuses" in lines[-1]


def test_the_log_records_ci_unavailable_for_that_pass(serve, cache_dir):
    serve(DATA, token_permissions=NO_CI)
    seed(*repo_args(*REPOS), *WINDOW)
    for repo in REPOS:
        done = [p for p in records(cache_dir / repo, "pass") if p["status"] == "complete"]
        assert set(done[-1]["ci_denied"]) == {"check_runs", "statuses"}
        assert set(state_of(cache_dir / repo).last_pass["ci_denied"]) == \
            {"check_runs", "statuses"}
        events = records(cache_dir / repo, "pr")
        assert events
        for event in events:
            assert event["check_runs"] is None and event["statuses"] is None
            assert {event["unavailable"][k]["reason"] for k in ("check_runs", "statuses")} \
                == {"forbidden"}
        # a permission gap is not an incomplete PR: nothing is fetched again for it
        assert not any("forbidden" in entry["missing"].values()
                       for entry in state_of(cache_dir / repo).incomplete.values())


def test_it_costs_at_most_one_request_per_repo_more_than_no_check_runs(serve, tmp_path):
    denied = serve(DATA, token_permissions=NO_CI)
    assert seed(*repo_args(*REPOS), *WINDOW, "--cache-dir", str(tmp_path / "a")).code == 0
    plain = serve(DATA)
    assert seed(*repo_args(*REPOS), *WINDOW, "--cache-dir", str(tmp_path / "b"),
                "--team", "other", "--no-check-runs").code == 0
    assert plain.stats.total <= denied.stats.total <= plain.stats.total + len(REPOS)
    asked_ci = [r for r in denied.stats.records if "checkSuites" in r["query"]]
    assert len(asked_ci) <= len(REPOS)  # one page per repo asks, then CI is left out


def test_a_token_that_may_read_checks_but_not_statuses_keeps_its_check_runs(serve, cache_dir):
    serve(DATA, token_permissions={TOKEN: {"checks": True, "statuses": False}})
    run = seed("--repo", "acme/web", *WINDOW)
    assert run.code == 0 and "commit statuses" in run.output and ADVICE in run.output
    expected = expected_prs(DATA, "acme/web", NOW - timedelta(days=90))
    got = db_prs(Team.objects.get(slug="acme"), "acme/web")
    assert {n: p["check_runs"] for n, p in got.items()} == \
        {n: p["check_runs"] for n, p in expected.items()}
    assert all(p["statuses"] is None for p in got.values())
    assert not PRCheckRun.objects.filter(kind="status").exists()

"""Scenario 3: rate limits. The primary budget runs out (GitHub's two error shapes, and tokens
running dry by their headers), secondary limits arrive with ``retry-after`` (at 403 and at 200),
and one of three tokens is rejected (401)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from apps.metrics.models import PullRequest
from eventlog import EventLog
from tests.fakegithub import FakeGitHub, FaultPlan, generate_dataset
from tests.fakegithub.ids import short_hash

from .support import (
    TOKEN,
    assert_failed_cleanly,
    assert_succeeded,
    chaos_env,
    day_start,
    since_arg,
)
from .support_state import (
    assert_database_matches,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "limits/web"
SINCE_DAY = (NOW - timedelta(days=200)).date()
ARGS = ["--repo", REPO, *since_arg(SINCE_DAY), "--page-size", "10"]
SECOND = "ghp_ChaosSecond" + "GoodToken" + "0" * 15 + "2"  # fake, split so no scanner flags it
REJECTED = "ghp_ChaosRevokedToken" + "0" * 18 + "3"


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 80}, seed=13, now=NOW, days=150, huge=1)


def summary_row(stdout: str, repo: str) -> dict[str, str]:
    """The repo's row of the end-of-run summary table, by column name."""
    lines = stdout.splitlines()
    header = next(line.split() for line in lines if line.split()[:2] == ["repo", "team"])
    row = next(line.split() for line in lines if line.split()[:1] == [repo])
    return dict(zip(header, row, strict=True))


def last_pass_stats(cache_dir) -> dict:
    passes = [r for r in EventLog(cache_dir / REPO).read() if r.type == "pass"]
    assert passes[-1].data["status"] == "complete"
    return passes[-1].data["stats"]


def assert_rested_after_secondary_limits(records, seconds: float) -> None:
    """A token that hit a secondary limit sent nothing until ``retry-after`` had passed."""
    limited = [(r["token"], r["time"]) for r in records
               if r["fault"] in ("secondary", "secondary_200")]
    assert limited
    for token, at in limited:
        too_soon = [r for r in records if r["token"] == token and at < r["time"] < at + seconds]
        assert not too_soon, f"token used {too_soon[0]['time'] - at:.2f} s after its limit"


def test_exhausted_budgets_secondary_limits_and_a_revoked_token_still_complete(
        dataset, runner, process_env, cache_dir):
    """With a revoked token first in line, two good tokens with a tiny budget (3 points per
    2 s), both primary-limit shapes and both secondary-limit shapes: the run completes with the
    good tokens, reports its waits, and the database equals the dataset."""
    runner.secrets |= {SECOND, REJECTED}
    plan = FaultPlan(retry_after=1, rate_limit_style="alternate")
    for kind in ("secondary", "rate_limited", "secondary_200", "rate_limited"):
        plan.fail_next(1, kind)
    with FakeGitHub(copy.deepcopy(dataset), tokens=[TOKEN, SECOND], rate_limit=3,
                    window_seconds=2, faults=plan, secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url, GITHUB_SEEDING_TOKENS=f"{REJECTED},{TOKEN},{SECOND}")
        result = runner.seed(*ARGS, env=env)
        stats = gh.stats
    assert_succeeded(result)
    counters = last_pass_stats(cache_dir)
    assert counters["secondary_limits"] == 2 and counters["rate_limit_waits"] >= 1
    assert counters["rejected_tokens"] == 1 and counters["token_switches"] >= 1
    assert result.stdout.count("(secondary rate limit)") == counters["secondary_waits"]
    assert result.stdout.count("s (rate limit)") == counters["rate_limit_waits"]
    assert int(summary_row(result.stdout, REPO)["waits"]) == \
        counters["waits"] + counters["retries"]
    assert_rested_after_secondary_limits(stats.records, seconds=1)
    errors = {e for r in stats.records for e in r["errors"]}
    assert {"RATE_LIMITED", "RATE_LIMIT"} <= errors  # both shapes were served
    assert stats.by_status[401] == 1  # the revoked token: tried once, then dropped for the run
    assert stats.by_token[short_hash(TOKEN)] and stats.by_token[short_hash(SECOND)]
    assert_database_matches(gh.dataset, "limits", [REPO], day_start(SINCE_DAY))


def test_with_every_token_rejected_the_run_fails_with_a_clear_message(
        dataset, runner, process_env, cache_dir):
    """All tokens revoked: exit 1, the message names the variable to fix, no token printed, no
    row written, the failure recorded in the log."""
    other = "ghp_ChaosOtherRevoked" + "0" * 18 + "4"
    runner.secrets |= {REJECTED, other}
    with FakeGitHub(copy.deepcopy(dataset), tokens=[TOKEN],
                    secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url, GITHUB_SEEDING_TOKENS=f"{REJECTED},{other}")
        result = runner.seed(*ARGS, env=env)
        assert gh.stats.total == 2
    assert_failed_cleanly(result, "GitHub rejected every token (401 Bad credentials)",
                          "GITHUB_TOKEN", code=1)
    assert not PullRequest.objects.exists()
    failed = [r for r in EventLog(cache_dir / REPO).read()
              if r.type == "pass" and r.data["status"] == "failed"]
    assert failed and "rejected every token" in failed[-1].data["error"]

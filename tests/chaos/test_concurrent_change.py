"""Scenario 2: pull requests change on GitHub while a pass pages through them.

GitHub orders PRs by ``updatedAt``, so a PR edited during a pass jumps to the front: if it was
already fetched, the log holds its old version; if not, the pass never reaches it. Either way
its ``updatedAt`` is after the moment the pass started, which is exactly what the next
``--update`` fetches.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta

import pytest

from apps.seeding.fetch.state import FetchState
from apps.teams.models import Team
from eventlog import EventLog
from tests.expected import db_prs, expected_prs, log_prs
from tests.fakegithub import FakeGitHub, add_commit, add_pr, add_review, generate_dataset, touch_pr

from .support import (
    assert_succeeded,
    chaos_env,
    day_start,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    pr_event_counts,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "live/web"
SINCE_DAY = (NOW - timedelta(days=250)).date()
SINCE = day_start(SINCE_DAY)
ARGS = ["--repo", REPO, *since_arg(SINCE_DAY), "--page-size", "5"]


@pytest.fixture(scope="module")
def dataset():
    # Generated as of ten minutes ago: only the edits below are newer than a pass's start.
    return generate_dataset({REPO: 200}, seed=9, now=NOW - timedelta(minutes=10), days=200,
                            huge=1)


def numbers_by_age(dataset) -> list[int]:
    prs = sorted(dataset["repos"][REPO]["pullRequests"], key=lambda p: p["updatedAt"])
    return [p["number"] for p in prs]


def huge_pr(dataset) -> int:
    return max(dataset["repos"][REPO]["pullRequests"], key=lambda p: len(p["files"] or ()))[
        "number"]


def schedule_edits(gh, rng: random.Random, requests: range, changed: set[int]) -> None:
    """Edit the dataset just before the given requests: old PRs (not fetched yet), the newest
    (already fetched), the PR needing nested pagination, and brand new PRs."""
    by_age = numbers_by_age(gh.dataset)
    old, new, huge = by_age[: len(by_age) // 2], by_age[-15:], huge_pr(gh.dataset)

    def edit(kind: str, number: int):
        def apply(d) -> None:
            now = datetime.now(UTC)
            if kind == "new":
                changed.add(add_pr(d, REPO, now, title="Opened during the pass")["number"])
                return
            changed.add(number)
            if kind == "review":
                add_review(d, REPO, number, now, state="CHANGES_REQUESTED")
            elif kind == "commit":
                add_commit(d, REPO, number, now, check_runs=2)
            else:
                touch_pr(d, REPO, number, now, title=f"Edited during the pass ({kind})",
                         state=rng.choice(["OPEN", "CLOSED", "MERGED"]))
        return apply

    for n in requests:
        kind = rng.choice(["touch-old", "touch-new", "review", "commit", "new", "huge"])
        number = {"touch-old": rng.choice(old), "touch-new": rng.choice(new),
                  "huge": huge}.get(kind, rng.choice(old + new))
        gh.on_request(n, edit(kind if kind != "huge" else "review", number))


def test_prs_edited_and_opened_during_a_pass_are_all_caught_by_the_next_update(
        dataset, runner, process_env, cache_dir):
    """While a pass runs, PRs are edited (title, state, new reviews, new commits with their
    check runs, the big PR's nested connections) and opened. After the next ``--update`` the
    database equals the server, and that update fetched exactly the PRs that changed. Edits
    during an update are caught the same way by the following one."""
    rng = random.Random(42)
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        changed: set[int] = set()
        schedule_edits(gh, rng, range(2, 40, 3), changed)
        assert_succeeded(runner.seed(*ARGS, env=env))
        team = Team.objects.get(slug="live")
        assert db_prs(team, REPO) != expected_prs(gh.dataset, REPO, SINCE)  # the pass missed some
        logged = sum(pr_event_counts(cache_dir / REPO).values())
        retried = set(FetchState.from_meta(EventLog(cache_dir / REPO).last_commit().meta)
                      .retry_due()) - changed  # incomplete PRs: fetched again once

        assert_succeeded(runner.seed(*ARGS, "--update", env=env))
        assert sum(pr_event_counts(cache_dir / REPO).values()) - logged == \
            len(changed) + len(retried)
        assert_database_matches(gh.dataset, "live", [REPO], SINCE)

        schedule_edits(gh, rng, range(gh.stats.total + 1, gh.stats.total + 3), set())
        assert_succeeded(runner.seed(*ARGS, "--update", env=env))
        assert_succeeded(runner.seed(*ARGS, "--update", env=env))
        assert_database_matches(gh.dataset, "live", [REPO], SINCE)
        assert log_prs(cache_dir / REPO) == expected_prs(gh.dataset, REPO, SINCE)
        titles = {pr["title"] for pr in expected_prs(gh.dataset, REPO, SINCE).values()}
    assert "Opened during the pass" in titles

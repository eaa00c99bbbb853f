"""Scenario 5, logs that lost records the database already has (a deleted log directory, the
second half of a segment cut): the next run fetches them again and projects every change."""

from __future__ import annotations

import copy
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from apps.metrics.models import PRCheckRun
from tests.fakegithub import FakeGitHub, touch_pr

from .support import assert_succeeded, chaos_env, day_start
from .support_disk import (
    ARGS,
    REPO,
    SINCE_DAY,
    disk_dataset,
    middle_line,
    project,
    segments,
)
from .support_state import assert_database_matches, assert_log_matches

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def dataset():
    return disk_dataset()


# -- logs that lost records the database already has -------------------------------------------


def oldest_run(dataset) -> tuple[int, dict]:
    """The oldest PR with a check run, and that run (its event is near the end of the log)."""
    prs = sorted(dataset["repos"][REPO]["pullRequests"], key=lambda p: p["updatedAt"])
    for pr in prs:
        runs = [r for s in pr["commits"][-1]["commit"].get("checkSuites") or []
                for r in s["checkRuns"]]
        if runs:
            return pr["number"], runs[0]
    raise AssertionError("no check run in the dataset")


def lose_the_directory(gh, log_dir: Path) -> None:
    """The cache directory is deleted, and meanwhile a PR is renamed on GitHub."""
    shutil.rmtree(log_dir)
    number = gh.dataset["repos"][REPO]["pullRequests"][0]["number"]
    gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC), title="Renamed meanwhile"))


def lose_the_second_half(gh, log_dir: Path) -> None:
    """The active segment loses its second half, and meanwhile a check run of an old PR
    finishes (which does not change the PR's ``updatedAt`` on GitHub)."""
    active = segments(log_dir)[-1]
    os.truncate(active, middle_line(active).offset)
    _, run = oldest_run(gh.dataset)
    gh.mutate(lambda d: run.update(status="COMPLETED", conclusion="CANCELLED",
                                   completedAt=run["startedAt"]))


@pytest.mark.parametrize("lose", [lose_the_directory, lose_the_second_half],
                         ids=["deleted log directory", "second half of the log lost"])
def test_a_log_that_lost_projected_records_is_fetched_again_and_every_change_projected(
        lose, pristine, dataset, runner, process_env, cache_dir):
    """The database is ahead of a log that lost records (a deleted directory, a cut file, a
    crash without fsync): the next run fetches them again at reused seqs, and every row is
    checked against the new events, so what changed meanwhile is projected, not skipped."""
    project(pristine["single"], cache_dir)
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        lose(gh, cache_dir / REPO)
        result = runner.seed(*ARGS, env=chaos_env(process_env, gh.url))
        served_dataset = gh.dataset
    assert_succeeded(result)
    since = day_start(SINCE_DAY)
    assert_database_matches(served_dataset, "disk", [REPO], since)
    assert_log_matches(served_dataset, cache_dir, [REPO], since)
    _, run = oldest_run(served_dataset)
    row = PRCheckRun.objects.get(github_check_run_id=run["databaseId"])
    assert (row.status, row.conclusion) == (run["status"].lower(),
                                           (run["conclusion"] or "").lower() or None)
    assert "records were lost; every row of disk/web is checked again" in result.stdout

"""Pending CI is re-polled (issue 10, item 5): CI running when its PR was fetched, finished
later without the PR's ``updatedAt`` moving (``finish_checks``). A plain run keeps what it has;
``--update`` fetches the CI of every unfinished head commit again, 50 commits per request, until
it is final or the PR has been closed for more than 3 days."""

import math
from datetime import timedelta

import pytest

from apps.metrics.models import PRCheckRun
from apps.seeding.fetch.ci_repoll import CLOSED_GRACE, IDS_PER_REQUEST, pending_ci
from eventlog import EventLog
from tests.fakegithub import finish_checks, generate_dataset, start_checks

from .support import NOW, records, seed_ok, shapes

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "acme/web"
ARGS = ["--repo", REPO, "--days-back", "90"]
CI_SHAPE = "nodes+viewer"


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dataset():
    """~60 open PRs with CI running, one PR closed a day ago and one closed 10 days ago, both
    with CI still running."""
    data = generate_dataset({REPO: 250}, seed=31, now=NOW, days=60, nulls=False, ci="both")
    prs = data["repos"][REPO]["pullRequests"]
    closed = [p for p in prs if p["state"] == "CLOSED"]
    for pr, days in zip(closed, (1, 10), strict=False):
        when = stamp(NOW - timedelta(days=days))
        pr.update(closedAt=when, updatedAt=when)
    running = [p["number"] for p in prs if p["state"] == "OPEN"] + \
        [closed[0]["number"], closed[1]["number"]]
    for number in running:
        start_checks(data, REPO, number, runs=2, statuses=1, now=NOW - timedelta(hours=1))
    return data, running, closed[0]["number"], closed[1]["number"]


def unfinished(number=None):
    rows = PRCheckRun.objects.filter(pull_request__github_repo=REPO)
    if number is not None:
        rows = rows.filter(pull_request__github_pr_id=number)
    return rows.filter(kind="check_run").exclude(status="completed").count() + \
        rows.filter(kind="status", status__in=("pending", "expected")).count()


def head_id(data, number):
    pr = next(p for p in data["repos"][REPO]["pullRequests"] if p["number"] == number)
    return pr["commits"][-1]["commit"]["id"]


@pytest.fixture
def ci(serve):
    data, running, recent, old = dataset()
    gh = serve(data)
    seed_ok(*ARGS)
    assert unfinished() >= 3 * len(running)
    gh.mutate(lambda d: [finish_checks(d, REPO, n, now=NOW) for n in running])
    gh.reset_stats()
    return gh, running, recent, old


def test_a_plain_run_keeps_ci_in_progress_and_asks_nothing(ci):
    gh, running, _, _ = ci
    seed_ok(*ARGS)
    assert gh.stats.total == 0
    assert unfinished() >= 3 * len(running)


def test_update_refetches_pending_ci_by_commit_id_and_stores_the_final_conclusions(ci):
    gh, running, recent, old = ci
    seed_ok(*ARGS, "--update")
    assert shapes(gh).count("pullRequests+viewer") == 1  # nothing changed on the PRs
    polled = [i for r in gh.stats.records if r["shape"] == CI_SHAPE
              for i in r["variables"]["ids"]]
    assert head_id(gh.dataset, recent) in polled
    assert head_id(gh.dataset, old) not in polled  # closed for more than CLOSED_GRACE
    assert timedelta(days=3) == CLOSED_GRACE
    for number in running:
        if number != old:
            assert unfinished(number) == 0, number
    assert unfinished(old) == 3
    done = PRCheckRun.objects.filter(pull_request__github_pr_id__in=running, kind="check_run")
    assert set(done.exclude(pull_request__github_pr_id=old).values_list(
        "conclusion", flat=True)) >= {"success"}


def test_the_log_gets_one_ci_event_per_polled_pr_and_no_pr_event(ci, cache_dir):
    gh, running, recent, old = ci
    before = len(records(cache_dir / REPO, "pr"))
    seed_ok(*ARGS, "--update")
    # the update pass re-reads what changed since its watermark (minus the safety margin)
    again = {e["number"] for e in records(cache_dir / REPO, "pr")[before:]}
    assert len(again) <= 2
    polled = {e["number"] for e in records(cache_dir / REPO, "ci")}
    assert polled | again >= set(running) - {old} and not polled & again
    assert old not in polled | again


def test_the_re_poll_costs_one_request_per_50_pending_commits(ci, cache_dir):
    gh, running, _, _ = ci
    due = pending_ci(EventLog(cache_dir / REPO), NOW)
    assert len(due) > IDS_PER_REQUEST == 50
    seed_ok(*ARGS, "--update")
    assert shapes(gh).count(CI_SHAPE) == math.ceil(len(due) / IDS_PER_REQUEST) == 2
    assert all(len(r["variables"]["ids"]) <= 50 for r in gh.stats.records
               if r["shape"] == CI_SHAPE)
    gh.reset_stats()
    seed_ok(*ARGS, "--update")  # everything final now (the old PR is not polled)
    assert shapes(gh) == ["pullRequests+viewer"]

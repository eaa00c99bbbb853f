"""Scenario 1, the kill loop: SIGKILL ``seed_real_projects`` at random moments until it finishes.

Three repositories, 1,500 PRs by default (one per repository needs nested pagination: 250 files,
130 commits, 105 reviews, a 120-run check suite), pages of 10, 10% injected transient faults,
fsync on (the default), the real command as a real process. Each round restarts the same command
and kills it when a randomly chosen trigger fires: after the fake GitHub answered N more
requests, after the logs grew by N bytes (just after a page commit), after a random delay
(sometimes during start-up), or shortly after the projection started writing. The moments come
from a seeded ``random.Random``, so a failure names a reproducible schedule.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Count, Sum

from apps.seeding.fetch.fetcher import Fetcher
from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool
from apps.seeding.fetch.state import FetchRequest, FetchState
from apps.seeding.models import AppliedOffset
from eventlog import EventLog, open_writer, verify
from tests.fakegithub import FakeGitHub, generate_dataset

from .support import (
    PAGE_SHAPE,
    TOKEN,
    TRANSIENT_FAULTS,
    NoShrinkFaults,
    assert_succeeded,
    chaos_env,
    day_start,
    pages_of,
    repo_args,
    served,
    since_arg,
    successful,
)
from .support_state import assert_database_matches, assert_log_matches, log_bytes

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
# The size knobs: CHAOS_KILLS (kills, at least) and CHAOS_KILL_PRS (PRs over the three repos).
TOTAL_PRS = int(os.environ.get("CHAOS_KILL_PRS", "1500"))
SIZES = {"chaos/web": TOTAL_PRS // 2, "chaos/api": TOTAL_PRS // 3,
         "chaos/docs": TOTAL_PRS - TOTAL_PRS // 2 - TOTAL_PRS // 3}
REPOS = tuple(SIZES)
SINCE_DAY = (NOW - timedelta(days=300)).date()
SINCE = day_start(SINCE_DAY)
PAGE = 10
ARGS = [*repo_args(REPOS), *since_arg(SINCE_DAY), "--page-size", str(PAGE), "--jobs", "1"]
SEED = 20261128
MIN_KILLS = int(os.environ.get("CHAOS_KILLS", "25"))  # the size knob; CI keeps 25+
MAX_ROUNDS = 150


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset(SIZES, seed=5, now=NOW, days=365, huge=1)


# -- the uninterrupted run to compare with ------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    pages: list[tuple]      # (repo, after, first) of every page, in order
    total: int              # every request
    max_followups: int      # most follow-up requests one page needed (nested pagination)
    bytes_per_request: float

    def pages_of_repo(self, repo: str) -> set[tuple]:
        return {p for p in self.pages if p[0] == repo}


def uninterrupted_run(dataset, tmp_path) -> Baseline:
    """Fetch everything once, without faults or kills, and count the requests it takes."""
    with FakeGitHub(dataset, secondary_points_per_minute=None) as gh:
        client = GraphQLClient(gh.url, TokenPool([TOKEN]), policy=RetryPolicy(backoff_base=0.01))
        request = FetchRequest(since=SINCE, page_size=PAGE)
        for repo in REPOS:
            with open_writer(tmp_path / "baseline" / repo, fsync="never") as writer:
                Fetcher(writer, client, repo).run(FetchState(), request)
        records = successful(gh.stats.records)
    followups = [0]
    for record in records:
        if record["shape"] == PAGE_SHAPE:
            followups.append(0)
        else:
            followups[-1] += 1
    assert len(records) == gh.stats.total
    size = log_bytes(tmp_path / "baseline")
    return Baseline(pages_of(records), len(records), max(followups), size / len(records))


# -- one round: start, wait for the trigger, SIGKILL -----------------------------------------


def projection_marker() -> tuple:
    """Changes when a projection starts (tracking row created) or commits a batch."""
    agg = AppliedOffset.objects.aggregate(n=Count("id"), s=Sum("applied_offset"))
    return agg["n"], agg["s"]


def pending_projections(cache_dir) -> set[str]:
    """Repos whose fetch is complete but whose log is not fully projected."""
    applied = dict(AppliedOffset.objects.values_list("github_repo", "applied_offset"))
    pending = set()
    for repo in REPOS:
        log = EventLog(cache_dir / repo)
        last = log.last_commit() if log.exists() else None
        if last is not None and last.meta.get("complete") and applied.get(repo, -1) < last.seq:
            pending.add(repo)
    return pending


@dataclass
class Trigger:
    """When to kill: ``kind`` and its parameters, all drawn before the round starts. Whatever
    the kind, the round is killed once the fake GitHub answered ``cap`` more requests."""

    kind: str
    amount: float
    cap: int
    delay: float = 0.0

    def arm(self, gh, cache_dir):
        cap = served(gh) + self.cap
        if self.kind == "requests":
            target = served(gh) + int(self.amount)
            return lambda: served(gh) >= target
        if self.kind == "log-growth":
            target = log_bytes(cache_dir) + int(self.amount)
            return lambda: log_bytes(cache_dir) >= target or served(gh) >= cap
        if self.kind == "delay":
            deadline = time.monotonic() + self.amount
            return lambda: time.monotonic() >= deadline or served(gh) >= cap
        return self._arm_projection(gh, cap)

    def _arm_projection(self, gh, cap):
        start, fired_at = projection_marker(), []

        def fire() -> bool:
            if fired_at:
                return time.monotonic() >= fired_at[0]
            if projection_marker() != start:
                fired_at.append(time.monotonic() + self.delay)
            return served(gh) >= cap
        return fire


def choose_trigger(rng: random.Random, budget: float, baseline: Baseline, remaining_pages: int,
                   pending: set[str]) -> Trigger:
    """A kill moment letting the round do about ``budget`` requests. Mostly mid-fetch; the
    projection trigger when the round may reach the end of a repo's fetch (its projection
    follows) or a killed projection is about to resume."""
    top = max(1, round(2 * budget))
    kind = rng.choices(["requests", "log-growth", "delay"], [4, 2, 3])[0]
    amount = {"requests": rng.randint(1, top),
              "log-growth": rng.randint(1, int(top * baseline.bytes_per_request)),
              "delay": rng.uniform(0.2, 2.5)}[kind]
    delay = rng.uniform(0.0, 0.25)
    if 0 <= remaining_pages <= top + 2 or (pending and rng.random() < 0.5):
        return Trigger("projection", 0, top + 40, delay)
    return Trigger(kind, amount, top + 2)


def round_budget(gh, baseline: Baseline, kills: int) -> float:
    """Requests a round may take so that at least MIN_KILLS (+ a margin) kills fit in the work
    left; once they are in, bigger bites."""
    left = max(0, baseline.total - len(successful(gh.stats.records)))
    needed = MIN_KILLS + 5 - kills
    return min(30.0, max(1.0, left / needed)) if needed > 0 else 30.0


def remaining_pages(gh, baseline: Baseline) -> int:
    """Pages the repo being fetched still lacks (-1 when every repo is fetched)."""
    seen = set(pages_of(gh.stats.records))
    for repo in REPOS:
        left = len(baseline.pages_of_repo(repo) - seen)
        if left:
            return left
    return -1


@dataclass
class Round:
    trigger: str
    phase: str          # startup | fetch | projection | finished
    requests: int
    returncode: int


def run_round(runner, env, gh, cache_dir, trigger: Trigger) -> Round:
    before_requests, before_marker = served(gh), projection_marker()
    before_pending = pending_projections(cache_dir)
    proc = runner.start(*ARGS, env=env)
    fire = trigger.arm(gh, cache_dir)
    while proc.poll() is None and not fire():
        time.sleep(0.01)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    result = runner.finish(proc)
    assert "Traceback" not in result.output, result.output
    requests = served(gh) - before_requests
    if not killed:
        return Round(trigger.kind, "finished", requests, result.returncode)
    assert result.returncode == -signal.SIGKILL
    pending = pending_projections(cache_dir)
    if pending and (projection_marker() != before_marker or pending != before_pending):
        phase = "projection"
    else:
        phase = "fetch" if requests else "startup"
    return Round(trigger.kind, phase, requests, result.returncode)


def assert_logs_verify(cache_dir) -> None:
    for repo in REPOS:
        if EventLog(cache_dir / repo).exists():
            report = verify(cache_dir / repo)
            assert report.ok, report.problems


def kill_until_finished(runner, env, gh, cache_dir, baseline: Baseline) -> list[Round]:
    rng = random.Random(SEED)
    rounds: list[Round] = []
    pending: set[str] = set()
    while len(rounds) < MAX_ROUNDS:
        budget = round_budget(gh, baseline, len(rounds))
        trigger = choose_trigger(rng, budget, baseline, remaining_pages(gh, baseline), pending)
        rounds.append(run_round(runner, env, gh, cache_dir, trigger))
        if rounds[-1].phase == "finished" and rounds[-1].returncode == 0:
            return rounds
        assert_logs_verify(cache_dir)
        pending = pending_projections(cache_dir)
    raise AssertionError(f"no finished run after {MAX_ROUNDS} rounds: {rounds[-5:]}")


# -- the test ---------------------------------------------------------------------------------


def test_killed_at_random_moments_the_pipeline_loses_duplicates_and_skips_nothing(
        dataset, runner, process_env, cache_dir, tmp_path):
    """Killed 25+ times (mid-fetch, between pages, during projection) and restarted each
    time, the pipeline ends with the database equal to the dataset: every PR of the window with
    every review, commit, file and check run, no duplicate, no extra row; each log holds one
    event per PR and verifies clean; a further run makes no request.

    Request bound: a kill loses at most the page being fetched (its events and cursor are
    committed together, after its follow-up requests), so the runs together send at most one
    page, plus that page's follow-ups, per kill more than an uninterrupted run. Injected faults
    add retries and waits, not pages: only successful requests (HTTP 200, no fault, no error)
    are counted, and the faults never time out one request twice in a row, so the page size
    never shrinks and every page is one of the uninterrupted run's pages.
    """
    baseline = uninterrupted_run(dataset, tmp_path)
    plan = NoShrinkFaults(p=0.1, kinds=TRANSIENT_FAULTS, seed=SEED, retry_after=1)
    with FakeGitHub(dataset, faults=plan, window_seconds=1,
                    secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url, SEEDING_FSYNC="always")
        rounds = kill_until_finished(runner, env, gh, cache_dir, baseline)
        records = gh.stats.records
        assert sum(gh.stats.by_fault.values()) > 0.05 * len(records)
        due = sum(len(FetchState.from_meta(EventLog(cache_dir / repo).last_commit().meta)
                      .retry_due()) for repo in REPOS)
        assert_succeeded(runner.seed(*ARGS, env=env))  # retries PRs recorded incomplete, once
        retries = list(gh.stats.records)[len(records):]
        assert all(r["shape"].startswith("pullRequest+") for r in retries), retries
        assert (len(retries) > 0) == (due > 0)
        before = served(gh)
        assert_succeeded(runner.seed(*ARGS, env=env))
        assert served(gh) == before  # the logs cover the window: no request
    kills = [r for r in rounds if r.phase != "finished"]
    phases = Counter(r.phase for r in kills)
    schedule = f"{len(kills)} kills by phase {dict(phases)}, by trigger " \
               f"{dict(Counter(r.trigger for r in kills))}"
    assert len(kills) >= MIN_KILLS, schedule
    assert phases["fetch"] >= 10 and phases["projection"] >= 2, schedule

    assert_database_matches(dataset, "chaos", REPOS, SINCE)
    assert_log_matches(dataset, cache_dir, REPOS, SINCE)
    assert runner.eventlog("verify", "--cache-dir", str(cache_dir)).returncode == 0

    pages = pages_of(records)
    assert set(pages) == set(baseline.pages)  # no page skipped, none outside the window
    assert len(pages) <= len(baseline.pages) + len(kills), schedule
    ok = len(successful(records))
    assert ok <= baseline.total + len(kills) * (1 + baseline.max_followups), schedule

"""Benchmark 9: seeding 12 repositories at once, under one shared budget (issue 13).

The fake GitHub runs in this process (``fetchpass.fake_github``) with ``latency`` 0.3 s added to
every response, its response-time model, GitHub's secondary limit (2,000 points per minute per
user) and two tokens of two different users. ``seed_real_projects`` runs for real in a child
process (``seedrun.py``) into a fresh SQLite database and cache directory per run. Dataset:
``--parallel-prs`` heavy-tailed PRs (``profile="heavy"``) over ``REPOS`` repositories.

* wall time, ``--jobs 4`` (the default for two tokens) against ``--jobs 1``: same database at the
  end (``tests.dbdump.natural_dump`` digests), same or fewer requests; goal >= 3x faster; also
  ``--parallel-jobs`` values (default 8) and ``--jobs 4 --page-size 50`` (the default page size
  before 100), for context;
* small budget: a fresh fake whose primary limit is scaled down (``BUDGET_WINDOWS`` windows of
  ``window`` seconds for the points the unlimited ``--jobs 4`` run spent, over both users):
  wall time within 15% of what the budget imposes (points needed / points per window x window),
  database equal;
* memory: peak RSS of the 12-repository ``--jobs 4`` run against a 1-repository run: <= 1.5x.
"""

from __future__ import annotations

import math
import os
from typing import Any

from .context import Context
from .fetchpass import DATASET_NOW, fake_github
from .report import Row, Section, times
from .seedrun import SeedRun, digest_of, output_tail, seed

REPOS = 12
TOKENS = ("bench-tok-a", "bench-tok-b")   # each its own user on the fake
LATENCY = 0.3
SECONDARY_PER_MINUTE = 2000
BUDGET_WINDOWS = 4
SPEEDUP_GOAL, BUDGET_GOAL, MEMORY_GOAL = 3.0, 1.15, 1.5


def repos() -> list[str]:
    return [f"bench-org/repo{i:02d}" for i in range(REPOS)]


def dataset(ctx: Context) -> dict:
    from tests.fakegithub import generate_dataset

    per_repo = max(1, ctx.options.parallel_prs // REPOS)
    return generate_dataset({repo: per_repo for repo in repos()}, seed=ctx.options.seed,
                            now=DATASET_NOW, profile="heavy", huge=0)


def run(ctx: Context) -> Section:
    data = dataset(ctx)
    runs = unlimited_runs(ctx, data)
    budget = budget_for(runs["jobs4"].points, ctx.options.budget_window)
    gh = fake_github(data, latency=LATENCY, tokens=list(TOKENS), rate_limit=budget["limit"],
                     window_seconds=budget["window"],
                     secondary_points_per_minute=SECONDARY_PER_MINUTE)
    try:
        runs["budget"] = _seed(ctx, gh, "budget", repos(), 4)
    finally:
        gh.stop()
    digests = {name: digest_of(r) for name, r in runs.items()}
    return report(ctx, runs, digests, budget)


def unlimited_runs(ctx: Context, data: dict) -> dict[str, SeedRun]:
    """Every ``--jobs`` asked for, ``--page-size 50`` at 4 jobs, and one repository alone."""
    runs: dict[str, SeedRun] = {}
    gh = fake_github(data, latency=LATENCY, tokens=list(TOKENS),
                     secondary_points_per_minute=SECONDARY_PER_MINUTE)
    try:
        for jobs in ctx.options.parallel_jobs:
            runs[f"jobs{jobs}"] = _seed(ctx, gh, f"jobs{jobs}", repos(), jobs)
        runs["page50"] = _seed(ctx, gh, "page50", repos(), 4, ("--page-size", "50"))
        runs["one_repo"] = _seed(ctx, gh, "one_repo", repos()[:1], 4)
    finally:
        gh.stop()
    return runs


def budget_for(needed: int, window: float) -> dict[str, Any]:
    """A primary limit per user such that ``needed`` points take ``BUDGET_WINDOWS`` windows
    over both users, and the time that imposes."""
    limit = max(1, math.ceil(needed / (BUDGET_WINDOWS * len(TOKENS))))
    return {"limit": limit, "window": window, "needed": needed,
            "imposed": needed / (limit * len(TOKENS)) * window}


def _seed(ctx: Context, gh, name: str, targets: list[str], jobs: int,
          extra: tuple[str, ...] = ()) -> SeedRun:
    ctx.say(f"parallel: {len(targets)} repos, --jobs {jobs} {' '.join(extra)} ({name}; load "
            f"{os.getloadavg()[0]:.1f})")
    result = seed(ctx, gh, name, targets, jobs=jobs, tokens=TOKENS, extra=extra)
    if result.exit_code != 0:
        raise RuntimeError(f"seed_real_projects ({name}) exited {result.exit_code}:\n"
                           f"{output_tail(ctx, name)}")
    return result


# -- report ------------------------------------------------------------------------------------


def report(ctx: Context, runs: dict[str, SeedRun], digests: dict[str, dict],
           budget: dict[str, Any]) -> Section:
    section = Section("parallel", raw={"runs": {k: v.as_dict() for k, v in runs.items()},
                                       "digests": digests, "budget": budget})
    serial, parallel = runs["jobs1"], runs["jobs4"]
    same = digests["jobs4"]["digest"] == digests["jobs1"]["digest"]
    speedup = serial.seconds / parallel.seconds
    section.rows.append(Row(
        "parallel 12 repos", f"--jobs 4: {parallel.seconds:.1f} s, {parallel.requests} requests"
        f"; database {'equal' if same else 'DIFFERENT'}",
        f"--jobs 1: {serial.seconds:.1f} s, {serial.requests} requests", times(speedup),
        f">= {SPEEDUP_GOAL:g}x, same db, <= requests",
        speedup >= SPEEDUP_GOAL and same and parallel.requests <= serial.requests))
    for name, r in runs.items():
        if name.startswith("jobs") and name not in ("jobs1", "jobs4"):
            section.rows.append(Row("parallel 12 repos", f"{name.replace('jobs', '--jobs ')}: "
                                    f"{r.seconds:.1f} s, {r.requests} requests; database "
                                    f"{_same(digests, name)}", f"--jobs 1: {serial.seconds:.1f} s",
                                    times(serial.seconds / r.seconds)))
    page = runs["page50"]
    section.rows.append(Row("parallel 12 repos", f"--jobs 4 --page-size 50: {page.seconds:.1f} s"
                            f", {page.requests} requests, peak RSS {_mib(page)}; database "
                            f"{_same(digests, 'page50')}", f"default page size: "
                            f"{parallel.seconds:.1f} s, {parallel.requests} requests, "
                            f"{_mib(parallel)}", times(page.seconds / parallel.seconds)))
    section.rows.append(_budget_row(runs["budget"], budget, digests))
    one = runs["one_repo"]
    ratio = parallel.peak_rss_kb / one.peak_rss_kb
    section.rows.append(Row("parallel memory", f"peak RSS, 12 repos --jobs 4: {_mib(parallel)}",
                            f"1 repo: {_mib(one)}", times(ratio), f"<= {MEMORY_GOAL:g}x",
                            ratio <= MEMORY_GOAL))
    for name in (n for n in runs if n.startswith("jobs") and n != "jobs4"):
        flag = name.replace("jobs", "--jobs ")
        section.rows.append(Row("parallel memory", f"peak RSS, 12 repos {flag}: "
                                f"{_mib(runs[name])}", f"1 repo: {_mib(one)}",
                                times(runs[name].peak_rss_kb / one.peak_rss_kb)))
    section.notes.extend(_notes(ctx, runs, digests, budget))
    return section


def _mib(run: SeedRun) -> str:
    return f"{run.peak_rss_kb / 1024:.0f} MiB"


def _same(digests: dict[str, dict], name: str) -> str:
    return "equal" if digests[name]["digest"] == digests["jobs1"]["digest"] else "DIFFERENT"


def _budget_row(r: SeedRun, budget: dict[str, Any], digests: dict[str, dict]) -> Row:
    same = digests["budget"]["digest"] == digests["jobs1"]["digest"]
    ratio = r.seconds / budget["imposed"]
    return Row("parallel small budget", f"--jobs 4: {r.seconds:.1f} s, {r.rate_limited} "
               f"rate-limited answers; database {'equal' if same else 'DIFFERENT'}",
               f"budget imposes {budget['imposed']:.0f} s", times(ratio),
               f"<= {BUDGET_GOAL:g}x, same db", ratio <= BUDGET_GOAL and same)


def _notes(ctx: Context, runs: dict[str, SeedRun], digests: dict[str, dict],
           budget: dict[str, Any]) -> list[str]:
    rows = digests["jobs1"]["rows"]
    prs = rows.get("prs", 0)
    notes = [f"fake GitHub: {REPOS} repos, {prs} heavy-tailed PRs in the database "
             f"({rows}); latency {LATENCY:g} s per response, tokens of 2 users, secondary "
             f"limit {SECONDARY_PER_MINUTE} points/min/user; SQLite; fresh database and cache "
             "per run; command in a child process (call_command)",
             f"small budget: {budget['limit']} points per {budget['window']:g} s window per "
             f"user x 2 users, for the {budget['needed']} points --jobs 4 spent unlimited: "
             f"imposed {budget['needed']} / {2 * budget['limit']} x {budget['window']:g} s = "
             f"{budget['imposed']:.0f} s"]
    for name, r in runs.items():
        notes.append(f"{name}: {r.seconds:.1f} s, exit {r.exit_code}, {r.requests} requests, "
                     f"{r.points} points, {r.timeouts} 502s, {r.rate_limited} rate-limited, "
                     f"peak RSS {r.peak_rss_kb / 1024:.0f} MiB, CPU: command {r.client_cpu:.1f}"
                     f" s, fake {r.server_cpu:.1f} s, load {r.load:.1f} at start, digest "
                     f"{digests[name]['digest']}")
    if prs:
        notes.append(f"requests per 100 PRs: {runs['jobs1'].requests * 100 / prs:.1f} "
                     f"({runs['jobs1'].points * 100 / prs:.0f} points)")
    return notes

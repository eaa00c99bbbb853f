"""Benchmark 5: API efficiency of ``seed_real_projects`` against the fake GitHub.

The fake runs as its own process (``fakeserver.py``) and computes GitHub's point costs; the
command runs as a real subprocess with ``GITHUB_GRAPHQL_URL`` pointing at it and its own
``SEEDING_CACHE_DIR`` and SQLite database. Requests and points are the server's counters
before and after each run. Runs, in order:

* full pass with CI; the same command again (complete log: no page; the PRs the pass recorded
  incomplete, from the data's random nulls, are fetched again once, 10 per request); once more
  (goal 0 requests); with ``--update`` and nothing changed (goal: 1 page, plus the re-poll of CI
  still running, 50 head commits per request); a full pass with ``--no-check-runs``;
* interrupted: a fresh full pass SIGKILLed mid-fetch twice, then run to completion; the extra
  page requests against the uninterrupted pass (goal: at most 1 per kill).

Goal for full passes: fewer than 3 requests per 100 PRs, the follow-ups of the dataset's
deliberately huge PRs included (batched across the PRs of a page, they cost a round or two per
page, no longer one request per connection per PR). Compared with ``original.py``'s model.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .child import bench_env
from .context import Context
from .fakeserver import API_REPO, FakeServer, dataset, start
from .fetchpass import request_kind
from .original import original_spend, page_points
from .report import Row, Section, times
from .workspace import PROJECT_ROOT

REQUEST_GOAL = 3.0
KILL_AT = (0.35, 0.7)  # of the uninterrupted pass's requests
COMMAND = [sys.executable, "manage.py", "seed_real_projects", "--repo", API_REPO, "--team",
           "bench", "--since", "2000-01-01"]


@dataclass(slots=True)
class Usage:
    """What the server saw during one or more runs."""

    requests: int = 0
    points: int = 0
    pages: int = 0
    followups: int = 0      # continuation rounds
    by_number: int = 0      # incomplete PRs fetched again (or a PR alone)
    ci_polls: int = 0       # pending CI re-polled
    exit_codes: list[int] = field(default_factory=list)

    def add(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


def per_100(value: float, prs: int) -> float:
    return value * 100 / prs


class Runner:
    """Runs the command against ``server``, counting page and follow-up requests."""

    def __init__(self, ctx: Context, server: FakeServer, data: dict[str, Any]) -> None:
        self.ctx, self.server = ctx, server
        self.huge = _huge(data)
        self.envs: dict[str, dict[str, str]] = {}

    def env(self, name: str) -> dict[str, str]:
        """A cache directory and SQLite database per name, kept across runs of that name."""
        if name not in self.envs:
            db = self.ctx.database("sqlite", f"api_{name}")
            self.envs[name] = bench_env(
                DATABASE_URL=db.url, GITHUB_TOKEN="bench-token", GITHUB_GRAPHQL_URL=self.server.url,
                SEEDING_CACHE_DIR=str(self.ctx.workspace.scratch(f"api-cache-{name}")))
        return self.envs[name]

    def run(self, name: str, *extra: str) -> Usage:
        """Run the command to its end; a failure stops the benchmark (its figures would lie)."""
        before = self.server.stats()
        proc = subprocess.run([*COMMAND, *extra], cwd=PROJECT_ROOT, env=self.env(name),
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"seed_real_projects {' '.join(extra)} exited {proc.returncode}:"
                               f"\n{proc.stderr[-2000:]}")
        usage = self.usage(before)
        usage.exit_codes.append(proc.returncode)
        return usage

    def run_and_kill(self, name: str, at_total: int) -> Usage:
        """Start a run and SIGKILL it once the server has served ``at_total`` requests."""
        before = self.server.stats()
        proc = subprocess.Popen(COMMAND, cwd=PROJECT_ROOT, env=self.env(name),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and self.server.total() < at_total:
            time.sleep(0.005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        usage = self.usage(before)
        usage.exit_codes.append(proc.returncode)
        return usage

    def usage(self, before: dict[str, Any]) -> Usage:
        after = self.server.stats()
        new = [r for r in after["records"] if r["n"] > before["total"]]
        kinds = Counter(request_kind(r) for r in new if r["status"] == 200)
        return Usage(after["total"] - before["total"], after["points"] - before["points"],
                     kinds["page"], kinds["followup"], kinds["by_number"], kinds["ci_poll"])

    def prs_in_database(self, name: str) -> int:
        path = self.envs[name]["DATABASE_URL"].removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            return conn.execute("SELECT count(*) FROM metrics_pullrequest").fetchone()[0]


def _huge(data: dict[str, Any]) -> set[int]:
    """The dataset's huge PRs (their connections need a second page)."""
    return {pr["number"] for pr in data["repos"][API_REPO]["pullRequests"]
            if len(pr["files"] or []) >= 250 or len(pr["commits"]) >= 130}


def run(ctx: Context) -> Section:
    path, data = dataset(ctx.workspace, ctx.options.api_prs, ctx.options.seed)
    home = ctx.workspace.scratch("api-server")
    server = start(path, home / "stderr.log", home / "state.json")
    try:
        measured = measure(ctx, Runner(ctx, server, data))
    finally:
        server.stop()
    return report(ctx.options.api_prs, measured)


def measure(ctx: Context, runner: Runner) -> dict[str, Any]:
    ctx.say(f"api: full pass of {ctx.options.api_prs} PRs, re-run, update")
    full = runner.run("full")
    rerun = runner.run("full")
    rerun2 = runner.run("full")
    update = runner.run("full", "--update")
    ctx.say("api: full pass without check runs")
    no_checks = runner.run("nochecks", "--no-check-runs")
    ctx.say(f"api: interrupted pass, {len(KILL_AT)} SIGKILLs, then resumed")
    interrupted = Usage()
    start_total = runner.server.total()
    for fraction in KILL_AT:
        at = start_total + max(1, round(full.requests * fraction))
        interrupted = interrupted.add(runner.run_and_kill("killed", at))
    interrupted = interrupted.add(runner.run("killed"))
    return {"full": full, "rerun": rerun, "rerun2": rerun2, "update": update,
            "no_checks": no_checks,
            "interrupted": interrupted, "complete_prs": runner.prs_in_database("killed"),
            "huge": len(runner.huge)}


def report(prs: int, m: dict[str, Any]) -> Section:
    section = Section("api", raw={k: asdict(v) if isinstance(v, Usage) else v
                                  for k, v in m.items()})
    section.rows.extend(_pass_rows(prs, m))
    section.rows.extend(_rerun_rows(m))
    section.rows.append(_kill_row(prs, m))
    section.notes.extend(_notes(prs, m))
    return section


def _pass_rows(prs: int, m: dict[str, Any]) -> list[Row]:
    rows = []
    for key, checks in (("full", True), ("no_checks", False)):
        u: Usage = m[key]
        model = original_spend(prs, check_runs=checks)
        per100 = per_100(u.requests, prs)
        label = "with CI" if checks else "no CI"
        rows.append(Row(f"api full pass, {label}",
                        f"{per100:.1f} req/100 PRs ({u.pages} pages + {u.followups} follow-ups),"
                        f" {per_100(u.points, prs):.0f} points/100 PRs",
                        f"original (model): {model.per_100(model.requests):.0f} req, "
                        f"{model.per_100(model.points):.0f} points",
                        times(per100 / model.per_100(model.requests)),
                        f"< {REQUEST_GOAL:g} req/100 PRs", per100 < REQUEST_GOAL))
    return rows


def _rerun_rows(m: dict[str, Any]) -> list[Row]:
    update, rerun, rerun2 = m["update"], m["rerun"], m["rerun2"]
    return [Row("api --update, nothing changed", f"{_n(update.requests, 'request')} "
                f"({update.pages} page, {update.ci_polls} CI re-poll, {update.by_number} other), "
                f"{_n(update.points, 'point')}", goal="1 page + CI re-polls",
                met=update.pages == 1 and update.requests == 1 + update.ci_polls),
            Row("api re-run on a complete log", f"{_n(rerun.requests, 'request')} "
                f"({rerun.pages} pages, {rerun.by_number} retrying incomplete PRs once); "
                f"the next re-run: {_n(rerun2.requests, 'request')}",
                goal="0 pages, then 0 requests", met=rerun.pages == 0 and rerun2.requests == 0)]


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _kill_row(prs: int, m: dict[str, Any]) -> Row:
    full, killed = m["full"], m["interrupted"]
    kills = len(KILL_AT)
    extra_pages = (killed.pages - full.pages) / kills
    extra = killed.requests - full.requests
    ok = extra_pages <= 1 and m["complete_prs"] == prs
    return Row(f"api after SIGKILL x{kills}", f"{extra_pages:.1f} extra pages/kill ({extra} "
               f"extra requests in all)", f"uninterrupted {full.requests} req",
               times(killed.requests / full.requests), "<= 1 extra page/kill", ok)


def _notes(prs: int, m: dict[str, Any]) -> list[str]:
    from apps.seeding.fetch.state import DEFAULT_PAGE_SIZE

    full, killed = m["full"], m["interrupted"]
    return [
        f"fake GitHub: {prs} PRs in one repo, {m['huge']} huge (250 files, 130 commits, 105 "
        f"reviews, a 120-run check suite); page size {DEFAULT_PAGE_SIZE}; secondary limit off",
        f"full pass: {full.requests} requests = {full.pages} pages + {full.followups} follow-up "
        f"rounds + {full.by_number} PRs-by-number; {full.points} points (page query "
        f"at first:{DEFAULT_PAGE_SIZE} costs {page_points(DEFAULT_PAGE_SIZE, check_runs=True)} "
        "points by "
        "tests/fakegithub/cost.py)",
        f"original seeder (a model, see bench/original.py): ceil(N/10) GraphQL pages at "
        f"{page_points(10, check_runs=False)} points each + N REST calls for check runs",
        f"interrupted: exit codes {killed.exit_codes}; {killed.requests} requests, "
        f"{killed.pages} pages (uninterrupted {full.pages}); {m['complete_prs']} of {prs} PRs "
        "in the database after resuming",
    ]

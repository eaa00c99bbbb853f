"""Benchmark 6: the fetcher's own work per page against the time the server takes to answer.

The fake GitHub runs as a separate process (no state file, so it does no extra work per
request); the fetcher runs in a fresh bench process (``child.py``, task ``fetch_overhead``)
with the project's client and a ``requests.Session`` that times every ``post``. Client CPU is
the process's CPU time (``time.process_time``) outside ``post``: parsing responses, completing
PRs, building events, encoding, writing and fsyncing the batch (fsync=always). The server's
response time is the wall time inside ``post``. Goal: client CPU under 10% of response time.
Best of ``--repeats`` full passes, each into a fresh log.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from .child import bench_env, run_task
from .context import Context
from .fakeserver import API_REPO, dataset, start
from .report import Row, Section

GOAL = 0.10


class TimedSession(requests.Session):
    """A session that adds up wall and CPU time spent inside ``post``."""

    def __init__(self) -> None:
        super().__init__()
        self.wall = self.cpu = 0.0
        self.posts = 0

    def post(self, *args: Any, **kwargs: Any) -> requests.Response:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return super().post(*args, **kwargs)
        finally:
            self.wall += time.perf_counter() - wall
            self.cpu += time.process_time() - cpu
            self.posts += 1


def measure_fetch(url: str, log_dir: str) -> dict[str, Any]:
    """Child task: one full pass of ``API_REPO`` into a new log, timed."""
    from apps.seeding.fetch.fetcher import Fetcher
    from apps.seeding.fetch.github.client import GraphQLClient
    from apps.seeding.fetch.github.tokens import TokenPool
    from apps.seeding.fetch.state import FetchRequest, FetchState
    from eventlog import open_writer

    session = TimedSession()
    client = GraphQLClient(url, TokenPool(["bench-token"]), session=session)
    wall, cpu = time.perf_counter(), time.process_time()
    with open_writer(Path(log_dir), fsync="always") as writer:
        state = Fetcher(writer, client, API_REPO).run(FetchState(), FetchRequest())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "post_wall": session.wall, "post_cpu": session.cpu,
            "requests": session.posts, "pages": state.last_pass["pages"],
            "prs": state.last_pass["prs"]}


def run(ctx: Context) -> Section:
    path, _ = dataset(ctx.workspace, ctx.options.api_prs, ctx.options.seed)
    home = ctx.workspace.scratch("overhead-server")
    server = start(path, home / "stderr.log")
    try:
        results = []
        for i in range(ctx.options.repeats):
            ctx.say(f"fetch overhead: full pass {i + 1} of {ctx.options.repeats}")
            log_dir = ctx.workspace.scratch(f"overhead-{i}") / "log"
            results.append(run_task("fetch_overhead", bench_env(), url=server.url,
                                    log_dir=str(log_dir)))
    finally:
        server.stop()
    best = min(results, key=lambda r: (r["cpu"] - r["post_cpu"]) / r["post_wall"])
    return report(best, results)


def report(r: dict[str, Any], all_runs: list[dict[str, Any]]) -> Section:
    pages = r["pages"]
    client_cpu = r["cpu"] - r["post_cpu"]
    client_wall = r["wall"] - r["post_wall"]
    server = r["post_wall"]
    section = Section("overhead", raw={"best": r, "runs": all_runs})
    section.rows.append(Row("fetch overhead", f"client CPU {ms(client_cpu / pages)}/page",
                            f"response {ms(server / pages)}/page", f"{client_cpu / server:.1%}",
                            f"< {GOAL:.0%}", client_cpu / server < GOAL))
    section.rows.append(Row("fetch overhead", f"client wall outside requests "
                            f"{ms(client_wall / pages)}/page (incl. fsync waits)",
                            f"response {ms(server / pages)}/page", f"{client_wall / server:.1%}"))
    section.notes.append(
        f"{r['prs']} PRs in {pages} pages and {r['requests']} requests (follow-ups included "
        f"per page); CPU inside post() (requests/urllib3) {ms(r['post_cpu'] / pages)}/page, "
        f"not counted as client work; fsync=always; best of {len(all_runs)} passes")
    return section


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"

"""``seed_real_projects`` run for real, in a fresh process, against a fake GitHub and a throwaway
database; and a digest of what it left in that database.

The command runs in a bench child (``python -m bench.child seed ...``, ``DATABASE_URL`` at a
copy of the migrated template, ``SEEDING_CACHE_DIR`` at a scratch directory) through
``call_command``, the same code as ``manage.py seed_real_projects``; the child adds its own peak
RSS (``VmHWM``; a plain ``manage.py`` subprocess would report the bench's RSS at exec, see
``child.peak_rss_kb``). Its output goes to a file next to the cache. Requests, points, 502s and
rate-limited answers are the fake's counters before and after.
"""

from __future__ import annotations

import hashlib
import os
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .child import bench_env, run_task
from .context import Context

TEAM = "bench"
SINCE = "2000-01-01"


@dataclass(frozen=True, slots=True)
class SeedRun:
    """One command run: wall time, exit code, peak RSS, and what the fake served."""

    name: str
    seconds: float
    exit_code: int
    peak_rss_kb: int
    requests: int
    points: int
    timeouts: int
    rate_limited: int
    client_cpu: float      # CPU seconds of the command's process
    server_cpu: float      # CPU seconds of this process meanwhile (the in-process fake)
    load: float            # the machine's 1-minute load average when the run started
    database: str          # the database's URL (dropped with the bench's databases)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def seed(ctx: Context, gh, name: str, repos: list[str], *, jobs: int,
         tokens: tuple[str, ...], extra: tuple[str, ...] = ()) -> SeedRun:
    """Seed ``repos`` from ``gh`` into a fresh SQLite database with ``--jobs jobs``."""
    db = ctx.database("sqlite", name)
    home = ctx.workspace.scratch(f"seed-{name}")
    env = bench_env(DATABASE_URL=db.url, GITHUB_SEEDING_TOKENS=",".join(tokens),
                    GITHUB_GRAPHQL_URL=gh.url, SEEDING_CACHE_DIR=str(home / "cache"))
    args = [a for repo in repos for a in ("--repo", repo)]
    args += ["--team", TEAM, "--since", SINCE, "--jobs", str(jobs), *extra]
    load = os.getloadavg()[0]
    before, cpu = gh.stats, time.process_time()
    result = run_task("seed", env, args=args, output=str(home / "output.txt"))
    cpu, after = time.process_time() - cpu, gh.stats
    limited = sum(any(e.startswith("RATE_LIMIT") for e in r["errors"]) for r in after.records
                  if r["n"] > before.total)
    return SeedRun(name, result["seconds"], result["exit_code"], result["peak_rss_kb"],
                   after.total - before.total, after.points - before.points,
                   _count(after.by_status, 502) - _count(before.by_status, 502), limited,
                   round(result["cpu"], 1), round(cpu, 1), round(load, 1), db.url)


def _count(counter: Any, status: int) -> int:
    return counter.get(status, 0) + counter.get(str(status), 0)


def run_command(args: list[str], output: str) -> dict[str, Any]:
    """Child task: ``seed_real_projects *args``, output to the file ``output``."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    started = time.perf_counter()
    code = 0
    with open(output, "w", encoding="utf-8", errors="backslashreplace") as out:
        try:
            call_command("seed_real_projects", *args, stdout=out, stderr=out)
        except CommandError as error:
            code = error.returncode
            out.write(f"CommandError: {error}\n")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"seconds": time.perf_counter() - started, "exit_code": code,
            "cpu": usage.ru_utime + usage.ru_stime}


def database_digest() -> dict[str, Any]:
    """Child task: rows per table and one digest of ``tests.dbdump.natural_dump`` (rows by
    natural keys, no surrogate ids), comparable across databases."""
    from tests.dbdump import natural_dump

    tables = natural_dump()
    digest = hashlib.sha256()
    for name in sorted(tables):
        for row in sorted(map(repr, tables[name])):
            digest.update(row.encode("utf-8", "backslashreplace") + b"\n")
        digest.update(f"--{name}--\n".encode())
    return {"rows": {name: len(rows) for name, rows in tables.items()},
            "digest": digest.hexdigest()[:16]}


def digest_of(run: SeedRun) -> dict[str, Any]:
    """What ``run`` left in its database (rows per table, digest)."""
    return run_task("db_digest", bench_env(DATABASE_URL=run.database))


def output_tail(ctx: Context, name: str, lines: int = 15) -> str:
    path = Path(ctx.workspace.root) / "scratch" / f"seed-{name}" / "output.txt"
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""

"""Benchmark 1: projection throughput, the projector against the naive way and the floor.

On each backend, in fresh processes and fresh copies of the migrated schema:

* projector: ``Projector.project()`` replaying the whole generated log (``--clear`` style);
* naive: per-row ``get_or_create``/``save`` through the ORM (``naive.py``), on a sample of
  ``--naive-sample`` PRs spread evenly over the log, reported per PR;
* floor: the same rows, pre-built as tuples, written with ``sqlite3`` ``executemany`` upserts
  (SQLite) or ``COPY`` (PostgreSQL), one transaction per 500-PR batch (``floor.py``).

Goals: projector >= 50x the naive way and >= 0.5x the floor, in PRs per second.
"""

from __future__ import annotations

from typing import Any

from .child import bench_env, run_task
from .context import Context
from .generate import REPO
from .report import Row, Section, rate, times
from .workspace import GeneratedLog

NAIVE_GOAL = 50.0
FLOOR_GOAL = 0.5
# Django's stock SQLite behaviour (what the original seeder ran on): rollback journal and
# synchronous=FULL, so that every autocommitted save waits for the disk.
DJANGO_DEFAULT_SQLITE = ("PRAGMA journal_mode=DELETE", "PRAGMA synchronous=FULL")
FLOOR = {"sqlite": ("floor_sqlite", "sqlite3 executemany"), "postgresql": ("floor_postgres",
                                                                           "COPY")}


def run(ctx: Context) -> Section:
    log = ctx.log(ctx.options.prs)
    section = Section("projection", notes=[describe_log(log)])
    for vendor in ctx.vendors():
        measured = measure(ctx, vendor, log)
        section.raw[vendor] = measured
        section.rows.extend(rows_for(vendor, measured, ctx.options.naive_sample))
        section.notes.extend(parity_notes(vendor, measured))
        if ctx.options.profile:
            section.notes.append(f"{vendor} profile: {ctx.profile_projector(vendor, log)}")
    if ctx.postgres_skipped:
        section.notes.append(f"PostgreSQL figures skipped: {ctx.postgres_skipped}")
    return section


def describe_log(log: GeneratedLog) -> str:
    s = log.summary
    return (f"log: {s.prs:,} PRs, {s.records:,} records, {s.bytes / 1e6:,.0f} MB, {s.huge} huge "
            f"PRs, {s.child_rows / s.prs:.1f} child rows per PR; medians: {s.median_files:g} "
            f"files, {s.median_commits:g} commits, {s.median_reviews:g} reviews, "
            f"{s.median_runs:g} check runs")


def measure(ctx: Context, vendor: str, log: GeneratedLog) -> dict[str, Any]:
    """Projector, naive and floor runs of ``log`` on ``vendor``."""
    projector = ctx.project(vendor, log)
    sample = min(ctx.options.naive_sample, log.summary.prs)
    db = ctx.database(vendor, "naive")
    ctx.say(f"naive ORM: {sample} PRs into {vendor}")
    naive = run_task("naive", bench_env(DATABASE_URL=db.url), log_dir=str(log.path), repo=REPO,
                     sample=sample, stride=max(1, log.summary.prs // sample))
    default = None
    if vendor == "sqlite":
        ctx.say(f"naive ORM on Django's default SQLite settings: {sample // 4} PRs")
        db = ctx.database(vendor, "naive_default")
        default = run_task("naive", bench_env(DATABASE_URL=db.url), log_dir=str(log.path),
                           repo=REPO, sample=sample // 4,
                           stride=max(1, log.summary.prs // (sample // 4)),
                           pragmas=list(DJANGO_DEFAULT_SQLITE))
    task, _ = FLOOR[vendor]
    db = ctx.database(vendor, "floor")
    ctx.say(f"floor: {log.summary.prs:,} PRs into {vendor}")
    floor = run_task(task, bench_env(DATABASE_URL=db.url), log_dir=str(log.path), repo=REPO,
                     dsn=db.dsn)
    ctx.say(f"comparing the projector's and the floor's rows on {vendor}")
    same = {run: run_task("fingerprint", vendor=vendor, dsn=dsn)["tables"]
            for run, dsn in (("projector", projector["dsn"]), ("floor", db.dsn))}
    return {"projector": projector, "naive": naive, "naive_default": default, "floor": floor,
            "fingerprints": same}


def per_second(result: dict[str, Any]) -> float:
    return result["prs"] / result["seconds"]


def rows_for(vendor: str, m: dict[str, Any], sample: int) -> list[Row]:
    name = f"projection {vendor}"
    projector, naive, floor = (per_second(m[k]) for k in ("projector", "naive", "floor"))
    floor_label = FLOOR[vendor][1]
    n = m["naive"]
    return [
        Row(name, f"naive ORM: {rate(naive, 'PR/s')} ({1000 / naive:.1f} ms/PR, "
                  f"{n['prs']} PRs)"),
        Row(name, f"floor ({floor_label}): {rate(floor, 'PR/s')}", f"naive {rate(naive, 'PR/s')}",
            times(floor / naive)),
        Row(name, f"projector: {rate(projector, 'PR/s')} ({m['projector']['prs']:,} PRs in "
                  f"{m['projector']['seconds']:.1f} s)", f"naive {rate(naive, 'PR/s')}",
            times(projector / naive), f">= {NAIVE_GOAL:g}x", projector / naive >= NAIVE_GOAL),
        Row(name, f"projector: {rate(projector, 'PR/s')}", f"floor {rate(floor, 'PR/s')}",
            times(projector / floor), f">= {FLOOR_GOAL:g}x", projector / floor >= FLOOR_GOAL),
        *_default_settings_rows(name, projector, m.get("naive_default")),
    ]


def _default_settings_rows(name: str, projector: float, naive: dict | None) -> list[Row]:
    """Context, not the goal: the naive way as the original seeder ran it, on Django's default
    SQLite settings (this project's WAL + synchronous=NORMAL also speed the naive way up)."""
    if not naive:
        return []
    speed = per_second(naive)
    return [Row(name, f"naive ORM, Django-default SQLite (journal DELETE, synchronous FULL): "
                      f"{rate(speed, 'PR/s')} ({1000 / speed:.1f} ms/PR, {naive['prs']} PRs)",
                f"projector {rate(projector, 'PR/s')}", times(projector / speed))]


def parity_notes(vendor: str, m: dict[str, Any]) -> list[str]:
    """Say whether projector and floor wrote the same rows, and what the naive sample held."""
    p, n, prints = m["projector"]["rows"], m["naive"], m["fingerprints"]
    differ = [t for t in prints["projector"] if prints["projector"][t] != prints["floor"][t]]
    same = f"DIFFERENT in {differ}" if differ else "identical (contents compared, ids aside)"
    return [f"{vendor}: rows written by the projector {p}; floor's rows {same}",
            f"{vendor}: naive sample of {n['prs']} PRs held {n['child_rows'] / n['prs']:.1f} "
            f"child rows per PR"]

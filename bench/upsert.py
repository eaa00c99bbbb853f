"""Benchmark 2: the projector's hand-written ``BulkUpsert`` against Django's ``bulk_create``.

The same projector, on the same log, writes the same rows twice per backend, each time in a
fresh process and a fresh copy of the migrated schema: once with its own statements
(``apps.seeding.projection.batch.Statements``: ``BulkUpsert``, i.e. ``executemany`` on SQLite,
``COPY`` into a staging table plus one ``INSERT ... SELECT ... ON CONFLICT`` on PostgreSQL), once
with every statement replaced by Django's ``bulk_create``: ``update_conflicts=True,
unique_fields=..., update_fields=...`` for the tables the projector upserts (members, PRs,
reviews) and a plain ``bulk_create`` for those it inserts after deleting a PR's old rows
(commits, files, CI; CI has only partial unique indexes, which ``ON CONFLICT`` cannot target
without their predicate). Two passes: a ``--clear``-style replay into empty tables (inserts),
then a forced replay of the same log over them (every upsert conflicts and updates; children are
deleted and inserted again). Timed: the time inside each statement's ``execute`` (the write
itself, values adapted by each way), and the whole projection. Both databases are then compared
row by row (``parity.py``).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from .child import bench_env, run_task
from .context import Context
from .generate import REPO
from .report import Row, Section, times

WAYS = ("bulk_upsert", "bulk_create")
TABLES = ("members", "prs", "reviews", "commits", "files", "ci")
CLEAR_MARGIN = 1.2   # "faster by a clear margin": at least 20% less write time


class Timed:
    """A statement whose ``execute`` time is added up."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.seconds, self.rows = inner, 0.0, 0

    def execute(self, rows: Any) -> int:
        started = time.perf_counter()
        n = self.inner.execute(rows)
        self.seconds += time.perf_counter() - started
        self.rows += n
        return n


class DjangoBulk:
    """``execute(rows)`` through ``bulk_create``, for tuples in the order of ``fields``."""

    def __init__(self, model: Any, fields: list[str], unique: list[str] | None) -> None:
        self.model, self.fields, self.unique = model, fields, unique
        self.update = None if unique is None else [f for f in fields if f not in unique]

    def execute(self, rows: Any) -> int:
        objs = [self.model(**dict(zip(self.fields, row, strict=True))) for row in rows]
        if not objs:
            return 0
        if self.unique is None:
            self.model.objects.bulk_create(objs)
        else:
            self.model.objects.bulk_create(objs, update_conflicts=True,
                                           unique_fields=self.unique,
                                           update_fields=self.update)
        return len(objs)


def statements(way: str) -> dict[str, Timed]:
    """The projector's statements, built the hand-written way or through Django."""
    from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
    from apps.seeding.projection import batch

    if way == "bulk_upsert":
        built = batch.Statements()
        return {name: Timed(getattr(built, name)) for name in TABLES}
    specs = {"members": (TeamMember, batch.MEMBER_FIELDS, ["team_id", "github_login"]),
             "prs": (PullRequest, batch.PR_FIELDS, batch.PR_FIELDS[:3]),
             "reviews": (PRReview, batch.REVIEW_FIELDS, ["team_id", "github_review_id"]),
             "commits": (Commit, batch.COMMIT_FIELDS, None),
             "files": (PRFile, batch.FILE_FIELDS, None),
             "ci": (PRCheckRun, batch.CI_FIELDS, None)}
    return {name: Timed(DjangoBulk(*spec)) for name, spec in specs.items()}


def project_twice(log_dir: str, repo: str, way: str) -> dict[str, Any]:
    """Child task: a replay into empty tables, then a forced replay over them, with ``way``'s
    statements; seconds per table and in all, per pass."""
    from types import SimpleNamespace

    from apps.seeding.projection.projector import Projector
    from apps.teams.models import Team
    from eventlog import EventLog

    team = Team.objects.create(name="Bench", slug="bench")
    passes = []
    for force in (False, True):
        timed = statements(way)
        projector = Projector(team, repo, EventLog(Path(log_dir)), force=force)
        projector.writer.sql = SimpleNamespace(**timed)
        started = time.perf_counter()
        report = projector.project(from_offset=0)
        passes.append({"seconds": time.perf_counter() - started,
                       "prs": report.created + report.updated,
                       "tables": {k: round(t.seconds, 4) for k, t in timed.items()},
                       "rows": {k: t.rows for k, t in timed.items()}})
    return {"passes": passes}


def run(ctx: Context) -> Section:
    log = ctx.log(ctx.options.upsert_prs)
    section = Section("upsert")
    for vendor in ctx.vendors():
        results, dsns = {}, {}
        for way in WAYS:
            db = ctx.database(vendor, f"upsert_{way}")
            ctx.say(f"upsert: {log.summary.prs:,} PRs into {vendor} through {way}, twice")
            results[way] = run_task("upsert_compare", bench_env(DATABASE_URL=db.url),
                                    log_dir=str(log.path), repo=REPO, way=way)
            dsns[way] = db.dsn
        prints = {way: run_task("fingerprint", vendor=vendor, dsn=dsn)["tables"]
                  for way, dsn in dsns.items()}
        section.raw[vendor] = {"results": results, "fingerprints": prints}
        section.rows.extend(rows_for(vendor, results, prints))
    section.notes.extend(notes(section, log.summary.prs))
    return section


def write_seconds(result: dict[str, Any], index: int) -> float:
    return sum(result["passes"][index]["tables"].values())


def rows_for(vendor: str, results: dict[str, Any], prints: dict[str, Any]) -> list[Row]:
    hand, django = results["bulk_upsert"], results["bulk_create"]
    same = prints["bulk_upsert"] == prints["bulk_create"]
    out = []
    for index, label in ((0, "into empty tables"), (1, "forced replay (updates)")):
        h, d = write_seconds(hand, index), write_seconds(django, index)
        out.append(Row(f"upsert {vendor}", f"BulkUpsert {label}: {h:.2f} s writing "
                       f"(projection {hand['passes'][index]['seconds']:.1f} s)",
                       f"bulk_create {d:.2f} s (projection "
                       f"{django['passes'][index]['seconds']:.1f} s)", times(d / h),
                       f">= {CLEAR_MARGIN:g}x, same rows", d / h >= CLEAR_MARGIN and same))
    return out


def notes(section: Section, prs: int) -> list[str]:
    out = [f"{prs:,}-PR generated log; ratio = bulk_create's write time / BulkUpsert's (time "
           "inside the statements only; the projection around them is the same code)"]
    for vendor, raw in section.raw.items():
        hand, django = (raw["results"][w]["passes"] for w in WAYS)
        for index, label in ((0, "first"), (1, "forced")):
            per = ", ".join(f"{t} {hand[index]['tables'][t]:.2f}/{django[index]['tables'][t]:.2f}"
                            for t in TABLES)
            out.append(f"{vendor} {label} pass, seconds BulkUpsert/bulk_create per table: {per}")
        same = raw["fingerprints"]["bulk_upsert"] == raw["fingerprints"]["bulk_create"]
        out.append(f"{vendor}: rows {hand[0]['rows']}; tables "
                   f"{'identical' if same else 'DIFFERENT'} (contents compared, ids aside)")
    return out

"""Child tasks: the floor, i.e. the same rows written with no ORM and no per-row Python work.

Rows are built from the log ahead of time, one batch of ``BATCH_PRS`` PRs at a time, as tuples
with pre-assigned primary keys for PRs and members (so no lookup is needed for foreign keys);
building is not timed. Team members are collected from the whole log first (also untimed) and
coalesced by the projector's own rule, so each is written once, complete. Only the writes are
timed: on SQLite, ``sqlite3`` ``executemany`` of the projector's statements (upserts for members,
PRs and reviews, inserts for commits, files and CI, see ``schema.write_sql``) in one ``BEGIN
IMMEDIATE`` transaction per batch, with the project's pragmas (WAL, ``synchronous=NORMAL``) and
foreign keys on, as Django sets them; on PostgreSQL, one ``COPY ... FROM STDIN`` per table per
batch, one transaction per batch. Same tables, indexes and constraints as the projector writes
into (a copy of the migrated template).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apps.seeding.projection import rows
from apps.seeding.projection.batch import _coalesce  # the projector's member rule, not a copy
from eventlog import EventLog

from .schema import COMMITS, FILES, MEMBERS, PRS, REVIEWS, RUNS, columns, count_rows, write_sql

BATCH_PRS = 500  # the projector's BATCH_EVENTS
Tables = dict[str, list[tuple]]
TIMES = {PRS: ("pr_created_at", "pr_updated_at", "merged_at", "closed_at", "first_review_at")}
JSON_FIELDS = ("labels", "assignees", "linked_issues", "missing_data")


def sqlite_floor(log_dir: str, repo: str, dsn: str) -> dict[str, Any]:
    conn = sqlite3.connect(dsn, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    team = _create_team(conn.cursor(), "?")
    statements = {table: write_sql(table) for table in columns()}

    def write(tables: Tables) -> None:
        conn.execute("BEGIN IMMEDIATE")
        for table, values in tables.items():
            conn.executemany(statements[table], values)
        conn.execute("COMMIT")

    result = _run(Path(log_dir), RowBuilder(team, repo, _sqlite_time), write)
    result["rows"] = count_rows(conn.cursor())
    return result


def postgres_floor(log_dir: str, repo: str, dsn: str) -> dict[str, Any]:
    import psycopg

    conn = psycopg.connect(dsn)
    with conn.transaction(), conn.cursor() as cur:
        team = _create_team(cur, "%s")
    cols = columns()

    def write(tables: Tables) -> None:
        with conn.transaction(), conn.cursor() as cur:
            for table, values in tables.items():
                with cur.copy(f"COPY {table} ({', '.join(cols[table])}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)

    result = _run(Path(log_dir), RowBuilder(team, repo, _pg_time), write)
    with conn.cursor() as cur:
        result["rows"] = count_rows(cur)
    return result


def _create_team(cursor, placeholder: str) -> int:
    cursor.execute(f"INSERT INTO teams_team (name, slug, created_at) VALUES "
                   f"({placeholder}, {placeholder}, {placeholder})",
                   ("Bench", "bench", datetime.now(UTC).isoformat()))
    cursor.execute("SELECT id FROM teams_team WHERE slug = 'bench'")
    return cursor.fetchone()[0]


def _run(log_dir: Path, builder: RowBuilder, write: Callable[[Tables], None]) -> dict[str, Any]:
    """Collect the members (untimed), build each batch (untimed), then write it (timed)."""
    builder.collect_members(data for batch in pr_batches(log_dir) for _, data in batch)
    seconds, prs = 0.0, 0
    for batch in pr_batches(log_dir):
        tables = builder.build(batch)
        started = time.perf_counter()
        write(tables)
        seconds += time.perf_counter() - started
        prs += len(batch)
    return {"seconds": seconds, "prs": prs}


def pr_batches(log_dir: Path) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    """``(seq, data)`` of the log's PR events, ``BATCH_PRS`` at a time."""
    batch = []
    for record in EventLog(log_dir).read():
        if record.type == "pr":
            batch.append((record.seq, record.data))
            if len(batch) == BATCH_PRS:
                yield batch
                batch = []
    if batch:
        yield batch


def _sqlite_time(value: datetime | str | None) -> str | None:
    """Django's SQLite storage of a datetime: naive UTC, ISO with a space."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _pg_time(value: datetime | str | None) -> datetime | str | None:
    return value  # COPY's text format takes GitHub's ISO strings as they are


class RowBuilder:
    """Turns PR events into table tuples with pre-assigned PR and member ids."""

    def __init__(self, team: int, repo: str, when: Callable[[Any], Any]) -> None:
        self.team, self.repo, self.when = team, repo, when
        self.members: dict[str, dict[str, Any]] = {}
        self.member_ids: dict[str, int] = {}
        self.next_pr = 1
        self.pr_columns = columns()[PRS]

    def collect_members(self, events: Iterator[dict[str, Any]]) -> None:
        """Every member of the log with its fields coalesced as the projector does."""
        for data in events:
            for actor in rows.actors(data):
                fields = rows.member_fields(actor)
                _coalesce(self.members.setdefault(actor["login"], fields), fields)

    def build(self, batch: list[tuple[int, dict[str, Any]]]) -> Tables:
        tables: Tables = {table: [] for table in columns()}
        for seq, data in batch:
            self._pr(tables, seq, data)
        return tables

    def _member(self, tables: Tables, actor: dict[str, Any] | None) -> int | None:
        if not actor:
            return None
        login = actor["login"]
        if login not in self.member_ids:
            self.member_ids[login] = member_id = len(self.member_ids) + 1
            f = self.members[login]
            tables[MEMBERS].append((member_id, self.team, login, f["github_id"],
                                    f["display_name"], f["is_bot"]))
        return self.member_ids[login]

    def _pr(self, tables: Tables, seq: int, data: dict[str, Any]) -> None:
        pr, self.next_pr = self.next_pr, self.next_pr + 1
        f = rows.pull_request_fields(data)
        for name in TIMES[PRS]:
            f[name] = self.when(f[name])
        for name in JSON_FIELDS:
            f[name] = json.dumps(f[name])
        f.update(id=pr, team_id=self.team, github_repo=self.repo, github_pr_id=data["number"],
                 author_id=self._member(tables, data.get("author")), event_seq=seq,
                 event_digest=rows.digest(data))
        tables[PRS].append(tuple(f[c] for c in self.pr_columns))
        self._children(tables, pr, data)

    def _children(self, tables: Tables, pr: int, data: dict[str, Any]) -> None:
        team, when, member = self.team, self.when, self._member
        for r in data["reviews"] or ():
            rid, state, body, submitted = rows.review_values(r)
            tables[REVIEWS].append((team, pr, member(tables, r["author"]), rid, state, body,
                                    when(submitted)))
        for c in data["commits"] or ():
            values = list(rows.commit_values(c))
            values[4] = when(values[4])
            tables[COMMITS].append((team, pr, self.repo, member(tables, c["author"]), *values))
        for f in data["files"] or ():
            tables[FILES].append((team, pr, *rows.file_values(f)))
        ci = [rows.check_run_values(r) for r in data["check_runs"] or ()]
        ci += [rows.status_values(s) for s in data["statuses"] or ()]
        for values in ci:
            values = list(values)
            values[5], values[6] = when(values[5]), when(values[6])
            tables[RUNS].append((team, pr, *values))

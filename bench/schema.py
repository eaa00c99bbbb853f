"""The metrics tables as plain SQL sees them (for ORM-free code and for counting rows).

Column tuples are the projector's own field lists (``apps.seeding.projection.batch``; the names
are Django ``attname``s, which are also the column names in this schema), with ``id`` first for
the two tables whose ids the floor pre-assigns. ``UNIQUE`` is the upsert target of the tables
the projector upserts; the others (commits, files, CI) it inserts after deleting the PR's old
rows, so a ``--clear`` replay only ever inserts them. Needs Django set up (the field lists live
beside the models).
"""

from __future__ import annotations

TEAM_TABLE = "teams_team"
MEMBERS = "metrics_teammember"
PRS = "metrics_pullrequest"
REVIEWS = "metrics_prreview"
COMMITS = "metrics_commit"
FILES = "metrics_prfile"
RUNS = "metrics_prcheckrun"
TABLES = (MEMBERS, PRS, REVIEWS, COMMITS, FILES, RUNS)


def columns() -> dict[str, tuple[str, ...]]:
    """Table -> the columns the projector writes, in its order."""
    from apps.seeding.projection import batch

    return {MEMBERS: ("id", *batch.MEMBER_FIELDS), PRS: ("id", *batch.PR_FIELDS),
            REVIEWS: tuple(batch.REVIEW_FIELDS), COMMITS: tuple(batch.COMMIT_FIELDS),
            FILES: tuple(batch.FILE_FIELDS), RUNS: tuple(batch.CI_FIELDS)}


UNIQUE: dict[str, tuple[str, ...]] = {
    MEMBERS: ("team_id", "github_login"),
    PRS: ("team_id", "github_repo", "github_pr_id"),
    REVIEWS: ("team_id", "github_review_id"),
}


def count_rows(cursor) -> dict[str, int]:
    """Rows per metrics table, through any DB-API cursor (sqlite3, psycopg, Django)."""
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table.removeprefix("metrics_")] = cursor.fetchone()[0]
    return counts


def write_sql(table: str, placeholder: str = "?") -> str:
    """The projector's statement for ``table``: ``INSERT ... ON CONFLICT (key) DO UPDATE`` of
    every other column for upserted tables, a plain ``INSERT`` for the others."""
    cols = columns()[table]
    sql = (f"INSERT INTO {table} ({', '.join(cols)}) "
           f"VALUES ({', '.join([placeholder] * len(cols))})")
    keys = UNIQUE.get(table)
    if keys is None:
        return sql
    changes = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in keys and c != "id")
    return f"{sql} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changes}"

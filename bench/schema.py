"""The metrics tables as plain SQL sees them (for ORM-free code and for counting rows).

Column tuples list what the projector writes; names are the Django ``attname``s, which are also
the column names in this schema. ``UNIQUE`` gives each table's natural key (its upsert target).
"""

from __future__ import annotations

from apps.seeding.projection import rows

TEAM_TABLE = "teams_team"
MEMBERS = "metrics_teammember"
PRS = "metrics_pullrequest"
REVIEWS = "metrics_prreview"
COMMITS = "metrics_commit"
FILES = "metrics_prfile"
RUNS = "metrics_prcheckrun"
TABLES = (MEMBERS, PRS, REVIEWS, COMMITS, FILES, RUNS)

COLUMNS: dict[str, tuple[str, ...]] = {
    MEMBERS: ("id", "team_id", "github_login", "github_id", "display_name", "is_bot"),
    PRS: ("id", "team_id", "github_repo", "github_pr_id", "title", "body", "state", "is_draft",
          "author_id", "pr_created_at", "pr_updated_at", "merged_at", "closed_at", "additions",
          "deletions", "changed_files", "commits_count", "head_ref", "base_ref", "head_sha",
          "labels", "assignees", "milestone_title", "linked_issues", "first_review_at",
          "review_time_hours", "cycle_time_hours", "event_seq", "event_digest"),
    REVIEWS: ("team_id", "pull_request_id", "reviewer_id", *rows.REVIEW_COLUMNS),
    COMMITS: ("team_id", "pull_request_id", "github_repo", "author_id", *rows.COMMIT_COLUMNS),
    FILES: ("team_id", "pull_request_id", *rows.FILE_COLUMNS),
    RUNS: ("team_id", "pull_request_id", *rows.CHECK_RUN_COLUMNS),
}
UNIQUE: dict[str, tuple[str, ...]] = {
    MEMBERS: ("team_id", "github_login"),
    PRS: ("team_id", "github_repo", "github_pr_id"),
    REVIEWS: ("team_id", "github_review_id"),
    COMMITS: ("team_id", "github_sha"),
    FILES: ("pull_request_id", "filename"),
    RUNS: ("team_id", "github_check_run_id"),
}


def count_rows(cursor) -> dict[str, int]:
    """Rows per metrics table, through any DB-API cursor (sqlite3, psycopg, Django)."""
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT count(*) FROM {table}")
        counts[table.removeprefix("metrics_")] = cursor.fetchone()[0]
    return counts


def upsert_sql(table: str, placeholder: str = "?") -> str:
    """``INSERT ... ON CONFLICT (key) DO UPDATE`` of every column but the key and ``id``."""
    columns, keys = COLUMNS[table], UNIQUE[table]
    changes = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys and c != "id")
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join([placeholder] * len(columns))}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {changes}")

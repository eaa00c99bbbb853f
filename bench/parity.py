"""Child task: a fingerprint of the metrics tables' contents, to check two writers agree.

Rows are compared without surrogate keys: ids are dropped and foreign keys replaced by the
natural key they point at (member login, PR number), so the projector's rows and the floor's
rows (which pre-assigns ids) fingerprint alike exactly when they hold the same data.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from .schema import MEMBERS, PRS, TABLES

MEMBER_FKS = ("author_id", "reviewer_id")


def fingerprint(vendor: str, dsn: str) -> dict[str, Any]:
    if vendor == "sqlite":
        with sqlite3.connect(dsn) as conn:
            return {"tables": table_digests(conn.cursor())}
    import psycopg

    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        return {"tables": table_digests(cursor)}


def table_digests(cursor) -> dict[str, str]:
    """``table -> sha256`` of its sorted rows, ids replaced by natural keys."""
    cursor.execute(f"SELECT id, github_login FROM {MEMBERS}")
    members = dict(cursor.fetchall())
    cursor.execute(f"SELECT id, github_pr_id FROM {PRS}")
    prs = dict(cursor.fetchall())
    digests = {}
    for table in TABLES:
        cursor.execute(f"SELECT * FROM {table}")
        columns = [d[0] for d in cursor.description]
        rows = sorted(repr(_natural(dict(zip(columns, row, strict=True)), members, prs))
                      for row in cursor.fetchall())
        digests[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
    return digests


def _natural(row: dict[str, Any], members: dict[int, str], prs: dict[int, int]) -> list:
    row.pop("id")
    row.pop("team_id")
    for fk in MEMBER_FKS:
        if fk in row:
            row[fk] = members.get(row[fk])
    if "pull_request_id" in row:
        row["pull_request_id"] = prs.get(row["pull_request_id"])
    return sorted(row.items())

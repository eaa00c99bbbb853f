"""Bulk upserts with ``executemany``: ``INSERT ... ON CONFLICT (key) DO UPDATE``.

The ORM's ``bulk_create(update_conflicts=True)`` spends most of its time compiling SQL and
preparing values field by field; the projector writes tens of thousands of rows per second, so
it builds each statement once and sends plain tuples. On SQLite (3.24+) that is ``executemany``,
a C loop over one prepared statement; on PostgreSQL, ``COPY`` into a staging table and one
``INSERT ... SELECT ... ON CONFLICT`` per call. PostgreSQL refuses a key twice in one statement
("cannot affect row a second time"), so callers de-duplicate rows by their unique key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models


class BulkUpsert:
    """An upsert of ``model`` rows given as tuples in the order of ``fields`` (attnames)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str],
                 unique: Sequence[str], update: Sequence[str] | None = None) -> None:
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        self.fields = list(fields)
        adapters = [_adapter(by_attname[name]) for name in self.fields]
        self._adapters = [(i, a) for i, a in enumerate(adapters) if a is not None]
        q = connection.ops.quote_name
        columns = [by_attname[name].column for name in self.fields]
        keys = [by_attname[name].column for name in unique]
        update = [n for n in self.fields if n not in unique] if update is None else update
        changes = ", ".join(f"{q(by_attname[n].column)} = excluded.{q(by_attname[n].column)}"
                            for n in update)
        action = f"DO UPDATE SET {changes}" if changes else "DO NOTHING"
        table, cols = q(meta.db_table), ", ".join(map(q, columns))
        conflict = f"ON CONFLICT ({', '.join(map(q, keys))}) {action}"
        self.sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))}) " \
            + conflict
        stage = q(f"_stage_{meta.db_table}")
        self._stage_sql = (
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {cols} FROM {table} WITH NO DATA",
            f"COPY {stage} ({cols}) FROM STDIN",
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} {conflict}",
            f"TRUNCATE {stage}",
        )

    def execute(self, rows: Iterable[Sequence[Any]]) -> int:
        """Upsert ``rows``; returns how many were sent."""
        params = [self._adapt(row) for row in rows] if self._adapters else list(rows)
        if not params:
            return 0
        if connection.vendor == "postgresql":
            self._copy(params)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, params)
        return len(params)

    def _copy(self, params: list[Sequence[Any]]) -> None:
        """PostgreSQL: COPY the rows into a session-local staging table, then upsert them in
        one set-based statement (same transaction as the caller; the stage is emptied after)."""
        create, copy_sql, upsert, truncate = self._stage_sql
        with connection.cursor() as cursor:
            cursor.execute(create)
            with cursor.cursor.copy(copy_sql) as copy:
                for row in params:
                    copy.write_row(row)
            cursor.execute(upsert)
            cursor.execute(truncate)


    def _adapt(self, row: Sequence[Any]) -> list[Any]:
        values = list(row)
        for i, adapt in self._adapters:
            if values[i] is not None:
                values[i] = adapt(values[i])
        return values


def _sqlite_datetime(value: datetime | str) -> str:
    """Django's SQLite storage of a datetime (naive UTC, ISO with a space), without the
    per-call settings lookups of ``adapt_datetimefield_value``. Also takes GitHub's ISO
    strings (``2026-01-02T03:04:05Z``), which PostgreSQL casts by itself."""
    if isinstance(value, str):
        if len(value) == 20 and value[10] == "T" and value[19] == "Z":
            return f"{value[:10]} {value[11:19]}"
        value = datetime.fromisoformat(value)
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a Python value of ``field`` is handed to the driver (None: as is)."""
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if connection.vendor == "sqlite" else None
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    return None

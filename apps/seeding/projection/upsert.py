"""Bulk writes of plain tuples: ``INSERT ... ON CONFLICT (key) DO UPDATE`` (or a plain insert).

The ORM's ``bulk_create(update_conflicts=True)`` spends most of its time compiling SQL and
preparing values field by field (measured in ``bench/``: see ``bench/README.md``); the projector
writes tens of thousands of rows per second, so each statement is built once per projector and
rows are sent as tuples. On SQLite (3.24+) that is ``executemany``, a C loop over one prepared
statement; on PostgreSQL, ``COPY`` into a staging table and one ``INSERT ... SELECT`` per call.
PostgreSQL refuses a key twice in one statement ("cannot affect row a second time"), so callers
de-duplicate rows by their unique key.

Values are made storable here, in one place: text the database cannot hold becomes U+FFFD
(``\\u0000`` on PostgreSQL, lone surrogates on both; the log keeps the exact original), and an
integer outside its column's range or text longer than its column raises ``ValueOutOfRange`` on
every database (a data error: the projector quarantines the PR, it never clamps or cuts; SQLite
would store text beyond a column's length, PostgreSQL refuses it, so both refuse it here). A
driver error during PostgreSQL's COPY is raised as Django's (``DataError`` ...), like every other
statement's, so the projector's quarantine sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations

from ..timestamps import parse_ts

INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
_UNSTORABLE = {"postgresql": re.compile("[\x00\ud800-\udfff]"),
               "sqlite": re.compile("[\ud800-\udfff]")}


class ValueOutOfRange(ValueError):
    """A value does not fit its column (an id beyond 64 bits, text beyond a column's length)."""


class BulkUpsert:
    """A write of ``model`` rows given as tuples in the order of ``fields`` (attnames):
    an upsert on ``unique``, or a plain insert when ``unique`` is ``None``."""

    def __init__(self, model: type[models.Model], fields: Sequence[str],
                 unique: Sequence[str] | None, update: Sequence[str] | None = None) -> None:
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        self.fields = list(fields)
        columns = [_column(i, by_attname[name]) for i, name in enumerate(self.fields)]
        self._columns = [c for c in columns if c is not None]
        q = connection.ops.quote_name
        columns = [by_attname[name].column for name in self.fields]
        table, cols = q(meta.db_table), ", ".join(map(q, columns))
        conflict = "" if unique is None else _conflict(by_attname, self.fields, unique, update, q)
        # Rows are upserted in key order, so concurrent projections of one team's repositories
        # lock the rows they share (members) in the same order and never deadlock.
        order = "" if unique is None else \
            " ORDER BY " + ", ".join(q(by_attname[name].column) for name in unique)
        self.sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(columns))}) " \
            + conflict
        stage = q(f"_stage_{meta.db_table}")
        self._stage_sql = (
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {cols} FROM {table} WITH NO DATA",
            f"COPY {stage} ({cols}) FROM STDIN",
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage}{order} {conflict}",
            f"TRUNCATE {stage}",
        )

    def execute(self, rows: Iterable[Sequence[Any]]) -> int:
        """Write ``rows``; returns how many were sent. Raises ``ValueOutOfRange`` (before
        writing anything) for an integer its column cannot hold."""
        params = [list(row) for row in rows]
        if not params:
            return 0
        self._adapt(params)
        if connection.vendor == "postgresql":
            self._copy(params)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, params)
        return len(params)

    def _copy(self, params: list[Sequence[Any]]) -> None:
        """PostgreSQL: COPY the rows into a session-local staging table, then write them in
        one set-based statement (same transaction as the caller; the stage is emptied after)."""
        create, copy_sql, upsert, truncate = self._stage_sql
        with connection.cursor() as cursor:
            cursor.execute(create)
            cursor.execute(truncate)  # a failed earlier statement may have left rows behind
            with connection.wrap_database_errors, cursor.cursor.copy(copy_sql) as copy:
                for row in params:
                    copy.write_row(row)
            cursor.execute(upsert)
            cursor.execute(truncate)

    def _adapt(self, params: list[list[Any]]) -> None:
        """Make every value storable, column by column: a column whose values are all fine
        (checked by one C-level pass: ASCII text, integers in range) is left as it is."""
        for column in self._columns:
            i = column.index
            present = [row[i] for row in params if row[i] is not None]
            if not present or (column.clean is not None and column.clean(present)):
                continue
            adapt = column.adapt
            for row in params:
                if row[i] is not None:
                    row[i] = adapt(row[i])


def _conflict(by_attname: dict[str, models.Field], fields: list[str], unique: Sequence[str],
              update: Sequence[str] | None, q: Callable[[str], str]) -> str:
    keys = [by_attname[name].column for name in unique]
    update = [n for n in fields if n not in unique] if update is None else update
    changes = ", ".join(f"{q(by_attname[n].column)} = excluded.{q(by_attname[n].column)}"
                        for n in update)
    action = f"DO UPDATE SET {changes}" if changes else "DO NOTHING"
    return f"ON CONFLICT ({', '.join(map(q, keys))}) {action}"


def text_adapter(vendor: str) -> Callable[[str], str]:
    """The function making text storable on ``vendor`` (built once per statement: it runs for
    every text value the projector writes)."""
    pattern = _UNSTORABLE.get(vendor)
    if pattern is None:
        return lambda value: value

    def adapt(value: str) -> str:
        if value.isascii() and "\x00" not in value:  # nearly every value: nothing to change
            return value
        return pattern.sub("\ufffd", value)
    return adapt


def storable_text(value: str) -> str:
    """``value`` as the current database can hold it (U+FFFD for what it cannot)."""
    if value.isascii() and "\x00" not in value:
        return value
    return text_adapter(connection.vendor)(value)


def _storable_json(value: Any) -> Any:
    if isinstance(value, str):
        return storable_text(value)
    if isinstance(value, list):
        return [_storable_json(v) for v in value]
    if isinstance(value, dict):
        return {storable_text(k): _storable_json(v) for k, v in value.items()}
    return value


def _sqlite_datetime(value: datetime | str) -> str:
    """Django's SQLite storage of a datetime (naive UTC, ISO with a space), without the
    per-call settings lookups of ``adapt_datetimefield_value``. Also takes GitHub's ISO
    strings (``2026-01-02T03:04:05Z``), which PostgreSQL casts by itself."""
    if isinstance(value, str):
        if len(value) == 20 and value[10] == "T" and value[19] == "Z":
            return f"{value[:10]} {value[11:19]}"
        value = parse_ts(value)
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _in_range(field: models.Field) -> Callable[[int], int]:
    low, high = INTEGER_RANGES[field.get_internal_type()]

    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueOutOfRange(f"{field.model._meta.db_table}.{field.column} cannot hold "
                                  f"{value} (range {low}..{high})")
        return value
    return check


def _fitting_text(field: models.Field, storable: Callable[[str], str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        value = storable(value)
        if len(value) > field.max_length:
            raise ValueOutOfRange(f"{field.model._meta.db_table}.{field.column} cannot hold "
                                  f"{len(value)} characters (at most {field.max_length}): "
                                  f"{value[:40]!r}")
        return value
    return check


@dataclass(frozen=True, slots=True)
class _Column:
    """How the values of one column are made storable: ``adapt`` one value; ``clean`` (if
    given) tells in one pass that no value of a batch needs it."""

    index: int
    adapt: Callable[[Any], Any]
    clean: Callable[[list[Any]], bool] | None = None


def _column(index: int, field: models.Field) -> _Column | None:
    """How a Python value of ``field`` is handed to the driver (None: as is)."""
    if isinstance(field, models.DateTimeField):
        return _Column(index, _sqlite_datetime) if connection.vendor == "sqlite" else None
    if isinstance(field, models.JSONField):
        return _Column(index, lambda value: connection.ops.adapt_json_value(
            _storable_json(value), field.encoder))
    if isinstance(field, models.CharField | models.TextField):
        limit = field.max_length if isinstance(field, models.CharField) else None
        adapt = text_adapter(connection.vendor)
        return _Column(index, _fitting_text(field, adapt) if limit else adapt,
                       lambda values: _clean_text(values, limit))
    if field.get_internal_type() in INTEGER_RANGES and not field.primary_key \
            and not isinstance(field, models.ForeignKey):
        low, high = INTEGER_RANGES[field.get_internal_type()]
        return _Column(index, _in_range(field),
                       lambda values: low <= min(values) and max(values) <= high)
    return None


def _clean_text(values: list[str], limit: int | None) -> bool:
    """ASCII without NUL (storable anywhere), and within ``limit`` characters."""
    joined = "".join(values)
    if not joined.isascii() or "\x00" in joined:
        return False
    return limit is None or max(map(len, values)) <= limit

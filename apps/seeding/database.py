"""Is the database ready for seeding? One line that says what to run when it is not (not
migrated, unreachable, locked), checked before any work, without creating an empty SQLite file."""

from __future__ import annotations

from pathlib import Path

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from .errors import SeedingError

APPS = ("teams", "metrics", "seeding")


class DatabaseNotReady(SeedingError):
    """The database cannot be used as it is (exit code 1)."""

    exit_code = 1


def check_database() -> None:
    """Raise ``DatabaseNotReady`` unless the database exists, answers and is migrated."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite" and settings["NAME"] != ":memory:" and \
            "mode=memory" not in str(settings["NAME"]) and not Path(settings["NAME"]).exists():
        raise DatabaseNotReady(f"there is no database at {settings['NAME']}: run `python "
                               "manage.py migrate` first (or set DATABASE_URL)")
    try:
        executor = MigrationExecutor(connection)
        targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] in APPS]
        pending = executor.migration_plan(targets)
    except DatabaseError as e:
        raise DatabaseNotReady(database_problem(e)) from None
    if pending:
        raise DatabaseNotReady(f"the database is not migrated ({len(pending)} migrations "
                               "pending): run `python manage.py migrate`")


def database_problem(error: DatabaseError) -> str:
    """A database error as one line with what to check."""
    text = " ".join(str(error).split()) or type(error).__name__
    if "locked" in text.lower():
        return f"the database is locked ({text[:200]}): another process holds it; try again"
    if "no such table" in text.lower() or "does not exist" in text.lower():
        return f"the database is not migrated ({text[:200]}): run `python manage.py migrate`"
    return f"cannot use the database ({text[:200]}): check DATABASE_URL and that the server runs"

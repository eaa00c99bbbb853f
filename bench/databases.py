"""Bench databases: created by the project's migrations, never the project's own ``db.sqlite3``.

Each backend is migrated once per bench run into a template (``manage.py migrate`` in a child
process with ``DATABASE_URL`` pointing at it); every measurement then gets a fresh copy, so all
of them write into the same schema, indexes and constraints. SQLite copies are files in the
scratch directory; PostgreSQL copies are ``bench_*`` databases made with
``CREATE DATABASE ... TEMPLATE bench_template`` and dropped by ``drop_all``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .child import bench_env
from .workspace import PROJECT_ROOT, Workspace

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_PREFIX = "bench_"


class DatabaseSetupError(RuntimeError):
    """Migrating or copying a bench database failed."""


@dataclass(frozen=True, slots=True)
class BenchDatabase:
    """One fresh, migrated database: ``url`` for Django, ``dsn`` for plain drivers."""

    vendor: str  # "sqlite" | "postgresql"
    name: str
    url: str
    dsn: str


def migrate(url: str) -> None:
    """Run the project's migrations against ``url`` in a child process."""
    proc = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"],
                          cwd=PROJECT_ROOT, env=bench_env(DATABASE_URL=url),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DatabaseSetupError(f"migrate {url} failed:\n{proc.stderr[-2000:]}")


class SqliteDatabases:
    """Fresh SQLite files copied from a migrated template."""

    vendor = "sqlite"

    def __init__(self, workspace: Workspace) -> None:
        self.home = workspace.scratch("sqlite")
        self.template = self.home / "template.sqlite3"
        migrate(f"sqlite:///{self.template}")

    def fresh(self, name: str) -> BenchDatabase:
        path = self.home / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, path)
        return BenchDatabase(self.vendor, name, f"sqlite:///{path}", str(path))

    def drop_all(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


class PostgresDatabases:
    """Fresh ``bench_*`` PostgreSQL databases copied from a migrated template."""

    vendor = "postgresql"

    def __init__(self, admin_url: str = DEFAULT_POSTGRES_URL) -> None:
        self.admin_url = admin_url
        self.created: list[str] = []
        self.template = f"{PG_PREFIX}template"
        self._recreate(self.template)
        migrate(self._url(self.template))

    @staticmethod
    def available(admin_url: str = DEFAULT_POSTGRES_URL) -> str | None:
        """``None`` when PostgreSQL answers at ``admin_url``, else why not."""
        import psycopg

        try:
            with psycopg.connect(admin_url, connect_timeout=3):
                return None
        except psycopg.Error as e:
            return str(e).strip().splitlines()[0]

    def fresh(self, name: str) -> BenchDatabase:
        db = f"{PG_PREFIX}{name}"
        self._recreate(db, template=self.template)
        url = self._url(db)
        return BenchDatabase(self.vendor, db, url, url)

    def drop_all(self) -> None:
        for name in reversed(self.created):
            self._sql(f'DROP DATABASE IF EXISTS "{name}"')
        self.created.clear()

    def _recreate(self, name: str, template: str | None = None) -> None:
        assert name.startswith(PG_PREFIX), name  # only ever touch our own databases
        self._sql(f'DROP DATABASE IF EXISTS "{name}"')
        self._sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        if name not in self.created:
            self.created.append(name)

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(statement)

    def _url(self, db: str) -> str:
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(path=f"/{db}"))

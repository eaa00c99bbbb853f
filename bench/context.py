"""What the benchmarks share in one run: options, work directory, databases, cached results.

Databases are created on first use (SQLite always; PostgreSQL when asked for or available) and
dropped by ``close``. Projector runs are remembered by (vendor, PRs), so the memory benchmark
reuses the projection benchmark's run of the same log instead of repeating it.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from .child import bench_env, run_task
from .databases import BenchDatabase, PostgresDatabases, SqliteDatabases
from .generate import REPO
from .options import Options
from .workspace import PROJECT_ROOT, GeneratedLog, Workspace

RESULTS_DIR = PROJECT_ROOT / "bench" / "results"


class Context:
    """Shared state of one ``python -m bench`` run."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.workspace = Workspace(options.workdir)
        self._sqlite: SqliteDatabases | None = None
        self._postgres: PostgresDatabases | None = None
        self.postgres_skipped: str | None = None
        self.projections: dict[tuple[str, int], dict[str, Any]] = {}
        self.started = time.perf_counter()

    def say(self, message: str) -> None:
        """Progress on stderr (the table goes to stdout)."""
        print(f"[bench {time.perf_counter() - self.started:6.1f}s] {message}", file=sys.stderr,
              flush=True)

    def log(self, prs: int) -> GeneratedLog:
        """The generated log of ``prs`` PRs (generated once, cached in the work directory)."""
        home = self.workspace.root / "logs"
        if not any(home.glob(f"prs{prs}-seed{self.options.seed}-*/summary.json")):
            self.say(f"generating a log of {prs:,} PRs (cached for later runs)")
        return self.workspace.log(prs, self.options.seed)

    def database(self, vendor: str, name: str) -> BenchDatabase:
        """A fresh, migrated database of ``vendor`` (``sqlite`` or ``postgresql``)."""
        if vendor == "sqlite":
            if self._sqlite is None:
                self._sqlite = SqliteDatabases(self.workspace)
            return self._sqlite.fresh(name)
        if self._postgres is None:
            self._postgres = PostgresDatabases(self.options.postgres_url)
        return self._postgres.fresh(name)

    def vendors(self) -> list[str]:
        """``sqlite``, plus ``postgresql`` when wanted and reachable."""
        if self.options.postgres is False:
            self.postgres_skipped = "--no-postgres"
            return ["sqlite"]
        problem = PostgresDatabases.available(self.options.postgres_url)
        if problem is None:
            return ["sqlite", "postgresql"]
        if self.options.postgres:
            raise SystemExit(f"bench: PostgreSQL required but not reachable: {problem}")
        self.postgres_skipped = f"PostgreSQL not reachable ({problem})"
        return ["sqlite"]

    def project(self, vendor: str, log: GeneratedLog) -> dict[str, Any]:
        """The projector's full replay of ``log`` into a fresh database, in a fresh process."""
        key = (vendor, log.summary.prs)
        if key not in self.projections:
            db = self.database(vendor, f"project_{log.summary.prs}")
            self.say(f"projector: {log.summary.prs:,} PRs into {vendor}")
            result = run_task("project", bench_env(DATABASE_URL=db.url), log_dir=str(log.path),
                              repo=REPO)
            self.projections[key] = {**result, "dsn": db.dsn}
        return self.projections[key]

    def profile_projector(self, vendor: str, log: GeneratedLog) -> str:
        """A separate, cProfiled projector run (not timed for the table); its stats file
        (``.pstats``, with a ``.txt`` summary beside it)."""
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"projector-{vendor}-{log.summary.prs}.pstats"
        db = self.database(vendor, f"profile_{log.summary.prs}")
        self.say(f"projector under cProfile: {log.summary.prs:,} PRs into {vendor}")
        run_task("project", bench_env(DATABASE_URL=db.url), log_dir=str(log.path), repo=REPO,
                 profile=str(path))
        return str(path.relative_to(PROJECT_ROOT))

    def close(self) -> None:
        for dbs in (self._postgres, self._sqlite):
            if dbs is not None:
                dbs.drop_all()
        self.workspace.clean_scratch()

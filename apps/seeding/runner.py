"""Running many repositories: one after another, or up to ``jobs`` at once under one token pool.

Each repository keeps its own log, lock, cursor and resume; jobs share the token pool (budgets
per user, a few requests per token at a time, waits seen by every job) and the database: on
SQLite one projection writes at a time (its single writer), on PostgreSQL projections run
concurrently, and a repository whose fetch is done is projected while others still fetch. One
failing repository never stops the others. Ctrl-C / SIGTERM: with one job the interrupt ends the
run where it is (after recording the stop); with several, every job stops at its next safe
point, records the stop, and the run ends with every committed page kept.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, connections, transaction

from apps.teams.models import Team

from .fetch.github.client import GraphQLClient
from .fetch.interrupts import InterruptRequest, StopFlag, signals_to
from .outcome import Outcome, RepoOutcome
from .registry import Project
from .service import RepoSeeder, SeedOptions, clear_repos
from .service import clear_team as clear_team_rows


@dataclass(frozen=True, slots=True)
class Job:
    project: Project
    repo: str
    options: SeedOptions


class Runner:
    """Seeds jobs; ``client_factory()`` builds one client per job thread on the shared pool."""

    def __init__(self, cache_dir: Path, client_factory: Callable[[], GraphQLClient], reporter,
                 *, jobs: int = 1, stop: StopFlag | None = None) -> None:
        self.cache_dir, self.client_factory, self.reporter = cache_dir, client_factory, reporter
        self.jobs, self.stop = max(1, jobs), stop or StopFlag()
        self._projection_lock = threading.Lock() if connection.vendor == "sqlite" else None

    def run(self, projects: list[Project], options: dict[str, SeedOptions], *,
            clear: bool = False, clear_team: bool = False) -> list[RepoOutcome]:
        """Seed every repository of ``projects``; ``clear`` first deletes the rows of exactly
        those repositories (``clear_team``: every row of their teams)."""
        work = [Job(p, repo, options[p.key]) for p in projects for repo in p.repos]
        teams = {p.key: ensure_team(p) for p in projects}
        if clear:
            for project in projects:
                team = teams[project.key]
                counts = clear_team_rows(team) if clear_team else \
                    clear_repos(team, list(project.repos))
                self.reporter.cleared(team.slug, project.repos, counts)
        if self.jobs == 1 or len(work) == 1:
            return [self._seed(RepoSeeder(**self._seeder_args()), teams, job) for job in work]
        return self._parallel(work, teams)

    def _seeder_args(self) -> dict:
        return {"cache_dir": self.cache_dir, "client_factory": self.client_factory,
                "reporter": self.reporter, "projection_progress": self.reporter.projection,
                "projection_lock": self._projection_lock,
                "stop": self.stop if self.jobs > 1 else None}

    def _seed(self, seeder: RepoSeeder, teams: dict[str, Team], job: Job) -> RepoOutcome:
        self.reporter.repo_started(job.repo)
        outcome = seeder.seed(teams[job.project.key], job.repo, job.options)
        self.reporter.repo_finished(job.repo, outcome)
        return outcome

    # -- several at once ---------------------------------------------------------------------

    def _parallel(self, work: list[Job], teams: dict[str, Team]) -> list[RepoOutcome]:
        local = threading.local()
        # while jobs run in threads, SIGINT and SIGTERM only ask every job to stop
        with signals_to(self.stop.request), \
                ThreadPoolExecutor(self.jobs, thread_name_prefix="seed") as pool:
            futures = [pool.submit(self._job, local, teams, job) for job in work]
            outcomes = [f.result() for f in futures]
        if self.stop.requested:
            raise InterruptRequest(self.stop.signum)
        return outcomes

    def _job(self, local: threading.local, teams: dict[str, Team], job: Job) -> RepoOutcome:
        if self.stop.requested:
            return RepoOutcome(job.repo, job.project.team_slug, job.repo, Outcome.STOPPED,
                               "not started: the run was stopped")
        if not hasattr(local, "seeder"):
            local.seeder = RepoSeeder(**self._seeder_args())
        try:
            return self._seed(local.seeder, teams, job)
        except InterruptRequest as stop:
            outcome = RepoOutcome(job.repo, job.project.team_slug, job.repo)
            outcome.fail(Outcome.STOPPED, f"stopped by {signal.Signals(stop.signum).name}; "
                         "everything committed is kept")
            return outcome
        finally:
            connections.close_all()  # this thread's connections; a job thread may end now


def ensure_team(project: Project) -> Team:
    with transaction.atomic():
        team, _ = Team.objects.get_or_create(slug=project.team_slug,
                                             defaults={"name": project.team_name})
    return team


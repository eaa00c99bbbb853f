"""Seeding one repository: fetch what the log lacks, then project the log into the database.

The writer lock of the repo's log is held for the whole run (fetch and projection), so a second
process on the same repo is refused with the holder's PID while other repos proceed in parallel.
Projection always runs, also after a failed fetch, so a run never throws away good data.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.teams.models import Team
from eventlog import EventLog, EventLogError, LogLockedError, open_writer, repo_dir
from eventlog.lock import WriterLock
from eventlog.manifest import MANIFEST_NAME
from eventlog.segment import is_segment_file

from .fetch.state import FetchRequest, FetchState, parse_ts
from .fetch.fetcher import Fetcher, FetchError, FetchReporter, resume_hint
from .fetch.github.client import GraphQLClient
from .fetch.github.errors import GitHubError
from .models import AppliedOffset
from .projection.projector import Progress, ProjectionReport, Projector, Window, forget_projection

STALE_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class SeedOptions:
    fetch: FetchRequest
    window: Window
    refresh: bool = False
    fsync: str = "always"


@dataclass(slots=True)
class RepoOutcome:
    """How one repo's run ended; ``ok`` is false when the command must exit non-zero."""

    repo: str
    team: str
    status: str = "ok"            # ok | failed | stopped | locked | error
    message: str = ""
    api: dict[str, Any] = field(default_factory=dict)
    fetched_prs: int = 0
    projection: ProjectionReport | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class RepoSeeder:
    """Runs fetch + projection for repos, one at a time."""

    def __init__(self, cache_dir: Path, client_factory: Callable[[], GraphQLClient], *,
                 reporter: FetchReporter, projection_progress: Callable[[str, int], Progress]):
        self.cache_dir = Path(cache_dir)
        self.client_factory = client_factory
        self.reporter = reporter
        self.projection_progress = projection_progress
        self._client: GraphQLClient | None = None

    def seed(self, team: Team, repo: str, options: SeedOptions) -> RepoOutcome:
        outcome = RepoOutcome(repo, team.slug)
        log_dir = repo_dir(self.cache_dir, repo)
        try:
            if options.refresh:
                discard_log(log_dir)
                forget_projection(team, repo)
            with open_writer(log_dir, fsync=options.fsync) as writer:
                if not writer.recovery.clean:
                    outcome.warnings.append(writer.recovery.describe())
                outcome.warnings.extend(forget_projections_past(repo, writer.next_seq))
                state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
                self._fetch(writer, repo, state, options, outcome)
                self._project(team, repo, log_dir, options, outcome)
        except LogLockedError as e:
            outcome.status, outcome.message = "locked", str(e)
        except EventLogError as e:
            outcome.status, outcome.message = "error", str(e)
        except DatabaseError as e:
            outcome.status, outcome.message = "error", f"database error: {e}"
        except OSError as e:  # the cache directory cannot be created, read or written
            where = f" ({e.filename})" if e.filename and str(e.filename) != str(log_dir) else ""
            outcome.status = "error"
            outcome.message = f"cannot use the log directory {log_dir}: {e.strerror or e}{where}"
        return outcome

    def _fetch(self, writer, repo: str, state: FetchState, options: SeedOptions,
               outcome: RepoOutcome) -> None:
        request = options.fetch
        outcome.warnings.extend(staleness_warnings(state, request))
        if request.check_runs and state.check_runs is False:
            outcome.warnings.append("the log was fetched without check runs; PRs already in "
                                    "it have none (use --refresh to fetch them)")
        if state.next_pass(request, update_done=False) is None:
            return
        try:
            client = self._get_client()
        except GitHubError as e:
            outcome.status, outcome.message = "error", str(e)
            return
        before = client.stats.as_dict()
        fetcher = Fetcher(writer, client, repo, reporter=self.reporter)
        try:
            fetcher.run(state, request)
        except FetchError as e:
            outcome.status = e.status
            outcome.message = f"{e}; {resume_hint(e)}"
        outcome.fetched_prs = fetcher.fetched_prs
        after = client.stats.as_dict()
        outcome.api = {k: round(after[k] - before.get(k, 0), 1) for k in after}

    def _get_client(self) -> GraphQLClient:
        if self._client is None:
            self._client = self.client_factory()
        return self._client

    def _project(self, team: Team, repo: str, log_dir: Path, options: SeedOptions,
                 outcome: RepoOutcome) -> None:
        log = EventLog(log_dir)
        projector = Projector(team, repo, log, window=options.window)
        progress = self.projection_progress(repo, log.next_seq())
        outcome.projection = projector.project(progress=progress)


def staleness_warnings(state: FetchState, request: FetchRequest,
                       now: datetime | None = None) -> list[str]:
    """A warning when the last complete pass is older than a week (and no update is asked)."""
    synced = parse_ts(state.synced_at)
    now = now or datetime.now(UTC)
    if synced is None or request.update or now - synced < STALE_AFTER:
        return []
    days = (now - synced).days
    return [f"the log was last synced {days} days ago; run with --update to fetch what changed "
            "since (or --refresh to fetch everything again)"]


def discard_log(log_dir: Path) -> None:
    """Delete a repo's log files (under its writer lock); the directory and lock file stay."""
    if not log_dir.is_dir():
        return
    with WriterLock(log_dir):
        for entry in os.listdir(log_dir):
            if is_segment_file(entry) or entry in (MANIFEST_NAME, MANIFEST_NAME + ".tmp"):
                os.unlink(log_dir / entry)


def forget_projections_past(repo: str, next_seq: int) -> list[str]:
    """Forget every team's projection of ``repo`` that got past the end of its log.

    Such a log lost records that were projected (its directory was deleted, a crash under
    ``SEEDING_FSYNC=never``, a truncated file). What is fetched next reuses their seqs, so the
    projector, which skips events not newer than a row's, would skip it: run this before
    fetching. The rows are re-checked against the log from its start, as after ``--refresh``.
    Returns one warning per team.
    """
    warnings = []
    for tracking in AppliedOffset.objects.filter(github_repo=repo, applied_offset__gte=next_seq) \
            .select_related("team"):
        forget_projection(tracking.team, repo)
        warnings.append(f"team {tracking.team.slug} was projected up to seq "
                        f"{tracking.applied_offset} but the log now ends before it (next seq "
                        f"{next_seq}): records were lost; every row of {repo} is checked again")
    return warnings


def clear_team(team: Team) -> dict[str, int]:
    """Delete every seeded row of ``team`` and its projection offsets (logs are kept)."""
    counts = {}
    with transaction.atomic():
        for model in (PRCheckRun, PRFile, PRReview, Commit, PullRequest, TeamMember,
                      AppliedOffset):
            counts[model._meta.verbose_name_plural] = model.objects.filter(team=team).delete()[0]
    return counts

"""Seeding one repository: fetch what the log lacks, then project the log into the database.

The writer lock of the repo's log is held while fetching, so a second process on the same repo
is refused with the holder's PID while other repos proceed in parallel. Projection always runs,
also after a failed fetch, so a run never throws away good data. A repository GitHub does not
know, or a run that cannot fetch at all (no token), leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.teams.models import Team
from eventlog import (
    EventLog,
    EventLogError,
    LogLockedError,
    add_alias,
    discard,
    open_writer,
    remove_log,
    repo_dir,
)

from .events import PR_TYPE
from .fetch.fetcher import Fetcher, FetchError
from .fetch.github.client import GraphQLClient
from .fetch.github.errors import (
    ClientConfigError,
    GitHubError,
    MissingTokenError,
    NotFoundError,
)
from .fetch.interrupts import StopFlag
from .fetch.reporting import FetchReporter, FetchWarning
from .fetch.server_profile import PROFILE_FILE, ServerProfile
from .fetch.state import FetchRequest, FetchState
from .models import AppliedOffset, QuarantinedPR
from .outcome import Outcome, RepoOutcome
from .projection.projector import Progress, Projector
from .projection.tracking import forget_projection, forget_projections_past, rename_repo_rows
from .projection.window import Window
from .staleness import staleness_warnings


@dataclass(frozen=True, slots=True)
class SeedOptions:
    fetch: FetchRequest
    window: Window
    refresh: bool = False
    fsync: str = "always"


class RepoSeeder:
    """Runs fetch + projection for one repository at a time (one seeder per job)."""

    def __init__(self, cache_dir: Path, client_factory: Callable[[], GraphQLClient], *,
                 reporter: FetchReporter, projection_progress: Callable[[str, int], Progress],
                 projection_lock: Any = None, stop: StopFlag | None = None):
        self.cache_dir = Path(cache_dir)
        self.client_factory = client_factory
        self.reporter = reporter
        self.projection_progress = projection_progress
        self.projection_lock = projection_lock
        self.stop = stop
        self._client: GraphQLClient | None = None

    def seed(self, team: Team, repo: str, options: SeedOptions) -> RepoOutcome:
        outcome = RepoOutcome(repo, team.slug, name=repo)
        try:
            log_dir = repo_dir(self.cache_dir, repo)
            existed = EventLog(log_dir).exists()
            state = self._open_and_fetch(team, repo, log_dir, options, outcome)
            if self._nothing_left_behind(team, repo, outcome, existed, state):
                return outcome
            self._project(team, repo, log_dir, state, options, outcome)
        except LogLockedError as e:
            outcome.fail(Outcome.LOCKED, str(e))
        except EventLogError as e:
            outcome.fail(Outcome.ERROR, str(e), cause=e)
        except DatabaseError as e:
            outcome.fail(Outcome.ERROR, f"database error: {_first_line(e)}", cause=e)
        except OSError as e:  # the cache directory cannot be created, read or written
            where = f" ({e.filename})" if e.filename else ""
            outcome.fail(Outcome.ERROR, f"cannot use the log directory of {repo}: "
                         f"{e.strerror or e}{where}")
        return outcome

    # -- fetching --------------------------------------------------------------------------

    def _open_and_fetch(self, team: Team, repo: str, log_dir: Path, options: SeedOptions,
                        outcome: RepoOutcome) -> FetchState:
        refreshing = options.refresh and self._start_refresh(team, repo, log_dir, outcome)
        with open_writer(log_dir, fsync=options.fsync) as writer:
            if not writer.recovery.clean:
                outcome.warnings.append(writer.recovery.describe())
            outcome.warnings.extend(forget_projections_past(repo, writer.next_seq))
            state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
            if refreshing:
                state = replace(state, refreshing=True)
            outcome.refreshing = state.refreshing
            return self._fetch(writer, repo, state, options, outcome)

    def _start_refresh(self, team: Team, repo: str, log_dir: Path,
                       outcome: RepoOutcome) -> bool:
        """Discard the log for ``--refresh``, unless a refresh is in progress (then the same
        command resumes it). True when a new refresh starts."""
        last = EventLog(log_dir).last_commit() if EventLog(log_dir).exists() else None
        if FetchState.from_meta(last.meta if last else {}).refreshing:
            outcome.notes.append("resuming the refresh in progress")
            return False
        discard(log_dir)
        forget_projection(team, repo)
        return True

    def _fetch(self, writer, repo: str, state: FetchState, options: SeedOptions,
               outcome: RepoOutcome) -> FetchState:
        request = options.fetch
        outcome.warnings.extend(staleness_warnings(state, request))
        if request.check_runs and state.check_runs is False:
            outcome.warnings.append("the log was fetched without CI data; PRs already in it "
                                    "have none (fetch it again with --refresh to get it)")
        if state.update_pending and not request.update:
            outcome.notes.append("an --update was interrupted and is still pending")
        needs_pass = state.next_pass(request, update_done=False) is not None
        if not needs_pass and not state.retry_due():
            return state
        try:
            client = self._get_client()
        except MissingTokenError as e:
            if needs_pass:
                outcome.fail(Outcome.ERROR, str(e), cause=e)
            else:  # only optional retries were due: a complete log still projects offline
                outcome.notes.append(f"{len(state.incomplete)} incomplete PRs not fetched "
                                     "again: no GitHub token configured")
            return state
        except (GitHubError, EventLogError) as e:
            outcome.fail(Outcome.ERROR, str(e), cause=e)
            return state
        before = client.stats.as_dict()
        fetcher = Fetcher(writer, client, repo, reporter=self.reporter,
                          profile=ServerProfile(self.cache_dir / PROFILE_FILE, client.url),
                          should_stop=self.stop.check if self.stop else None)
        try:
            state = fetcher.run(state, request)
        except FetchError as e:
            status = Outcome.NOT_FOUND if isinstance(e.cause, NotFoundError) else e.status
            outcome.fail(Outcome(status), str(e), cause=e.cause)
            state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
        outcome.fetched_prs, outcome.ci_events = fetcher.fetched_prs, fetcher.ci_events
        outcome.fetch_warnings = list(fetcher.warnings.items)
        after = client.stats.as_dict()
        outcome.api = {k: round(after[k] - before.get(k, 0), 1) for k in after}
        return state

    def _get_client(self) -> GraphQLClient:
        if self._client is None:
            self._client = self.client_factory()
        return self._client

    def _nothing_left_behind(self, team: Team, repo: str, outcome: RepoOutcome, existed: bool,
                             state: FetchState) -> bool:
        """A new log that got no PR because the repository does not exist or nothing could be
        fetched is removed with its tracking record: not-found is final, not resumable."""
        if existed or outcome.status not in (Outcome.NOT_FOUND, Outcome.ERROR):
            return False
        if outcome.status == Outcome.ERROR and not isinstance(
                outcome.cause, GitHubError | ClientConfigError):
            return False
        log = EventLog(repo_dir(self.cache_dir, repo))
        if log.exists() and any(r.type == PR_TYPE for r in log.read()):
            return False
        remove_log(self.cache_dir, repo)
        AppliedOffset.objects.filter(team=team, github_repo=repo).delete()
        outcome.removed_log = True
        return True

    # -- projecting ------------------------------------------------------------------------

    def _project(self, team: Team, repo: str, log_dir: Path, state: FetchState,
                 options: SeedOptions, outcome: RepoOutcome) -> None:
        name = state.name_with_owner or repo
        outcome.name, outcome.incomplete = name, dict(state.incomplete)
        outcome.update_pending = state.update_pending
        if name != repo:
            if name.lower() != repo.lower():
                add_alias(self.cache_dir, name, repo)
            rename_repo_rows(team, repo, name)
        log = EventLog(log_dir)
        projector = Projector(team, name, log, window=options.window)
        progress = self.projection_progress(repo, log.next_seq())
        if self.projection_lock is None:
            outcome.projection = projector.project(progress=progress)
            return
        with self.projection_lock:
            outcome.projection = projector.project(progress=progress)


def clear_repos(team: Team, repos: list[str]) -> dict[str, int]:
    """Delete ``team``'s seeded rows of ``repos`` and their projection offsets (logs are kept;
    members stay, as other repositories of the team may refer to them)."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for model in (PullRequest, AppliedOffset, QuarantinedPR):
            deleted = model.objects.filter(team=team, github_repo__in=repos).delete()[1]
            for label, n in deleted.items():
                counts[label] = counts.get(label, 0) + n
    return counts


def clear_team(team: Team) -> dict[str, int]:
    """Delete every seeded row of ``team`` (members included) and its projection offsets."""
    counts = {}
    with transaction.atomic():
        for model in (PRCheckRun, PRFile, PRReview, Commit, PullRequest, TeamMember,
                      AppliedOffset, QuarantinedPR):
            counts[model._meta.verbose_name_plural] = model.objects.filter(team=team).delete()[0]
    return counts


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


__all__ = ["FetchWarning", "RepoSeeder", "SeedOptions", "clear_repos", "clear_team"]

"""The fetcher: GitHub PR pages in, one event per complete PR out, committed page by page.

Each page's PR events and the updated ``FetchState`` (with the cursor of the next page) are
appended as one atomic batch, so an interrupted fetch (Ctrl-C, SIGKILL, outage, rate limit)
resumes at the last committed cursor and re-requests at most one page. Knows the event log and
the GitHub client; knows nothing of the database.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from eventlog import Event, EventLogError, InvalidRepoNameError, LogWriter, parse_repo

from .. import events as ev
from .ci_repoll import repoll_ci
from .completion import MAX_ITEMS
from .github.client import GraphQLClient, Response
from .github.errors import (
    GitHubError,
    QueryTimeoutError,
    SchemaMismatchError,
    WaitTooLongError,
)
from .github.queries import NestedSizes, Selection, page_query
from .github.secrets import clean
from .interrupts import InterruptRequest, deferred_interrupts
from .pages import Locator, PageBuilder
from .pr_page import Page, estimate_total, read_page
from .reporting import FetchReporter, NullReporter, WarningKind, WarningLog
from .retries import retry_incomplete
from .server_profile import ServerProfile
from .state import (
    FetchRequest,
    FetchState,
    Mode,
    PassPlan,
    PassState,
    PassStatus,
    Reason,
    ts,
)

MAX_PASSES_PER_RUN = 4
# The --update watermark starts this long before the pass's first response, plus the time that
# response took: a PR changed while GitHub served page 1 moves above the cursor, and its
# updatedAt may be earlier than the response's Date.
SYNC_MARGIN = timedelta(minutes=5)


class FetchError(Exception):
    """A pass could not continue; its cursor is committed and the failure recorded in the log.
    ``status`` is ``failed`` (GitHub kept failing) or ``stopped`` (a rate-limit wait longer than
    allowed, Ctrl-C, SIGTERM); either way the next run resumes at the last committed page."""

    def __init__(self, message: str, *, status: str, cause: BaseException) -> None:
        super().__init__(message)
        self.status, self.cause = status, cause


class Fetcher:
    """Runs passes over one repository, appending to its log through ``writer``."""

    def __init__(self, writer: LogWriter, client: GraphQLClient, repo: str, *,
                 reporter: FetchReporter | None = None, profile: ServerProfile | None = None,
                 max_items: int = MAX_ITEMS, sizes: NestedSizes | None = None,
                 should_stop: Callable[[], None] | None = None) -> None:
        self.writer, self.client, self.repo = writer, client, repo
        self.owner, self.name = repo.split("/")
        self.reporter = reporter or NullReporter()
        self.warnings = WarningLog(repo, self.reporter)
        self.profile = profile or ServerProfile(None, client.url)
        self.max_items, self.sizes = max_items, sizes or NestedSizes()
        self.check_stop = should_stop or (lambda: None)  # raises InterruptRequest when asked
        self.fetched_prs = 0   # PR events committed by this fetcher
        self.fetched_numbers: set[int] = set()
        self._shrunk_to: int | None = None
        self.ci_events = 0     # CI re-polls appended (--update)

    def run(self, state: FetchState, request: FetchRequest) -> FetchState:
        """Run passes until the log covers ``request``, then retry incomplete PRs; returns the
        final state. Raises ``FetchError`` (after committing the failure) when a pass cannot
        finish."""
        update_done = False
        for _ in range(MAX_PASSES_PER_RUN):
            plan = state.next_pass(request, update_done=update_done)
            if plan is None:
                break
            state = self._run_pass(state, plan, request)
            update_done = update_done or plan.mode == Mode.UPDATE
        state = retry_incomplete(self, state, request)
        if request.update and request.check_runs:
            try:
                self.ci_events = repoll_ci(self, state, request, datetime.now(UTC))
            except GitHubError as error:
                self.reporter.note(self.repo, f"could not re-poll pending CI: {error}")
        return state

    def selection(self, request: FetchRequest, p: PassState | None = None) -> Selection:
        """What to ask of each PR: CI unless switched off or denied in this pass."""
        denied = p.ci_denied if p is not None else {}
        return Selection(self.sizes, checks=request.check_runs and "check_runs" not in denied,
                         statuses=request.check_runs and "statuses" not in denied,
                         review_id=self.profile.review_id)

    # -- one pass ------------------------------------------------------------------------

    def _run_pass(self, state: FetchState, plan: PassPlan, request: FetchRequest) -> FetchState:
        if not plan.resume:
            state = state.start(plan, request)
            self.commit([self._pass_event(state.active, PassStatus.STARTED)], state)
        p = state.active
        self._stats_base = (dict(p.stats), self.client.stats.as_dict())
        self.reporter.pass_started(self.repo, p, plan.resume)
        try:
            while True:
                page, p = self._fetch_page(p, request)
                state = self._identify(state, page.name_with_owner)
                events, p, reason, boundary = self._collect(page, p, request)
                p = self._advance(p, page, len(events))
                if reason is not None:
                    return self._finish(state, p, events, reason, boundary)
                state = replace(state, active=p).with_events([e.data for e in events])
                self.commit(events, state)
                self.reporter.page_committed(self.repo, p, page.cost)
        except (KeyboardInterrupt, InterruptRequest) as error:
            with contextlib.suppress(EventLogError):  # a writer cut short cannot record it
                self._interrupt(state, p, error)  # record the stop, then let it end the run
            raise
        except GitHubError as error:
            raise self._interrupt(state, p, error) from error

    def _fetch_page(self, p: PassState, request: FetchRequest) -> tuple[Page, PassState]:
        """One page of PRs, halving the page size while GitHub times out (and remembering the
        size that works)."""
        size, started = p.page_size, time.monotonic()
        while True:
            variables = {"owner": self.owner, "name": self.name, "first": size, "after": p.cursor}
            try:
                response = self.call(functools.partial(self._page_query, request, p),
                                     variables, can_shrink=size > 1)
                break
            except QueryTimeoutError as error:
                size = max(1, size // 2)
                self._shrunk_to = size
                self.reporter.note(self.repo, f"{error}; page size now {size}")
                p = replace(p, page_size=size)
        return read_page(response, self.repo, started), p

    def _page_query(self, request: FetchRequest, p: PassState) -> str:
        return page_query(self.selection(request, p))

    def call(self, build: Callable[[], str] | str, variables: dict[str, Any], *,
             can_shrink: bool = False) -> Response:
        """Execute ``build`` (a query, or a function building it); on an older GitHub Enterprise
        schema, adapt the queries once (``ServerProfile``) and send a rebuilt query again."""
        self.check_stop()
        query = build() if callable(build) else build
        try:
            return self.client.execute(query, variables, can_shrink=can_shrink)
        except SchemaMismatchError as error:
            if not self.profile.adapt(self.client, error):
                raise
            self.warnings.add(WarningKind.SERVER_SCHEMA, f"the server has no {error.fields[0]};"
                              f" using {self.profile.review_id} instead", self.profile.review_id)
            if not callable(build):
                raise
            return self.client.execute(build(), variables, can_shrink=can_shrink)

    def _identify(self, state: FetchState, name: str | None) -> FetchState:
        """Remember GitHub's canonical name of the repository; a different one is a rename."""
        if not name or name == state.name_with_owner:
            return state
        if not _valid_name(name):  # text from GitHub like any other: never a name to store under
            self.warnings.add(WarningKind.RENAMED, f"GitHub calls {self.repo} {name} now, which "
                              "is not a valid repository name: ignored, its rows stay under "
                              f"{state.name_with_owner or self.repo}", name)
            return state
        if name.lower() != self.repo.lower():
            self.warnings.add(WarningKind.RENAMED, f"GitHub calls {self.repo} {name} now "
                              "(renamed or transferred); its rows are stored under that name",
                              name)
        return replace(state, name_with_owner=name)

    def _collect(self, page: Page, p: PassState, request: FetchRequest
                 ) -> tuple[list[Event], PassState, Reason | None, str | None]:
        """Complete the page's PRs inside the pass's window; say why the pass ends, if it does,
        and the cursor just after the last PR kept (where a wider window continues)."""
        since, kept, reason = p.since, [], None
        for node in page.nodes:
            if isinstance(node, dict) and since is not None and \
                    isinstance(node.get("updatedAt"), str) and node["updatedAt"] < since:
                reason = Reason.WINDOW
                break
            if p.max_prs is not None and p.prs + len(kept) >= p.max_prs:
                reason = Reason.LIMIT
                break
            kept.append(node)
        builder = PageBuilder(self.call, self.owner, self.name, self.warnings,
                              max_items=self.max_items)
        found = [(node, ("repository", "pullRequests", "edges", i, "node"),
                  Locator(after=page.cursors[i - 1] if i else p.cursor))
                 for i, node in enumerate(kept)]
        result = builder.build(found, page.errors, self.selection(request, p), p.ci_denied)
        p = self._deny(p, result.denied)
        events = [Event(ev.PR_TYPE, ev.pr_key(e["number"]), e) for e in result.events]
        self.fetched_numbers.update(e["number"] for e in result.events)
        if reason is None and p.max_prs is not None and p.prs + len(events) >= p.max_prs:
            reason = Reason.LIMIT
        boundary = page.cursors[len(kept) - 1] if kept else p.cursor
        return events, p, reason if reason is not None or page.has_next else Reason.END, boundary

    def _deny(self, p: PassState, denied: dict[str, str]) -> PassState:
        new = {k: v for k, v in denied.items() if k not in p.ci_denied}
        if not new:
            return p
        what = " and ".join("check runs" if k == "check_runs" else "commit statuses"
                            for k in sorted(new))
        message = clean(next(iter(new.values())), self.client.pool.secrets)
        self.warnings.add(WarningKind.CI_FORBIDDEN, f"the token may not read {what} "
                          f"({message}); CI data is unavailable for this pass", ",".join(new))
        return replace(p, ci_denied={**p.ci_denied, **new})

    def _advance(self, p: PassState, page: Page, prs: int) -> PassState:
        started = p.started_at
        if started is None:
            served = page.first_response_at or datetime.now(UTC)
            started = ts(served - SYNC_MARGIN)
        p = replace(p, cursor=page.end_cursor or p.cursor, started_at=started,
                    pages=p.pages + 1, prs=p.prs + prs, stats=self._pass_stats())
        return estimate_total(p, page)

    def _pass_stats(self) -> dict[str, Any]:
        """This pass's accounting: what earlier runs spent on it plus this run's share."""
        before, at_start = self._stats_base
        now = self.client.stats.as_dict()
        keys = now.keys() | before.keys()
        return {k: round(before.get(k, 0) + now.get(k, 0) - at_start.get(k, 0), 1) for k in keys}

    def _finish(self, state: FetchState, p: PassState, events: list[Event], reason: Reason,
                boundary: str | None) -> FetchState:
        state = state.finish(p, reason, boundary, ts(datetime.now(UTC)))
        state = self._remember_page_size(state, p).with_events([e.data for e in events])
        self.commit([*events, self._pass_event(p, PassStatus.COMPLETE, reason=str(reason))],
                    state)
        self.reporter.pass_finished(self.repo, p, reason)
        return state

    def _remember_page_size(self, state: FetchState, p: PassState) -> FetchState:
        """After a timeout, the size that worked is where later passes start (no growing back
        into the size that timed out, which GitHub charges for)."""
        if self._shrunk_to is None:
            return state
        return replace(state, page_size_limit=min(self._shrunk_to,
                                                  state.page_size_limit or self._shrunk_to))

    def _interrupt(self, state: FetchState, p: PassState, error: BaseException) -> FetchError:
        status = PassStatus.FAILED if isinstance(error, GitHubError) and \
            not _stopped(error) else PassStatus.STOPPED
        message = clean(str(error) or type(error).__name__, self.client.pool.secrets)
        p = replace(p, stats=self._pass_stats())
        state = self._remember_page_size(state, p)
        state = state.interrupted(p, str(status), message, ts(datetime.now(UTC)))
        self.commit([self._pass_event(p, status, error=message)], state)
        return FetchError(message, status=str(status), cause=error)

    # -- helpers -------------------------------------------------------------------------

    def commit(self, events: list[Event], state: FetchState) -> None:
        """Append ``events`` and the state as one batch (interrupts wait until it is done)."""
        with deferred_interrupts():
            self.writer.append_batch(events, state.to_meta())
            self.fetched_prs += sum(e.type == ev.PR_TYPE for e in events)

    def _pass_event(self, p: PassState, status: PassStatus, **extra: Any) -> Event:
        data = {"id": p.id, "mode": str(p.mode), "status": str(status), "since": p.since,
                "cursor": p.cursor, "pages": p.pages, "prs": p.prs, "started_at": p.started_at,
                "at": ts(datetime.now(UTC)), "stats": p.stats, "ci_denied": p.ci_denied, **extra}
        return Event(ev.PASS_TYPE, f"pass:{p.id}", data)


def _valid_name(name: str) -> bool:
    try:
        parse_repo(name)
    except InvalidRepoNameError:
        return False
    return True


def _stopped(error: GitHubError) -> bool:
    return isinstance(error, WaitTooLongError)



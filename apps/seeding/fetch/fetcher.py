"""The fetcher: GitHub PR pages in, one event per complete PR out, committed page by page.

Each page's PR events and the updated ``FetchState`` (with the cursor of the next page) are
appended as one atomic batch, so an interrupted fetch (Ctrl-C, SIGKILL, outage, rate limit)
resumes at the last committed cursor and re-requests at most one page. Knows the event log and
the GitHub client; knows nothing of the database.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from eventlog import Event, EventLogError, LogWriter

from .state import FetchRequest, FetchState, PassPlan, PassState, parse_ts, ts
from .github.client import GraphQLClient
from .github.errors import (
    GitHubError,
    NotFoundError,
    QueryTimeoutError,
    WaitTooLongError,
)
from .github.queries import page_query
from .github.tokens import redact
from .completion import PRCompleter

GROW_AFTER = 3  # successful pages before a shrunk page size doubles again
MAX_PASSES_PER_RUN = 4


class FetchReporter(Protocol):
    """Progress callbacks (the command shows them; tests may ignore them)."""

    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None: ...
    def page_committed(self, repo: str, p: PassState, points: int) -> None: ...
    def pass_finished(self, repo: str, p: PassState, reason: str) -> None: ...
    def note(self, repo: str, message: str) -> None: ...


class NullReporter:
    def pass_started(self, repo: str, p: PassState, resumed: bool) -> None:
        pass

    def page_committed(self, repo: str, p: PassState, points: int) -> None:
        pass

    def pass_finished(self, repo: str, p: PassState, reason: str) -> None:
        pass

    def note(self, repo: str, message: str) -> None:
        pass


class FetchError(Exception):
    """A pass could not continue; its cursor is committed and the failure recorded in the log.
    ``status`` is ``failed`` (GitHub kept failing) or ``stopped`` (a rate-limit wait longer
    than allowed); either way the next run resumes at the last committed page."""

    def __init__(self, message: str, *, status: str, cause: BaseException) -> None:
        super().__init__(message)
        self.status, self.cause = status, cause


@dataclass(frozen=True, slots=True)
class Page:
    nodes: list[dict[str, Any]]
    has_next: bool
    end_cursor: str | None
    cost: int
    server_time: datetime | None


class Fetcher:
    """Runs passes over one repository, appending to its log through ``writer``."""

    def __init__(self, writer: LogWriter, client: GraphQLClient, repo: str, *,
                 reporter: FetchReporter | None = None) -> None:
        self.writer, self.client, self.repo = writer, client, repo
        self.owner, self.name = repo.split("/")
        self.reporter = reporter or NullReporter()
        self.fetched_prs = 0  # PR events committed by this fetcher

    def run(self, state: FetchState, request: FetchRequest) -> FetchState:
        """Run passes until the log covers ``request``; returns the final state.

        Raises ``FetchError`` (after committing the failure) when a pass cannot finish.
        """
        self.max_page_size = request.page_size
        update_done = False
        for _ in range(MAX_PASSES_PER_RUN):
            plan = state.next_pass(request, update_done=update_done)
            if plan is None:
                break
            state = self._run_pass(state, plan, request)
            update_done = update_done or plan.mode == "update"
        return state

    # -- one pass ------------------------------------------------------------------------

    def _run_pass(self, state: FetchState, plan: PassPlan, request: FetchRequest) -> FetchState:
        if not plan.resume:
            state = state.start(plan, request)
            self._commit([self._pass_event(state.active, "started")], state)
        assert state.active is not None
        p = replace(state.active, page_size=min(state.active.page_size, request.page_size))
        self._stats_base = (dict(p.stats), self.client.stats.as_dict())
        self.reporter.pass_started(self.repo, p, plan.resume)
        completer = PRCompleter(self._data, self.owner, self.name, check_runs=p.check_runs)
        try:
            while True:
                page, p = self._fetch_page(p)
                events, reason = self._collect(page, p, completer)
                p = self._advance(p, page, len(events))
                if reason is not None:
                    return self._finish(state, p, events, reason)
                state = replace(state, active=p)
                self._commit(events, state)
                self.reporter.page_committed(self.repo, p, page.cost)
        except KeyboardInterrupt as error:
            with contextlib.suppress(EventLogError):  # a writer cut short cannot record it
                self._interrupt(state, p, error)  # record the stop, then let Ctrl-C end the run
            raise
        except GitHubError as error:
            raise self._interrupt(state, p, error) from error

    def _fetch_page(self, p: PassState) -> tuple[Page, PassState]:
        """One page of PRs, halving the page size while GitHub times out."""
        size = p.page_size
        while True:
            variables = {"owner": self.owner, "name": self.name, "first": size, "after": p.cursor}
            try:
                response = self.client.execute(page_query(check_runs=p.check_runs), variables,
                                               can_shrink=size > 1)
                break
            except QueryTimeoutError:
                size = max(1, size // 2)
                self.reporter.note(self.repo, f"GitHub timed out; page size now {size}")
                p = replace(p, page_size=size, good_pages=0)
        repo = response.data.get("repository")
        if repo is None:
            raise NotFoundError(f"repository {self.repo} not found (or not visible to the token)")
        prs = repo["pullRequests"]
        info = prs.get("pageInfo") or {}
        page = Page([n for n in prs.get("nodes") or [] if n], bool(info.get("hasNextPage")),
                    info.get("endCursor"), response.cost, response.server_time)
        return page, p

    def _collect(self, page: Page, p: PassState,
                 completer: PRCompleter) -> tuple[list[Event], str | None]:
        """Complete the page's PRs inside the pass's window; say why the pass ends, if it does."""
        since = parse_ts(p.since)
        events: list[Event] = []
        for node in page.nodes:
            if since is not None and parse_ts(node["updatedAt"]) < since:
                return events, "window"
            if p.max_prs is not None and p.prs + len(events) >= p.max_prs:
                return events, "limit"
            data = completer.complete(node)
            events.append(Event("pr", f"pr:{data['number']}", data))
        if p.max_prs is not None and p.prs + len(events) >= p.max_prs:
            return events, "limit"
        return events, None if page.has_next else "end"

    def _advance(self, p: PassState, page: Page, prs: int) -> PassState:
        good = p.good_pages + 1
        size = p.page_size
        if good >= GROW_AFTER and size < self.max_page_size:
            size, good = min(self.max_page_size, size * 2), 0
        started = p.started_at or ts(page.server_time or datetime.now(UTC))
        return replace(p, cursor=page.end_cursor or p.cursor, started_at=started,
                       pages=p.pages + 1, prs=p.prs + prs, page_size=size, good_pages=good,
                       stats=self._pass_stats())

    def _pass_stats(self) -> dict[str, Any]:
        """This pass's accounting: what earlier runs spent on it plus this run's share."""
        before, at_start = self._stats_base
        now = self.client.stats.as_dict()
        keys = now.keys() | before.keys()
        return {k: round(before.get(k, 0) + now.get(k, 0) - at_start.get(k, 0), 1) for k in keys}

    def _finish(self, state: FetchState, p: PassState, events: list[Event],
                reason: str) -> FetchState:
        final_cursor = state.active.cursor if state.active else None
        state = state.finish(p, reason, final_cursor, ts(datetime.now(UTC)))
        self._commit([*events, self._pass_event(p, "complete", reason=reason)], state)
        self.reporter.pass_finished(self.repo, p, reason)
        return state

    def _interrupt(self, state: FetchState, p: PassState, error: BaseException) -> FetchError:
        status = "stopped" if isinstance(error, WaitTooLongError | KeyboardInterrupt) else "failed"
        message = redact(str(error) or type(error).__name__, self.client.pool.secrets)
        p = replace(p, stats=self._pass_stats())
        state = state.interrupted(p, status, message, ts(datetime.now(UTC)))
        self._commit([self._pass_event(p, status, error=message)], state)
        return FetchError(message, status=status, cause=error)

    # -- helpers -------------------------------------------------------------------------

    def _data(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        return self.client.execute(query, variables).data

    def _commit(self, events: list[Event], state: FetchState) -> None:
        with ctrl_c_deferred():
            self.writer.append_batch(events, state.to_meta())
            self.fetched_prs += sum(e.type == "pr" for e in events)

    def _pass_event(self, p: PassState, status: str, **extra: Any) -> Event:
        data = {"id": p.id, "mode": p.mode, "status": status, "since": p.since,
                "cursor": p.cursor, "pages": p.pages, "prs": p.prs, "started_at": p.started_at,
                "at": ts(datetime.now(UTC)), "stats": p.stats, **extra}
        return Event("pass", f"pass:{p.id}", data)


@contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while a batch is appended, and raise it right after.

    A ``KeyboardInterrupt`` raised between the batch reaching the file and the writer counting
    it would leave the writer behind its own log: the stop record appended next would reuse the
    batch's seqs and corrupt the log. Only in the main thread with Python's default handler
    (anything else is left alone).
    """
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if caught:
        raise KeyboardInterrupt


def resume_hint(error: FetchError) -> str:
    """What the user should do after ``error``."""
    cause = error.cause
    if isinstance(cause, WaitTooLongError):
        at = time.strftime("%H:%M UTC", time.gmtime(cause.resume_at))
        return f"the rate limit resets at {at}; run the same command again then to resume"
    return "run the same command again to resume from the last committed page"

"""Fetch incomplete PRs again, by number, a few per request.

A PR recorded incomplete (a connection GitHub would not serve: ``files: null``, a follow-up that
kept timing out, RESOURCE_LIMITS_EXCEEDED ...) is fetched again, once, by the next run (and again
whenever it changes on GitHub), instead of the whole repository. Not for permission gaps
(FORBIDDEN CI), which another request would only repeat. A retry that fails is not a failed
run: the PRs stay listed as incomplete.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventlog import Event
from eventlog.text import plural

from .. import events as ev
from .github.errors import GitHubError
from .github.queries import prs_by_number_query
from .pages import Locator, PageBuilder
from .reporting import WarningKind
from .state import FetchRequest, FetchState

if TYPE_CHECKING:
    from .fetcher import Fetcher

PRS_PER_REQUEST = 10


def retry_incomplete(fetcher: Fetcher, state: FetchState, request: FetchRequest) -> FetchState:
    """Fetch the incomplete PRs that are due (not those fetched in this run already) and
    append their events; returns the state with the incomplete list brought up to date."""
    due = [n for n in state.retry_due()
           if n not in fetcher.fetched_numbers]
    for start in range(0, len(due), PRS_PER_REQUEST):
        numbers = due[start:start + PRS_PER_REQUEST]
        try:
            events, gone = _fetch(fetcher, numbers, request)
        except GitHubError as error:
            fetcher.reporter.note(fetcher.repo, f"could not fetch incomplete PRs again: {error}")
            break
        state = state.with_events([e.data for e in events], retried=True)
        state = state.with_events([_gone(n) for n in gone])
        fetcher.commit(events, state)
    _report(fetcher, state)
    return state


def _fetch(fetcher: Fetcher, numbers: list[int], request: FetchRequest
           ) -> tuple[list[Event], list[int]]:
    sel = fetcher.selection(request)
    variables = {"owner": fetcher.owner, "name": fetcher.name} | \
        {f"n{i}": n for i, n in enumerate(numbers)}
    response = fetcher.call(lambda: prs_by_number_query(len(numbers), fetcher.selection(request)),
                            variables)
    repo = response.data.get("repository") or {}
    found = [(repo.get(f"p{i}"), ("repository", f"p{i}"), Locator(number=n))
             for i, n in enumerate(numbers)]
    builder = PageBuilder(fetcher.call, fetcher.owner, fetcher.name, fetcher.warnings,
                          max_items=fetcher.max_items)
    result = builder.build(found, response.errors, sel)
    fetcher.fetched_numbers.update(numbers)
    gone = [where.number for where in result.gone]
    return [Event(ev.PR_TYPE, ev.pr_key(e["number"]), e) for e in result.events], gone


def _gone(number: int) -> dict:
    """A PR GitHub no longer serves is not incomplete any more (there is nothing to fetch)."""
    return {"number": number, "unavailable": {}}


def _report(fetcher: Fetcher, state: FetchState) -> None:
    if state.incomplete:
        numbers = ", ".join(f"#{n}" for n in sorted(state.incomplete, key=int)[:10])
        more = len(state.incomplete) - 10
        fetcher.warnings.add(
            WarningKind.INCOMPLETE,
            f"{plural(len(state.incomplete), 'PR')} {'is' if len(state.incomplete) == 1 else 'are'}"
            f" incomplete (GitHub would not serve all of their data): {numbers}"
            f"{f' and {more} more' if more > 0 else ''}",
            str(len(state.incomplete)))

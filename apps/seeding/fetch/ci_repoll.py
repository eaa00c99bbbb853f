"""Re-poll CI that was still running when its PR was fetched.

A check run finishing (or a commit status turning green) does not change the PR's ``updatedAt``,
so an ``--update`` pass never sees it. So ``--update`` also fetches again, by head-commit id and
many commits per request, the CI of every PR whose stored CI is not final (queued, in progress,
pending, expected ...), until it is final or the PR has been closed for more than
``CLOSED_GRACE``. Each answer is appended as a ``ci`` event of the PR (two PRs sharing a head
commit get one each); PRs fetched in this run already are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from eventlog import Event, EventLog

from .. import events as ev
from ..timestamps import parse_ts
from .completion import ERROR_GAPS, Completer, Draft
from .github import parse
from .github.queries import ci_query
from .pages import CI_FIELDS, report_unknown_enums
from .state import FetchRequest, FetchState

if TYPE_CHECKING:
    from .fetcher import Fetcher

CLOSED_GRACE = timedelta(days=3)
IDS_PER_REQUEST = 50


@dataclass(slots=True)
class _HeadCI:
    head_sha: str
    commit_id: str | None
    open: bool
    closed_at: str | None
    ci: tuple  # (check_runs, statuses) as last logged

    @property
    def pending(self) -> bool:
        return ev.ci_pending(*self.ci)


Due = dict[str, list[tuple[int, str, tuple]]]


def pending_ci(log: EventLog, now: datetime, exclude: set[int] = frozenset()) -> Due:
    """Head-commit id -> [(PR number, head sha, CI as logged)] of PRs whose CI is not final."""
    latest: dict[int, _HeadCI] = {}
    for record in log.read():
        if record.type == ev.PR_TYPE:
            e = ev.read_pr_event(record.data)
            latest[e["number"]] = _HeadCI(e["head_sha"], e["head_commit_id"], e["state"] == "open",
                                          e["closed_at"], (e["check_runs"], e["statuses"]))
        elif record.type == ev.CI_TYPE:
            c = ev.read_ci_event(record.data)
            head = latest.get(c["number"])
            if head is not None and head.head_sha == c["head_sha"]:
                head.ci = (c["check_runs"] if c["check_runs"] is not None else head.ci[0],
                           c["statuses"] if c["statuses"] is not None else head.ci[1])
    due: Due = {}
    for number, head in latest.items():
        if head.pending and head.commit_id and number not in exclude and _recent(head, now):
            due.setdefault(head.commit_id, []).append((number, head.head_sha, head.ci))
    return due


def _recent(head: _HeadCI, now: datetime) -> bool:
    closed = parse_ts(head.closed_at)
    return head.open or closed is None or now - closed <= CLOSED_GRACE


def repoll_ci(fetcher: Fetcher, state: FetchState, request: FetchRequest, now: datetime) -> int:
    """Fetch and append the CI of every PR whose CI is pending; returns the events appended."""
    due = pending_ci(EventLog(fetcher.writer.log_dir), now, fetcher.fetched_numbers)
    ids, appended = list(due), 0
    for start in range(0, len(ids), IDS_PER_REQUEST):
        chunk = ids[start:start + IDS_PER_REQUEST]
        events = _poll(fetcher, request, chunk, due)
        fetcher.commit(events, state)
        appended += len(events)
    return appended


def _poll(fetcher: Fetcher, request: FetchRequest, ids: list[str], due: Due) -> list[Event]:
    sel = fetcher.selection(request)
    response = fetcher.call(lambda: ci_query(fetcher.selection(request)), {"ids": ids})
    found = response.data.get("nodes") or []
    drafts: list[tuple[str, Draft]] = []
    for k, node in enumerate(found[: len(ids)]):
        if not isinstance(node, dict):
            continue
        draft = Draft({"number": 0, "headCommit": {"nodes": [{"commit": node}]}}, f"nodes[{k}]")
        for error in (e for e in response.errors if e.under("nodes", k)):
            name = next((p for p in error.path[2:] if isinstance(p, str)), "")
            if name in CI_FIELDS:
                draft.gap(CI_FIELDS[name], ERROR_GAPS.get(error.type, ev.Gap.ERROR),
                          error.message)
        drafts.append((ids[k], draft))
    Completer(fetcher.call, fetcher.owner, fetcher.name, sel,
              max_items=fetcher.max_items).complete([d for _, d in drafts])
    parser = parse.Parser()
    events = []
    for commit_id, draft in drafts:
        commit = draft.node["headCommit"]["nodes"][0]["commit"]
        ci = parser.head_ci(commit, draft.gaps, draft.path, checks=sel.checks,
                            statuses=sel.statuses)
        for number, sha, logged in due[commit_id]:
            if (ci["check_runs"], ci["statuses"]) == logged:
                continue  # still running, nothing new: no event
            data = ev.new_ci_event(number, sha, check_runs=ci["check_runs"],
                                   statuses=ci["statuses"], unavailable=dict(draft.gaps))
            events.append(Event(ev.CI_TYPE, ev.ci_key(number), data))
    report_unknown_enums(fetcher.warnings, parser)
    return events

"""Complete PRs: follow every nested connection that did not fit in the query that fetched them.

A PR node carries the first page of each connection with ``totalCount`` and ``pageInfo``. The
missing pages of *all* PRs of a page are fetched together, in rounds: each round is one query
(aliases) holding the next page of as many connections as a node budget allows, and rounds repeat
until every connection is complete. Check suites of the head commit and check runs of each suite
are continued the same way, by node id. When GitHub times out, a round asks for fewer
connections, then smaller pages, down to one node; a connection that still fails, or that GitHub
declines (FORBIDDEN, NOT_FOUND, RESOURCE_LIMITS_EXCEEDED even alone), or that GitHub stops
paginating before its ``totalCount``, is recorded as a gap of its PR (see ``events.Gap``): the
PR is incomplete, never silently short.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from apps.seeding import events as ev

from .github import parse
from .github.client import Response
from .github.errors import FieldError, QueryTimeoutError
from .github.queries import Continuation, Selection, continuation_query, pr_connections

Execute = Callable[..., Response]  # execute(query, variables, can_shrink=...) -> Response
NODE_BUDGET = 3000       # nodes asked per round: keeps a round's response well under 10 s
MAX_ITEMS = 50           # connections per round
ERROR_GAPS = {"FORBIDDEN": ev.Gap.FORBIDDEN, "NOT_FOUND": ev.Gap.NOT_FOUND,
              "RESOURCE_LIMITS_EXCEEDED": ev.Gap.RESOURCE_LIMITS}


@dataclass(eq=False)
class Draft:
    """A PR node being completed: the node (connections are extended in place), where it came
    from (for messages), and the connections found unavailable so far (event field names)."""

    node: dict[str, Any]
    path: str
    gaps: dict[str, ev.Unavailable] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return self.node["number"]

    def gap(self, name: str, reason: ev.Gap, message: str) -> None:
        field_name = parse.EVENT_FIELDS.get(name, name)
        self.gaps.setdefault(field_name, ev.unavailable(reason, message))


@dataclass(eq=False)
class _Pending:
    item: Continuation
    target: dict[str, Any]       # the connection dict the next page extends
    draft: Draft


@dataclass
class CompletionStats:
    rounds: int = 0
    shrinks: int = 0


class Completer:
    """Completes drafts through ``execute``; ``max_items=1`` sends one connection per request
    (the unbatched way, kept for comparison)."""

    def __init__(self, execute: Execute, owner: str, name: str, selection: Selection, *,
                 max_items: int = MAX_ITEMS, node_budget: int = NODE_BUDGET) -> None:
        self.execute, self.owner, self.name, self.selection = execute, owner, name, selection
        self.max_items, self.node_budget = max_items, node_budget
        self.stats = CompletionStats()

    def complete(self, drafts: list[Draft]) -> None:
        """Fetch every missing page of every draft's connections; record what stays missing."""
        pending = [p for d in drafts for p in self._continuations(d)]
        batch = self.max_items
        while pending:
            chosen = self._choose(pending, batch)
            try:
                response = self._round(chosen)
            except QueryTimeoutError:
                batch = self._shrink(pending, chosen, batch)
                continue
            pending = [p for p in pending if p not in chosen] + self._apply(chosen, response)
        for draft in drafts:
            _record_shortfalls(draft)

    # -- rounds ------------------------------------------------------------------------------

    def _choose(self, pending: list[_Pending], batch: int) -> list[_Pending]:
        chosen, nodes = [], 0
        for p in pending:
            cost = _node_cost(p.item, self.selection)
            if chosen and (len(chosen) >= batch or nodes + cost > self.node_budget):
                break
            chosen.append(p)
            nodes += cost
        return chosen

    def _round(self, chosen: list[_Pending]) -> Response:
        self.stats.rounds += 1
        query, variables = continuation_query([p.item for p in chosen], self.selection)
        if any(p.item.number is not None for p in chosen):
            variables |= {"owner": self.owner, "name": self.name}
        return self.execute(query, variables, can_shrink=True)

    def _shrink(self, pending: list[_Pending], chosen: list[_Pending], batch: int) -> int:
        """Ask for less after a timeout: fewer connections, then smaller pages, then give up
        on the one connection that times out even at one node."""
        self.stats.shrinks += 1
        if len(chosen) > 1:
            return max(1, len(chosen) // 2)
        p = chosen[0]
        if p.item.size > 1:
            p.item = replace(p.item, size=max(1, p.item.size // 2))
        else:
            pending.remove(p)
            p.draft.gap(p.item.kind, ev.Gap.TIMEOUT, "GitHub timed out even for one node")
        return batch

    def _apply(self, chosen: list[_Pending], response: Response) -> list[_Pending]:
        """Merge each answered page into its connection; return the continuations that follow."""
        follow: list[_Pending] = []
        for j, p in enumerate(chosen):
            path = _alias_path(p.item, j)
            errors = [e for e in response.errors if e.under(*path)]
            page = _dig(response.data, path)
            if not isinstance(page, dict) and _nulled_by_sibling(response.errors, path):
                follow.append(p)  # not answered: another connection's error nulled its PR
                continue
            if not isinstance(page, dict):
                follow += self._failed(p, errors)
                continue
            self._merge(p, page)
            follow += self._next(p, page)
        return follow

    def _failed(self, p: _Pending, errors: list[FieldError]) -> list[_Pending]:
        kind = errors[0].type if errors else "NOT_FOUND"
        message = errors[0].message if errors else "GitHub answered null"
        if kind == "RESOURCE_LIMITS_EXCEEDED" and p.item.size > 1:
            p.item = replace(p.item, size=max(1, p.item.size // 2))
            return [p]
        p.draft.gap(p.item.kind, ERROR_GAPS.get(kind, ev.Gap.ERROR), message)
        return []

    @staticmethod
    def _merge(p: _Pending, page: dict[str, Any]) -> None:
        p.target.setdefault("nodes", [])
        p.target["nodes"] = list(p.target["nodes"] or []) + list(page.get("nodes") or [])
        p.target["pageInfo"] = page.get("pageInfo") or {}

    def _next(self, p: _Pending, page: dict[str, Any]) -> list[_Pending]:
        follow = []
        info = page.get("pageInfo") or {}
        if info.get("hasNextPage") and info.get("endCursor"):
            p.item = replace(p.item, after=info["endCursor"])
            follow.append(p)
        if p.item.kind == "checkSuites":
            follow += list(self._runs(p.draft, parse.nodes(page)))
        return follow

    # -- what is missing ---------------------------------------------------------------------

    def _continuations(self, draft: Draft) -> Iterator[_Pending]:
        node = draft.node
        for name in pr_connections():
            conn = node.get(name)
            if isinstance(conn, dict) and _has_next(conn):
                item = Continuation(name, conn["pageInfo"]["endCursor"], _size(self, name),
                                    number=draft.number)
                yield _Pending(item, conn, draft)
        head = parse._head_commit(node)
        suites = (head or {}).get("checkSuites")
        if self.selection.checks and isinstance(suites, dict):
            if _has_next(suites) and head.get("id"):
                item = Continuation("checkSuites", suites["pageInfo"]["endCursor"],
                                    self.selection.sizes.suites, node_id=head["id"])
                yield _Pending(item, suites, draft)
            yield from self._runs(draft, parse.nodes(suites))

    def _runs(self, draft: Draft, suites: list[dict[str, Any]]) -> Iterator[_Pending]:
        for suite in suites:
            runs = suite.get("checkRuns")
            if isinstance(runs, dict) and _has_next(runs) and suite.get("id"):
                item = Continuation("checkRuns", runs["pageInfo"]["endCursor"],
                                    self.selection.sizes.runs, node_id=suite["id"])
                yield _Pending(item, runs, draft)


def _size(completer: Completer, name: str) -> int:
    sizes = completer.selection.sizes
    return {"closingIssuesReferences": sizes.issues}.get(name, 100)


def _has_next(conn: dict[str, Any]) -> bool:
    info = conn.get("pageInfo") or {}
    return bool(info.get("hasNextPage") and info.get("endCursor"))


def _node_cost(item: Continuation, selection: Selection) -> int:
    return item.size * (1 + selection.sizes.runs) if item.kind == "checkSuites" else item.size


def _alias_path(item: Continuation, j: int) -> tuple[str, ...]:
    if item.number is not None:
        return ("repository", f"p{item.number}", f"c{j}")
    return (f"c{j}", item.kind)


def _nulled_by_sibling(errors: tuple[FieldError, ...], path: tuple[str, ...]) -> bool:
    """A connection answered null with no error of its own nor of an ancestor, beside errors
    of other connections: a sibling under the same PR failed (``commits`` is non-null, so its
    RESOURCE_LIMITS_EXCEEDED nulls the whole PR alias) and this one was never served."""
    return bool(errors) and not any(
        e.under(*path) or path[:len(e.path)] == e.path for e in errors)


def _dig(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _record_shortfalls(draft: Draft) -> None:
    """A connection holding fewer nodes than its ``totalCount``: GitHub stopped paginating."""
    node = draft.node
    for name in pr_connections():
        _shortfall(draft, name, node.get(name))
    head = parse._head_commit(node)
    suites = (head or {}).get("checkSuites")
    _shortfall(draft, "checkSuites", suites)
    for suite in parse.nodes(suites):
        _shortfall(draft, "checkRuns", suite.get("checkRuns"))


def _shortfall(draft: Draft, name: str, conn: Any) -> None:
    if not isinstance(conn, dict) or not isinstance(conn.get("totalCount"), int):
        return
    field_name = parse.EVENT_FIELDS[name]
    got, total = len(parse.nodes(conn)), conn["totalCount"]
    if got >= total or field_name in draft.gaps:
        return
    draft.gaps[field_name] = ev.unavailable(
        ev.Gap.TRUNCATED, f"GitHub listed {got} of {total} {name}", expected=total, fetched=got)

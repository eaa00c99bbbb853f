"""From PR nodes as GitHub sent them (with partial errors) to complete PR events.

Partial errors are data, not failures: each is classified by its ``path``. An error under one
PR's nested field leaves that PR's event with the field recorded unavailable (and why); a
FORBIDDEN on CI fields means the token may not read CI at all, which the caller turns into one
warning and no more CI queries for the pass; RESOURCE_LIMITS_EXCEEDED on a PR fetches that PR
alone with smaller nested pages (by number, or by its place in the page when GitHub nulled the
whole PR, as it does when a non-null connection such as ``commits`` is over the limit), and a PR
refused even one item at a time is fetched without its connections and recorded with every
connection unavailable. Then every PR is completed (``completion``) and parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from apps.seeding import events as ev

from .completion import ERROR_GAPS, Completer, Draft
from .github import parse
from .github.client import Response
from .github.errors import FieldError
from .github.queries import Selection, page_query, pr_connections, prs_by_number_query
from .reporting import WarningKind, WarningLog

CI_FIELDS = {"checkSuites": "check_runs", "checkRuns": "check_runs", "status": "statuses",
             "statusCheckRollup": "statuses"}
LIMITS = "RESOURCE_LIMITS_EXCEEDED"
Call = Callable[..., Response]   # call(query, variables, can_shrink=False) -> Response
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Locator:
    """Where to fetch one PR again by itself: by ``number``, or (``number`` None) by its place
    in the page: the first PR after cursor ``after``. A PR node GitHub nulled (a non-null
    connection such as ``commits`` over its resource limits nulls the whole PR) has no number,
    only a place; if the PR moved meanwhile (updated), the place holds the next PR, and the
    moved one is above the pass's watermark, so the next ``--update`` fetches it."""

    number: int | None = None
    after: str | None = None

    def request(self, sel: Selection, owner: str, name: str
                ) -> tuple[str, dict[str, Any], Path]:
        """The query, its variables, and where the PR node is in the answer."""
        repo = {"owner": owner, "name": name}
        if self.number is not None:
            return prs_by_number_query(1, sel), repo | {"n0": self.number}, ("repository", "p0")
        return (page_query(sel), repo | {"first": 1, "after": self.after},
                ("repository", "pullRequests", "edges", 0, "node"))


@dataclass
class PageResult:
    events: list[ev.PREvent]
    denied: dict[str, str] = field(default_factory=dict)   # CI field -> FORBIDDEN message
    gone: list[Locator] = field(default_factory=list)      # PRs GitHub no longer serves


Found = tuple[Any, Path, Locator]   # a PR node, its path in the response, how to fetch it again


class PageBuilder:
    """Builds the events of PR nodes found in a response (each with its path and locator)."""

    def __init__(self, call: Call, owner: str, name: str, warnings: WarningLog, *,
                 max_items: int | None = None) -> None:
        self.call, self.owner, self.name, self.warnings = call, owner, name, warnings
        self.parser = parse.Parser()
        self.completer_options = {} if max_items is None else {"max_items": max_items}
        self.rounds = 0

    def build(self, found: list[Found], errors: tuple[FieldError, ...],
              sel: Selection, denied: dict[str, str] | None = None) -> PageResult:
        """Events of the PR nodes in ``found``. ``denied``: CI fields already found FORBIDDEN
        in this pass (not asked any more, and recorded as unavailable on every event, never
        as "not fetched")."""
        result = PageResult([], dict(denied or {}))
        drafts = []
        for node, path, where in found:
            draft = self._draft(node, path, where, [e for e in errors if e.under(*path)], sel,
                                result.denied)
            if draft is None:
                result.gone.append(where)
            else:
                drafts.append(draft)
        denied_sel = sel.without_ci(checks="check_runs" not in result.denied,
                                    statuses="statuses" not in result.denied)
        completer = Completer(self.call, self.owner, self.name, denied_sel,
                              **self.completer_options)
        completer.complete(drafts)
        self.rounds += completer.stats.rounds
        for draft in drafts:
            for field_name, message in result.denied.items():
                draft.gaps.setdefault(field_name, ev.unavailable(ev.Gap.FORBIDDEN, message))
            result.events.append(self.parser.pull_request(
                draft.node, draft.path, gaps=draft.gaps, checks=sel.checks,
                statuses=sel.statuses))
        self._report_unknown_enums()
        return result

    def _draft(self, node: Any, path: Path, where: Locator, errors: list[FieldError],
               sel: Selection, denied: dict[str, str]) -> Draft | None:
        """The PR as served, or fetched again alone when GitHub found it too heavy; ``None``
        when GitHub does not serve it (any more)."""
        where_text = ".".join(map(str, path))
        if node is not None:
            draft = Draft(parse.required_object(node, where_text), where_text)
            if not self._classify(draft, errors, len(path), sel, denied):
                return draft
            return self._alone(where, sel, where_text) or draft
        if any(e.type == LIMITS for e in errors):
            return self._alone(where, sel, where_text)
        if where.number is None:  # asked by number: the caller learns it is gone
            self._unservable(errors)
        return None

    def _classify(self, draft: Draft, errors: list[FieldError], depth: int, sel: Selection,
                  denied: dict[str, str]) -> bool:
        """Record each error as a gap (or a CI denial); True when the PR must be fetched
        again alone (RESOURCE_LIMITS_EXCEEDED)."""
        alone = False
        for error in errors:
            name = _field(error.path[depth:])
            if name is None:
                continue
            if error.type == "FORBIDDEN" and name in CI_FIELDS:
                denied.setdefault(CI_FIELDS[name], error.message)
            elif error.type == LIMITS and sel.sizes != sel.sizes.halved():
                alone = True
            else:
                draft.gap(name, ERROR_GAPS.get(error.type, ev.Gap.ERROR), error.message)
        return alone

    def _alone(self, where: Locator, sel: Selection, path: str) -> Draft | None:
        """The PR fetched by itself with ever smaller nested pages until GitHub serves it; at
        the smallest sizes what is still refused is a gap, and a PR refused even then is
        fetched without its connections (every one of them a gap)."""
        sizes = sel.sizes
        while sizes != sizes.halved():
            sizes = sizes.halved()
            smaller = replace(sel, sizes=sizes)
            node, mine, depth = self._fetch(where, smaller)
            limited = any(e.type == LIMITS for e in mine)
            if isinstance(node, dict) and (not limited or sizes == sizes.halved()):
                fresh = Draft(node, f"{path} (alone)")
                self._classify(fresh, mine, depth, replace(smaller, sizes=sizes.halved()), {})
                return fresh
            if not isinstance(node, dict) and not limited:
                return None
        return self._bare(where, sel, path)

    def _bare(self, where: Locator, sel: Selection, path: str) -> Draft | None:
        node, _, _ = self._fetch(where, replace(sel, connections=False))
        if not isinstance(node, dict):
            return None
        draft = Draft(node, f"{path} (alone, without connections)")
        names = [*pr_connections(), *(["checkSuites"] if sel.checks else []),
                 *(["status"] if sel.statuses else [])]
        for name in names:
            draft.gap(name, ev.Gap.RESOURCE_LIMITS,
                      "GitHub refused it even one item at a time (RESOURCE_LIMITS_EXCEEDED)")
        return draft

    def _fetch(self, where: Locator, sel: Selection
               ) -> tuple[Any, list[FieldError], int]:
        query, variables, base = where.request(sel, self.owner, self.name)
        response = self.call(query, variables)
        node: Any = response.data
        for key in base:
            node = node[key] if isinstance(node, dict | list) and _has(node, key) else None
        return node, [e for e in response.errors if e.under(*base)], len(base)

    def _unservable(self, errors: list[FieldError]) -> None:
        message = errors[0].message if errors else "GitHub answered null for a PR"
        self.warnings.add(WarningKind.PR_UNAVAILABLE,
                          f"GitHub could not serve a PR of this page ({message})", message)

    def _report_unknown_enums(self) -> None:
        report_unknown_enums(self.warnings, self.parser)


def report_unknown_enums(warnings: WarningLog, parser: parse.Parser) -> None:
    """One warning per enum value ``parser`` met that this code does not know."""
    for what, value in sorted(parser.unknown):
        warnings.add(WarningKind.UNKNOWN_ENUM, f"GitHub sent an unknown {what} {value!r}; "
                     f"stored as {value.lower()!r}", f"{what}={value}")


def _has(container: dict | list, key: str | int) -> bool:
    if isinstance(container, dict):
        return key in container
    return isinstance(key, int) and 0 <= key < len(container)


def _field(rest: tuple) -> str | None:
    """The PR field an error path below a PR node is about (CI fields by their own name)."""
    names = [p for p in rest if isinstance(p, str)]
    if not names:
        return None
    if names[0] == "headCommit":
        ci = [n for n in names if n in CI_FIELDS]
        return ci[0] if ci else None
    return names[0]

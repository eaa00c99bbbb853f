"""From PR nodes as GitHub sent them (with partial errors) to complete PR events.

Partial errors are data, not failures: each is classified by its ``path``. An error under one
PR's nested field leaves that PR's event with the field recorded unavailable (and why); a
FORBIDDEN on CI fields means the token may not read CI at all, which the caller turns into one
warning and no more CI queries for the pass; RESOURCE_LIMITS_EXCEEDED on a PR fetches that PR
alone with smaller nested pages. Then every PR is completed (``completion``) and parsed.
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
from .github.queries import Selection, prs_by_number_query
from .reporting import WarningKind, WarningLog

CI_FIELDS = {"checkSuites": "check_runs", "checkRuns": "check_runs", "status": "statuses",
             "statusCheckRollup": "statuses"}
Call = Callable[..., Response]   # call(query, variables, can_shrink=False) -> Response


@dataclass
class PageResult:
    events: list[ev.PREvent]
    denied: dict[str, str] = field(default_factory=dict)   # CI field -> FORBIDDEN message


class PageBuilder:
    """Builds the events of PR nodes found under ``base`` (a path tuple of the response)."""

    def __init__(self, call: Call, owner: str, name: str, warnings: WarningLog, *,
                 max_items: int | None = None) -> None:
        self.call, self.owner, self.name, self.warnings = call, owner, name, warnings
        self.parser = parse.Parser()
        self.completer_options = {} if max_items is None else {"max_items": max_items}
        self.rounds = 0

    def build(self, found: list[tuple[Any, tuple]], errors: tuple[FieldError, ...],
              sel: Selection) -> PageResult:
        """Events of the PR nodes in ``found`` (each with its path in the response)."""
        result = PageResult([])
        drafts = []
        for node, path in found:
            mine = [e for e in errors if e.under(*path)]
            if not isinstance(node, dict):
                self._unservable(mine)
                continue
            draft = Draft(node, ".".join(map(str, path)))
            if self._classify(draft, mine, len(path), sel, result.denied):
                draft = self._alone(draft, sel)
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
            elif error.type == "RESOURCE_LIMITS_EXCEEDED" and sel.sizes != sel.sizes.halved():
                alone = True
            else:
                draft.gap(name, ERROR_GAPS.get(error.type, ev.Gap.ERROR), error.message)
        return alone

    def _alone(self, draft: Draft, sel: Selection) -> Draft:
        """The PR fetched by number with ever smaller nested pages until GitHub serves it (at
        the smallest sizes, what is still refused is recorded as a gap)."""
        sizes, base = sel.sizes, ("repository", "p0")
        while sizes != sizes.halved():
            sizes = sizes.halved()
            smaller = replace(sel, sizes=sizes)
            response = self.call(prs_by_number_query(1, smaller),
                                 {"owner": self.owner, "name": self.name, "n0": draft.number})
            node = (response.data.get("repository") or {}).get("p0")
            if not isinstance(node, dict):
                return draft
            mine = [e for e in response.errors if e.under(*base)]
            limited = any(e.type == "RESOURCE_LIMITS_EXCEEDED" for e in mine)
            if not limited or sizes == sizes.halved():
                fresh = Draft(node, f"{draft.path} (alone)")
                self._classify(fresh, mine, len(base), replace(smaller, sizes=sizes.halved()),
                               {})
                return fresh
        return draft

    def _unservable(self, errors: list[FieldError]) -> None:
        message = errors[0].message if errors else "GitHub answered null for a PR"
        self.warnings.add(WarningKind.PR_UNAVAILABLE,
                          f"GitHub could not serve a PR of this page ({message})", message)

    def _report_unknown_enums(self) -> None:
        for what, value in sorted(self.parser.unknown):
            self.warnings.add(WarningKind.UNKNOWN_ENUM,
                              f"GitHub sent an unknown {what} {value!r}; stored as "
                              f"{value.lower()!r}", f"{what}={value}")


def _field(rest: tuple) -> str | None:
    """The PR field an error path below a PR node is about (CI fields by their own name)."""
    names = [p for p in rest if isinstance(p, str)]
    if not names:
        return None
    if names[0] == "headCommit":
        ci = [n for n in names if n in CI_FIELDS]
        return ci[0] if ci else None
    return names[0]

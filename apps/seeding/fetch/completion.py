"""Complete one PR: follow every nested connection that did not fit in the page query.

A PR node from the page query carries the first page of each connection with ``totalCount`` and
``pageInfo``. Here the missing pages are fetched (100 at a time) and appended, including check
suites of the head commit and check runs of each suite, so the event holds *every* child. If
GitHub stops paginating before ``totalCount`` (it caps some connections), the shortfall is
recorded in the event's ``incomplete`` field instead of being silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .github import parse
from .github.errors import NotFoundError
from .github.queries import PR_CONNECTIONS, check_runs_query, check_suites_query, connection_query

Execute = Callable[[str, dict[str, Any]], dict[str, Any]]


class PRCompleter:
    """Fetches the rest of a PR's connections through ``execute(query, variables) -> data``."""

    def __init__(self, execute: Execute, owner: str, name: str, *, check_runs: bool) -> None:
        self.execute, self.owner, self.name, self.check_runs = execute, owner, name, check_runs

    def complete(self, node: dict[str, Any]) -> dict[str, Any]:
        """The PR event of ``node`` with every nested connection complete."""
        incomplete: dict[str, Any] = {}
        for connection in PR_CONNECTIONS:
            self._follow_pr_connection(node, connection, incomplete)
        runs = self._check_runs(node, incomplete) if self.check_runs else None
        return parse.pull_request(node, check_runs=runs, incomplete=incomplete)

    def _follow_pr_connection(self, node: dict[str, Any], connection: str,
                              incomplete: dict[str, Any]) -> None:
        conn = node.get(connection)
        if not conn:
            return
        variables = {"owner": self.owner, "name": self.name, "number": node["number"]}

        def next_page(after: str) -> dict[str, Any] | None:
            data = self.execute(connection_query(connection), variables | {"after": after})
            pr = (data.get("repository") or {}).get("pullRequest")
            return pr.get(connection) if pr else None

        self._drain(conn, next_page, connection, incomplete)

    def _check_runs(self, node: dict[str, Any], incomplete: dict[str, Any]) -> list[dict]:
        heads = parse.nodes(node.get("headCommit"))
        if not heads or not heads[0].get("commit"):
            return []
        commit = heads[0]["commit"]
        suites = commit.get("checkSuites")
        if not suites:
            return []
        self._drain(suites, lambda after: self._node(check_suites_query(), commit["id"], after,
                                                     "checkSuites"), "checkSuites", incomplete)
        runs: list[dict[str, Any]] = []
        for suite in parse.nodes(suites):
            conn = suite.get("checkRuns")
            if conn:
                self._drain(conn, lambda after, s=suite: self._node(
                    check_runs_query(), s["id"], after, "checkRuns"), "checkRuns", incomplete)
            runs.extend(parse.check_run(r) for r in parse.nodes(conn))
        return runs

    def _node(self, query: str, node_id: str, after: str, field: str) -> dict[str, Any] | None:
        data = self.execute(query, {"id": node_id, "after": after})
        return (data.get("node") or {}).get(field)

    @staticmethod
    def _drain(conn: dict[str, Any], next_page: Callable[[str], dict[str, Any] | None],
               label: str, incomplete: dict[str, Any]) -> None:
        """Append the remaining pages of ``conn`` into it, in place."""
        collected = list(conn.get("nodes") or [])
        info = conn.get("pageInfo") or {}
        while info.get("hasNextPage") and info.get("endCursor"):
            try:
                page = next_page(info["endCursor"])
            except NotFoundError:
                page = None
            if not page:
                break
            collected.extend(page.get("nodes") or [])
            info = page.get("pageInfo") or {}
        conn["nodes"] = collected
        total = conn.get("totalCount")
        if total is not None and total != len(collected):
            previous = incomplete.get(label, {"total": 0, "fetched": 0})
            incomplete[label] = {"total": previous["total"] + total,
                                 "fetched": previous["fetched"] + len(collected)}

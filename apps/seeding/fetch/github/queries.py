"""The GraphQL queries the fetcher sends (each shape validated against GitHub's schema in a test).

* The *page query* fetches a page of PRs, newest-updated first, with every nested connection the
  data model needs, each with ``totalCount`` and ``pageInfo`` so truncation is visible, and each
  PR's own cursor (a pass that stops inside a page records exactly where).
* The *PRs-by-number query* fetches a few PRs in full by number (aliases), to retry incomplete
  PRs or one PR alone with smaller nested pages.
* The *continuation query* fetches the next pages of many connections of many PRs in one request
  (aliases), so a page with heavy PRs costs a round or two, not one request per connection.
* The *CI query* fetches the check runs and statuses of head commits by node id.

Every query also asks for ``rateLimit { cost remaining resetAt }`` (accounting) and
``viewer { login }`` (budgets are per user); neither costs a point. Nested page sizes do not
change GitHub's point cost (a connection costs by the page sizes of its *ancestors*), so they
are as large as a fast response allows: most PRs need no follow-up at all.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace

PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }"
HEADER = "rateLimit { cost remaining resetAt } viewer { login }"
ACTOR = """__typename login
  ... on User { databaseId name }
  ... on Bot { databaseId }
  ... on Mannequin { databaseId name }"""
COMMIT = """oid message committedDate additions deletions
  author { name email user { login databaseId name } }"""
FILE = "path additions deletions changeType"
CHECK_RUN = "databaseId name status conclusion startedAt completedAt"
STATUS = "status { contexts { context state description targetUrl createdAt creator { login } } }"
ISSUE = "number repository { nameWithOwner }"
REVIEW_IDS = ("fullDatabaseId", "databaseId")  # GHES before 3.10 has only databaseId
PR_SCALARS = f"""number title body state isDraft createdAt updatedAt mergedAt closedAt
    additions deletions changedFiles headRefName baseRefName headRefOid
    author {{ {ACTOR} }}
    milestone {{ title }}"""


@dataclass(frozen=True, slots=True)
class NestedSizes:
    """Page sizes of the nested connections of one PR (see the module docstring)."""

    reviews: int = 100
    commits: int = 100
    files: int = 100
    labels: int = 100
    assignees: int = 50
    issues: int = 25
    suites: int = 5       # a connection under each PR: costs points (most heads have 1-3)
    runs: int = 100

    def halved(self) -> NestedSizes:
        """Every size halved (at least 1): for a PR GitHub found too heavy."""
        return NestedSizes(*(max(1, getattr(self, f) // 2) for f in self.__slots__))


@dataclass(frozen=True, slots=True)
class Selection:
    """What to ask of each PR: nested sizes, CI parts, and the server's review id field.
    ``connections=False`` asks for the PR's own fields only (and its commit count): for a PR
    GitHub refuses to serve even with one item per connection."""

    sizes: NestedSizes = NestedSizes()
    checks: bool = True
    statuses: bool = True
    review_id: str = "fullDatabaseId"
    connections: bool = True

    def without_ci(self, *, checks: bool = False, statuses: bool = False) -> Selection:
        return replace(self, checks=self.checks and checks, statuses=self.statuses and statuses)


# PR connections continued by the continuation query: name -> selection of one node.
def pr_connections(review_id: str = "fullDatabaseId") -> dict[str, str]:
    return {
        "reviews": review_fields(review_id),
        "commits": f"commit {{ {COMMIT} }}",
        "files": FILE,
        "labels": "name",
        "assignees": "login",
        "closingIssuesReferences": ISSUE,
    }


def review_fields(review_id: str) -> str:
    return f"{review_id} state body submittedAt author {{ {ACTOR} }}"


def suites_selection(s: NestedSizes, after: str = "") -> str:
    return (f"checkSuites(first: {s.suites}{after}) {{ {PAGE_INFO} nodes {{ id "
            f"checkRuns(first: {s.runs}) {{ {PAGE_INFO} nodes {{ {CHECK_RUN} }} }} }} }}")


def commit_ci(sel: Selection) -> str:
    """The CI of a commit: check suites with their runs, and legacy statuses."""
    parts = [suites_selection(sel.sizes) if sel.checks else "", STATUS if sel.statuses else ""]
    return " ".join(p for p in parts if p)


def pr_fields(sel: Selection) -> str:
    """The selection of one PullRequest."""
    if not sel.connections:
        return f"{PR_SCALARS} commits {{ totalCount }}"
    s = sel.sizes
    head = ""
    if sel.checks or sel.statuses:
        ci = commit_ci(sel)
        head = f"headCommit: commits(last: 1) {{ nodes {{ commit {{ id oid {ci} }} }} }}"
    return f"""{PR_SCALARS}
    labels(first: {s.labels}) {{ {PAGE_INFO} nodes {{ name }} }}
    assignees(first: {s.assignees}) {{ {PAGE_INFO} nodes {{ login }} }}
    closingIssuesReferences(first: {s.issues}) {{ {PAGE_INFO} nodes {{ {ISSUE} }} }}
    reviews(first: {s.reviews}) {{ {PAGE_INFO} nodes {{ {review_fields(sel.review_id)} }} }}
    commits(first: {s.commits}) {{ {PAGE_INFO} nodes {{ commit {{ {COMMIT} }} }} }}
    files(first: {s.files}) {{ {PAGE_INFO} nodes {{ {FILE} }} }}
    {head}"""


@functools.cache
def page_query(sel: Selection = Selection()) -> str:
    """Variables: ``owner``, ``name``, ``first`` (page size), ``after`` (cursor or null)."""
    return f"""query PullRequestPage($owner: String!, $name: String!, $first: Int!,
    $after: String) {{
  {HEADER}
  repository(owner: $owner, name: $name) {{
    nameWithOwner
    pullRequests(first: $first, after: $after, orderBy: {{field: UPDATED_AT, direction: DESC}}) {{
      totalCount pageInfo {{ hasNextPage endCursor }}
      edges {{ cursor node {{ {pr_fields(sel)} }} }}
    }}
  }}
}}"""


@functools.cache
def prs_by_number_query(count: int, sel: Selection = Selection()) -> str:
    """``count`` PRs in full, aliased ``p0``... Variables: owner, name, ``n0``... (numbers)."""
    numbers = ", ".join(f"$n{i}: Int!" for i in range(count))
    prs = "\n    ".join(f"p{i}: pullRequest(number: $n{i}) {{ {pr_fields(sel)} }}"
                         for i in range(count))
    return f"""query PullRequestsByNumber($owner: String!, $name: String!, {numbers}) {{
  {HEADER}
  repository(owner: $owner, name: $name) {{
    nameWithOwner
    {prs}
  }}
}}"""


@dataclass(frozen=True, slots=True)
class Continuation:
    """The next page of one connection: of PR ``number`` (PR connections) or of node
    ``node_id`` (``checkSuites`` of a Commit, ``checkRuns`` of a CheckSuite)."""

    kind: str
    after: str
    size: int = 100
    number: int | None = None
    node_id: str | None = None


def continuation_query(items: Sequence[Continuation], sel: Selection = Selection()
                       ) -> tuple[str, dict[str, object]]:
    """One query for every item; item ``j``'s connection answers under alias ``c{j}``: at
    ``repository.p{number}.c{j}`` for PR connections, at ``c{j}.<kind>`` for node ones."""
    variables: dict[str, object] = {}
    params, by_pr, nodes = [], {}, []
    for j, item in enumerate(items):
        params.append(f"$a{j}: String!")
        variables[f"a{j}"] = item.after
        if item.number is not None:
            by_pr.setdefault(item.number, []).append(_pr_continuation(j, item, sel))
        else:
            params.append(f"$i{j}: ID!")
            variables[f"i{j}"] = item.node_id
            nodes.append(_node_continuation(j, item, sel))
    repo = ""
    if by_pr:
        params[:0] = ["$owner: String!", "$name: String!"]
        prs = " ".join(f"p{n}: pullRequest(number: {int(n)}) {{ {' '.join(c)} }}"
                       for n, c in by_pr.items())
        repo = f"repository(owner: $owner, name: $name) {{ {prs} }}"
    text = f"query Continuations({', '.join(params)}) {{ {HEADER} {repo} {' '.join(nodes)} }}"
    return text, variables


def _pr_continuation(j: int, item: Continuation, sel: Selection) -> str:
    node = pr_connections(sel.review_id)[item.kind]
    return (f"c{j}: {item.kind}(first: {item.size}, after: $a{j}) "
            f"{{ {PAGE_INFO} nodes {{ {node} }} }}")


def _node_continuation(j: int, item: Continuation, sel: Selection) -> str:
    if item.kind == "checkSuites":
        sizes = replace(sel.sizes, suites=item.size)
        inner = suites_selection(sizes, after=f", after: $a{j}")
        return f"c{j}: node(id: $i{j}) {{ ... on Commit {{ {inner} }} }}"
    return (f"c{j}: node(id: $i{j}) {{ ... on CheckSuite {{ checkRuns(first: {item.size}, "
            f"after: $a{j}) {{ {PAGE_INFO} nodes {{ {CHECK_RUN} }} }} }} }}")


@functools.cache
def ci_query(sel: Selection = Selection()) -> str:
    """The CI of head commits by node id. Variables: ``ids`` (Commit node ids, at most 100)."""
    return f"""query HeadCommitCI($ids: [ID!]!) {{
  {HEADER}
  nodes(ids: $ids) {{ ... on Commit {{ id oid {commit_ci(sel)} }} }}
}}"""


# Deprecated fields are listed too: ``databaseId`` is deprecated where ``fullDatabaseId`` exists.
INTROSPECTION = """query ServerFields {
  review: __type(name: "PullRequestReview") { fields(includeDeprecated: true) { name } }
}"""


def all_queries() -> dict[str, str]:
    """Every query shape the fetcher can send, by name (for schema validation tests)."""
    old = Selection(review_id="databaseId")
    items = [Continuation("files", "MQ", number=7), Continuation("reviews", "Y3", number=7),
             Continuation("commits", "MQ", number=8), Continuation("checkSuites", "x", node_id="C"),
             Continuation("checkRuns", "y", node_id="S")]
    queries = {
        "page": page_query(), "page_no_ci": page_query(Selection().without_ci()),
        "page_checks_only": page_query(Selection().without_ci(checks=True)),
        "page_ghes": page_query(old), "prs_by_number": prs_by_number_query(3),
        "page_bare": page_query(Selection(connections=False)),
        "prs_by_number_bare": prs_by_number_query(1, Selection(connections=False)),
        "continuations": continuation_query(items)[0],
        "continuations_ghes": continuation_query(items, old)[0],
        "ci": ci_query(), "introspection": INTROSPECTION,
    }
    queries.update({f"continuation_{c}": continuation_query([Continuation(c, "MQ", number=1)])[0]
                    for c in pr_connections()})
    return queries

"""The GraphQL queries the fetcher sends (each validated against GitHub's schema in a test).

One *page query* fetches a page of PRs, newest-updated first, with every nested connection the
data model needs, each with ``totalCount`` and ``pageInfo`` so truncation is visible. PRs whose
nested connections did not fit get *follow-up queries*, one connection at a time, 100 per page.
Every query also asks for ``rateLimit { cost remaining resetAt }`` for accounting.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

PAGE_INFO = "totalCount pageInfo { hasNextPage endCursor }"

ACTOR = """__typename login
  ... on User { databaseId name }
  ... on Bot { databaseId }
  ... on Mannequin { databaseId name }"""

REVIEW = f"fullDatabaseId state body submittedAt author {{ {ACTOR} }}"
COMMIT = """oid message committedDate additions deletions
  author { name email user { login databaseId name } }"""
FILE = "path additions deletions changeType"
CHECK_RUN = "databaseId name status conclusion startedAt completedAt"
ISSUE = "number repository { nameWithOwner }"


@dataclass(frozen=True, slots=True)
class NestedSizes:
    """Page sizes of the nested connections in the page query. Small enough that a page of
    50 PRs stays far below GitHub's 500,000-node limit and 10-second timeout; big enough that
    a typical PR (a few reviews, commits, files, checks) needs no follow-up."""

    reviews: int = 25
    commits: int = 25
    files: int = 50
    labels: int = 20
    assignees: int = 10
    issues: int = 10
    suites: int = 5
    runs: int = 30


# Follow-up connections on a PullRequest: name -> selection of one node.
PR_CONNECTIONS = {
    "reviews": REVIEW,
    "commits": f"commit {{ {COMMIT} }}",
    "files": FILE,
    "labels": "name",
    "assignees": "login",
    "closingIssuesReferences": ISSUE,
}


def _suites(sizes: NestedSizes) -> str:
    return (f"checkSuites(first: {sizes.suites}) {{ {PAGE_INFO} nodes {{ id "
            f"checkRuns(first: {sizes.runs}) {{ {PAGE_INFO} nodes {{ {CHECK_RUN} }} }} }} }}")


def pr_fields(sizes: NestedSizes, check_runs: bool) -> str:
    """The selection of one PullRequest in the page query."""
    head = ""
    if check_runs:
        suites = _suites(sizes)
        head = f"headCommit: commits(last: 1) {{ nodes {{ commit {{ id oid {suites} }} }} }}"
    return f"""number title body state isDraft createdAt updatedAt mergedAt closedAt
    additions deletions changedFiles headRefName baseRefName headRefOid
    author {{ {ACTOR} }}
    milestone {{ title }}
    labels(first: {sizes.labels}) {{ {PAGE_INFO} nodes {{ name }} }}
    assignees(first: {sizes.assignees}) {{ {PAGE_INFO} nodes {{ login }} }}
    closingIssuesReferences(first: {sizes.issues}) {{ {PAGE_INFO} nodes {{ {ISSUE} }} }}
    reviews(first: {sizes.reviews}) {{ {PAGE_INFO} nodes {{ {REVIEW} }} }}
    commits(first: {sizes.commits}) {{ {PAGE_INFO} nodes {{ commit {{ {COMMIT} }} }} }}
    files(first: {sizes.files}) {{ {PAGE_INFO} nodes {{ {FILE} }} }}
    {head}"""


@functools.cache
def page_query(sizes: NestedSizes | None = None, *, check_runs: bool = True) -> str:
    """Variables: ``owner``, ``name``, ``first`` (page size), ``after`` (cursor or null)."""
    sizes = sizes or NestedSizes()
    return f"""query PullRequestPage($owner: String!, $name: String!, $first: Int!,
    $after: String) {{
  rateLimit {{ cost remaining resetAt }}
  repository(owner: $owner, name: $name) {{
    pullRequests(first: $first, after: $after, orderBy: {{field: UPDATED_AT, direction: DESC}}) {{
      pageInfo {{ hasNextPage endCursor }}
      nodes {{ {pr_fields(sizes, check_runs)} }}
    }}
  }}
}}"""


@functools.cache
def connection_query(connection: str) -> str:
    """Next 100 nodes of one connection of one PR. Variables: owner, name, number, after."""
    selection = PR_CONNECTIONS[connection]
    return f"""query PullRequestConnection($owner: String!, $name: String!, $number: Int!,
    $after: String) {{
  rateLimit {{ cost remaining resetAt }}
  repository(owner: $owner, name: $name) {{
    pullRequest(number: $number) {{
      {connection}(first: 100, after: $after) {{ {PAGE_INFO} nodes {{ {selection} }} }}
    }}
  }}
}}"""


@functools.cache
def check_suites_query(runs: int = 30) -> str:
    """Next 100 check suites of a commit. Variables: id (Commit node id), after."""
    return f"""query CommitCheckSuites($id: ID!, $after: String) {{
  rateLimit {{ cost remaining resetAt }}
  node(id: $id) {{ ... on Commit {{
    checkSuites(first: 100, after: $after) {{ {PAGE_INFO} nodes {{ id
      checkRuns(first: {runs}) {{ {PAGE_INFO} nodes {{ {CHECK_RUN} }} }} }} }}
  }} }}
}}"""


@functools.cache
def check_runs_query() -> str:
    """Next 100 check runs of a suite. Variables: id (CheckSuite node id), after."""
    return f"""query SuiteCheckRuns($id: ID!, $after: String) {{
  rateLimit {{ cost remaining resetAt }}
  node(id: $id) {{ ... on CheckSuite {{
    checkRuns(first: 100, after: $after) {{ {PAGE_INFO} nodes {{ {CHECK_RUN} }} }}
  }} }}
}}"""


def all_queries() -> dict[str, str]:
    """Every query text the fetcher can send, by name (for schema validation tests)."""
    queries = {"page": page_query(), "page_no_checks": page_query(check_runs=False),
               "check_suites": check_suites_query(), "check_runs": check_runs_query()}
    queries.update({f"connection_{c}": connection_query(c) for c in PR_CONNECTIONS})
    return queries

"""Ready-made queries against the fake (also handy as examples of what it serves).

``EVERYTHING`` selects every field of the supported subset at least once (a test checks this),
so validating it against GitHub's real schema proves the subset matches GitHub.
``PULL_REQUEST`` is every field of a pull request; ``complete(PULL_REQUEST)`` asks every
connection for all its items (no page limit: only for ``serve_one``, which skips GitHub's
pagination checks).
"""

import re

PAGE_INFO = "pageInfo { hasNextPage endCursor hasPreviousPage startCursor }"

ACTOR = """__typename login url avatarUrl(size: 40)
  ... on Node { id }
  ... on User { databaseId name }
  ... on Bot { databaseId }
  ... on Mannequin { databaseId name }
  ... on Organization { databaseId name }"""

USER = "__typename id login url avatarUrl databaseId name"

CHECK_SUITES = f"""checkSuites(first: 3, filterBy: {{checkName: null}}) {{
  totalCount {PAGE_INFO}
  edges {{ cursor node {{ id }} }}
  nodes {{
    id databaseId status conclusion
    app {{ id name slug }}
    commit {{ oid }}
    checkRuns(first: 5, filterBy: {{checkType: ALL}}) {{
      totalCount {PAGE_INFO}
      edges {{ cursor node {{ id }} }}
      nodes {{ id databaseId name status conclusion startedAt completedAt detailsUrl }}
    }}
  }}
}}"""

STATUS_CONTEXT = f"""id context state description targetUrl createdAt avatarUrl(size: 40)
  commit {{ oid }} creator {{ {ACTOR} }}"""

STATUS = f"""status {{
  id state commit {{ oid }}
  context(name: "ci/circleci: build") {{ id state }}
  contexts {{ {STATUS_CONTEXT} }}
}}"""

ROLLUP = f"""statusCheckRollup {{
  id state commit {{ oid }}
  contexts(first: 10) {{
    totalCount checkRunCount statusContextCount {PAGE_INFO}
    edges {{ cursor node {{ __typename }} }}
    nodes {{
      __typename
      ... on CheckRun {{ id databaseId name status conclusion startedAt completedAt detailsUrl }}
      ... on StatusContext {{ id context state description targetUrl createdAt }}
    }}
  }}
}}"""

COMMIT = f"""id oid abbreviatedOid message messageHeadline messageBody committedDate authoredDate
  additions deletions url
  author {{ name email date user {{ {USER} }} }}
  {CHECK_SUITES}
  {STATUS}
  {ROLLUP}"""

PULL_REQUEST = f"""
  id number fullDatabaseId title body state isDraft createdAt updatedAt mergedAt closedAt
  additions deletions changedFiles headRefName baseRefName headRefOid url merged closed
  repository {{ nameWithOwner }}
  author {{ {ACTOR} }}
  milestone {{ id title number }}
  labels(first: 5, orderBy: {{field: NAME, direction: ASC}}) {{
    totalCount {PAGE_INFO} edges {{ cursor node {{ id }} }} nodes {{ id name color }}
  }}
  assignees(first: 3) {{
    totalCount {PAGE_INFO} edges {{ cursor node {{ id }} }} nodes {{ {USER} }}
  }}
  closingIssuesReferences(first: 3, userLinkedOnly: false) {{
    totalCount {PAGE_INFO} edges {{ cursor node {{ id }} }}
    nodes {{ id number title url repository {{ id nameWithOwner }} }}
  }}
  reviews(first: 3) {{
    totalCount {PAGE_INFO} edges {{ cursor node {{ id }} }}
    nodes {{
      id databaseId fullDatabaseId state body submittedAt url
      author {{ {ACTOR} }}
      pullRequest {{ number }}
    }}
  }}
  commits(last: 2) {{
    totalCount {PAGE_INFO}
    edges {{ cursor node {{ id }} }}
    nodes {{ id url pullRequest {{ number }} commit {{ {COMMIT} }} }}
  }}
  files(first: 3) {{
    totalCount {PAGE_INFO} edges {{ cursor node {{ path }} }}
    nodes {{ path additions deletions changeType }}
  }}
  {ROLLUP}
"""

EVERYTHING = f"""
query Everything($owner: String!, $name: String!, $first: Int!, $after: String,
                 $number: Int!, $id: ID!) {{
  rateLimit(dryRun: false) {{ cost limit nodeCount remaining resetAt used }}
  viewer {{ {USER} }}
  node(id: $id) {{ __typename id ... on PullRequest {{ number }} }}
  nodes(ids: [$id]) {{ id }}
  repository(owner: $owner, name: $name, followRenames: true) {{
    id databaseId name nameWithOwner url
    owner {{ __typename id login url avatarUrl ... on Organization {{ name databaseId }} }}
    pullRequest(number: $number) {{ number title }}
    pullRequests(first: $first, after: $after, states: [OPEN, CLOSED, MERGED],
                 orderBy: {{field: UPDATED_AT, direction: DESC}}) {{
      totalCount {PAGE_INFO}
      edges {{ cursor node {{ number }} }}
      nodes {{ {PULL_REQUEST} }}
    }}
  }}
}}
"""

PULL_REQUESTS_PAGE = """
query Page($owner: String!, $name: String!, $first: Int, $last: Int, $after: String,
           $before: String, $orderBy: IssueOrder, $states: [PullRequestState!]) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, last: $last, after: $after, before: $before,
                 orderBy: $orderBy, states: $states) {
      totalCount
      pageInfo { hasNextPage endCursor hasPreviousPage startCursor }
      edges { cursor node { number updatedAt state } }
    }
  }
}
"""


def complete(selection: str, size: int = 1_000_000) -> str:
    """``selection`` with every ``first:``/``last:`` page size replaced by ``first: size``."""
    return re.sub(r"\b(first|last): \d+", f"first: {size}", selection)

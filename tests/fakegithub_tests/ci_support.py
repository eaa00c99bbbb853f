"""Helpers of the fake GitHub's CI tests (tests/fakegithub_tests/test_ci*.py): the CI selections and
a query for one served pull request."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fakegithub import FakeGitHub
from tests.fakegithub.testing import data, pull_request_query

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
REPO = "acme/web"
VARS = {"owner": "acme", "name": "web"}

STATUS = """status { state contexts { id context state description targetUrl createdAt
  creator { login } } }"""
ROLLUP = """statusCheckRollup { state contexts(first: 100) { totalCount checkRunCount
  statusContextCount nodes { __typename ... on CheckRun { databaseId conclusion }
  ... on StatusContext { context state } } } }"""
HEAD = f"""headRefOid commits(last: 1) {{ nodes {{ id commit {{ id oid {STATUS}
  checkSuites(first: 10) {{ nodes {{ id status conclusion
  checkRuns(first: 100) {{ nodes {{ id status conclusion completedAt }} }} }} }} }} }} }}"""


def one_repo(*prs: dict) -> dict:
    return {"repos": {REPO: {"databaseId": 4242, "pullRequests": list(prs)}}}


def served(gh: FakeGitHub, number: int, selection: str = HEAD, **kwargs) -> dict:
    query = pull_request_query(selection)
    return data(gh, query, {**VARS, "number": number}, **kwargs)["repository"]["pullRequest"]


def head_of(pr: dict) -> dict:
    return pr["commits"][-1]["commit"]

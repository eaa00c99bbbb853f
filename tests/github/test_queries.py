"""Every query the fetcher sends validates against GitHub's published schema."""

import functools

import pytest
from graphql import build_schema, parse, validate

from apps.seeding.fetch.github.queries import all_queries
from tests.shared import schema_path


@functools.cache
def github_schema():
    # GitHub's SDL trips graphql-core's own schema checks (deprecated interface fields), which
    # do not matter for validating queries.
    return build_schema(schema_path().read_text(), assume_valid=True)


@pytest.mark.parametrize("name", sorted(all_queries()))
def test_query_validates_against_github_schema(name):
    errors = validate(github_schema(), parse(all_queries()[name]))
    assert errors == [], [e.message for e in errors]


def test_every_nested_connection_asks_for_total_count_and_page_info():
    page = all_queries()["page"]
    for connection in ("labels(", "assignees(", "closingIssuesReferences(", "reviews(",
                       "commits(first", "files(", "checkSuites(", "checkRuns("):
        after = page.split(connection, 1)[1][:200]
        assert "totalCount pageInfo { hasNextPage endCursor }" in after, connection

"""A model of what the original seeder spent on GitHub's API (it cannot be run any more).

The original seeder fetched 10 PRs per GraphQL page, with nested connections comparable to the
project's page query, and made one REST call per PR for its check runs. Modelled as
``ceil(N / 10)`` GraphQL requests, each costing what GitHub charges for the project's page query
without check runs at ``first: 10`` (computed with ``tests/fakegithub/cost.py``, GitHub's
documented algorithm), plus ``N`` REST requests (which cost no GraphQL points but count against
the REST limit of 5,000 requests per hour). No follow-up pages: this flatters the original.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from apps.seeding.fetch.github.queries import Selection, page_query

ORIGINAL_PAGE_SIZE = 10


def page_points(first: int, *, check_runs: bool, selection: Selection | None = None) -> int:
    """GitHub's point cost of the project's page query with ``first`` PRs per page (CI: check
    runs and statuses, or neither)."""
    from graphql import parse

    from tests.fakegithub.cost import analyze
    from tests.fakegithub.schema import subset_schema

    sel = selection or (Selection() if check_runs else Selection().without_ci())
    document = parse(page_query(sel))
    variables = {"owner": "o", "name": "n", "first": first, "after": None}
    return analyze(subset_schema(), document, variables).cost


@dataclass(frozen=True, slots=True)
class ModelledSpend:
    """Requests and points of the original seeder for ``prs`` PRs."""

    prs: int
    graphql_requests: int
    rest_requests: int
    points: int

    @property
    def requests(self) -> int:
        return self.graphql_requests + self.rest_requests

    def per_100(self, value: float) -> float:
        return value * 100 / self.prs


def original_spend(prs: int, *, check_runs: bool) -> ModelledSpend:
    pages = math.ceil(prs / ORIGINAL_PAGE_SIZE)
    points = pages * page_points(ORIGINAL_PAGE_SIZE, check_runs=False)
    return ModelledSpend(prs, pages, prs if check_runs else 0, points)

"""GitHub Enterprise Server without ``PullRequestReview.fullDatabaseId`` (issue 10, item 11):
the first query is rejected, one introspection query confirms what the server has, the queries
switch to ``databaseId``, and the answer is cached: a later run asks the right field at once."""

from datetime import timedelta

import pytest

from apps.seeding.fetch.server_profile import PROFILE_FILE
from apps.teams.models import Team
from tests.expected import db_prs, expected_prs
from tests.fakegithub import generate_dataset

from .support import NOW, seed_ok

pytestmark = pytest.mark.django_db(transaction=True)
DATA = generate_dataset({"acme/web": 30, "acme/api": 20}, seed=91, now=NOW, days=60)
WINDOW = ["--days-back", "90"]


def introspections(gh) -> int:
    return sum("__type(" in r["query"] for r in gh.stats.records)


def rejected(gh) -> list[dict]:
    return [r for r in gh.stats.records if r["errors"] and "__type(" not in r["query"]
            and "RESOURCE_LIMITS_EXCEEDED" not in r["errors"]]


def test_a_run_against_an_older_ghes_adapts_once_and_seeds_everything(serve, cache_dir):
    gh = serve(DATA, schema_variant="ghes-3.8", endpoint="enterprise")
    out = seed_ok("--repo", "acme/web", *WINDOW)
    assert "/api/graphql" in gh.stats.records[0]["path"]
    assert introspections(gh) == 1 and len(rejected(gh)) == 1
    assert "fullDatabaseId" in out and "using databaseId instead" in out
    team = Team.objects.get(slug="acme")
    assert db_prs(team, "acme/web") == expected_prs(DATA, "acme/web", NOW - timedelta(days=90))
    assert (cache_dir / PROFILE_FILE).exists()


def test_the_schema_check_is_cached_so_a_later_run_sends_no_introspection(serve, cache_dir):
    gh = serve(DATA, schema_variant="ghes-3.8", endpoint="enterprise")
    seed_ok("--repo", "acme/web", *WINDOW)
    gh.reset_stats()
    out = seed_ok("--repo", "acme/api", *WINDOW)  # a new log: every query sent again
    assert gh.stats.total > 0 and introspections(gh) == 0 and rejected(gh) == []
    assert all("fullDatabaseId" not in r["query"] for r in gh.stats.records)
    assert "using databaseId" not in out
    team = Team.objects.get(slug="acme")
    assert db_prs(team, "acme/api") == expected_prs(DATA, "acme/api", NOW - timedelta(days=90))


def test_github_com_keeps_full_database_id_and_never_introspects(serve):
    gh = serve(DATA)
    seed_ok("--repo", "acme/web", *WINDOW)
    assert introspections(gh) == 0 and rejected(gh) == []
    assert all("fullDatabaseId" in r["query"] for r in gh.stats.records
               if "reviews" in r["query"])

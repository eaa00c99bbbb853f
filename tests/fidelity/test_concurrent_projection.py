"""One team's repositories fetched and projected at once (``--jobs``): their PRs share the
team's members, which every projection upserts. On PostgreSQL, where projections run
concurrently, rows are upserted in key order, so two projections never lock shared members in
opposite orders (before: "deadlock detected" failed a repository about every other run)."""

from datetime import timedelta

import pytest

from apps.teams.models import Team
from tests.expected import db_prs, expected_prs
from tests.fakegithub import generate_dataset

from .support import NOW, repo_args, seed

pytestmark = pytest.mark.django_db(transaction=True)
REPOS = ("term/web", "term/api", "term/docs", "term/ops")
DATA = generate_dataset({repo: 120 for repo in REPOS}, seed=5, now=NOW, days=60)


@pytest.mark.parametrize("attempt", range(3))
def test_one_teams_repositories_project_concurrently_without_deadlock(serve, tmp_path,
                                                                      attempt):
    serve(DATA)
    run = seed(*repo_args(*REPOS), "--days-back", "90", "--jobs", "4",
               "--cache-dir", str(tmp_path / "cache"))
    assert run.code == 0 and "deadlock" not in run.output, run.output[-2000:]
    team = Team.objects.get(slug="term")
    for repo in REPOS:
        assert db_prs(team, repo) == expected_prs(DATA, repo, NOW - timedelta(days=90)), repo

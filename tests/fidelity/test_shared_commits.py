"""Every PR keeps its own children (issue 10, item 6): stacked PRs, merge-back PRs and PRs
sharing a head commit list the same commits and CI; after seeding, the database equals the
server PR by PR, whatever the projection batches."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.metrics.models import Commit, PRCheckRun
from apps.seeding.fetch.state import FetchRequest
from apps.seeding.projection.projector import Projector
from apps.teams.models import Team
from eventlog import EventLog
from tests.chaos.support import expected_row_counts, row_counts
from tests.expected import db_prs, expected_prs
from tests.fakegithub import add_commit, generate_dataset, share_head, stack_prs, touch_pr
from tests.fakegithub.sharing import plant_sharing

from .support import NOW, repo_args, seed_ok

pytestmark = pytest.mark.django_db(transaction=True)
REPOS = ("acme/web", "acme/api")
DATA = generate_dataset({"acme/web": 60, "acme/api": 40}, seed=41, now=NOW, days=80,
                        nulls=False, ci="both", shared=2)
SINCE = NOW - timedelta(days=100)


def planted(repo: str):
    """(kind, numbers) of the PRs ``generate_dataset(shared=2)`` made share commits."""
    copy = generate_dataset({"acme/web": 60, "acme/api": 40}, seed=41, now=NOW, days=80,
                            nulls=False, ci="both")
    return plant_sharing(copy, repo, 2, 41)


def assert_equals_server(data, team, repos=REPOS):
    everything = {}
    for repo in repos:
        expected = expected_prs(data, repo, SINCE)
        assert db_prs(team, repo) == expected, repo
        everything.update({(repo, n): pr for n, pr in expected.items()})
    assert row_counts(team) == expected_row_counts(everything)


def test_the_database_equals_the_server_pr_by_pr(serve):
    gh = serve(DATA)
    seed_ok(*repo_args(*REPOS), "--days-back", "100")
    assert_equals_server(gh.dataset, Team.objects.get(slug="acme"))
    for repo in REPOS:
        for kind, numbers in planted(repo):
            shas = [set(Commit.objects.filter(pull_request__github_repo=repo,
                                              pull_request__github_pr_id=n)
                        .values_list("github_sha", flat=True)) for n in numbers]
            assert all(shas[0] & other for other in shas[1:]), (kind, numbers)  # each kept


def test_two_prs_sharing_a_head_each_hold_every_check_run_and_status(serve):
    serve(DATA)
    seed_ok("--repo", "acme/web", "--days-back", "100")
    [(_, pair)] = [p for p in planted("acme/web") if p[0] == "same_head"][:1]
    rows = [sorted(PRCheckRun.objects.filter(pull_request__github_pr_id=n,
                                             pull_request__github_repo="acme/web")
                   .values_list("kind", "github_check_run_id", "name")) for n in pair]
    assert rows[0] and rows[0] == rows[1]


@pytest.mark.parametrize("batch_events", [1, 3, 17, 500])
def test_any_projection_batching_gives_the_same_rows(serve, fetch, tmp_path, team,
                                                     batch_events):
    gh = serve(DATA)
    for repo in REPOS:
        fetch(gh, repo, FetchRequest(since=SINCE, page_size=15))
        Projector(team, repo, EventLog(tmp_path / repo),
                  batch_events=batch_events).project()
    assert_equals_server(gh.dataset, team)


def test_sharing_that_appears_later_is_projected_on_update(serve):
    gh = serve(DATA)
    seed_ok(*repo_args(*REPOS), "--days-back", "100")
    numbers = sorted(pr["number"] for pr in gh.dataset["repos"]["acme/web"]["pullRequests"]
                     if pr["state"] == "OPEN")
    base, top, twin = numbers[:3]
    moment = datetime.now(UTC)

    def share(data):
        stack_prs(data, "acme/web", base, top)
        share_head(data, "acme/web", top, twin)
        for number in (top, twin):
            touch_pr(data, "acme/web", number, moment)

    gh.mutate(share)
    seed_ok(*repo_args(*REPOS), "--days-back", "100", "--update")
    gh.mutate(lambda d: add_commit(d, "acme/web", top, moment + timedelta(seconds=5)))
    seed_ok(*repo_args(*REPOS), "--days-back", "100", "--update")
    assert_equals_server(gh.dataset, Team.objects.get(slug="acme"))
    heads = {Commit.objects.filter(pull_request__github_pr_id=n,
                                   pull_request__github_repo="acme/web").count()
             for n in (top, twin)}
    assert len(heads) == 1  # the pushed commit is on both PRs of the branch

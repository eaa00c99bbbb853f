"""The data model: natural keys are enforced by the database on every backend."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from apps.metrics.categories import categorize_file
from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.teams.models import Team

T = datetime(2026, 1, 1, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def make_pr(team, number=1, repo="acme/web"):
    return PullRequest.objects.create(team=team, github_repo=repo, github_pr_id=number,
                                      title="t", state="open", pr_created_at=T, pr_updated_at=T)


def rejected(create) -> bool:
    try:
        with transaction.atomic():
            create()
    except IntegrityError:
        return True
    return False


def test_duplicate_team_slug_is_rejected():
    Team.objects.create(name="A", slug="a")
    assert rejected(lambda: Team.objects.create(name="B", slug="a"))


def test_duplicate_member_login_per_team_is_rejected_but_allowed_across_teams(team):
    other = Team.objects.create(name="Other", slug="other")
    TeamMember.objects.create(team=team, github_login="octo")
    assert rejected(lambda: TeamMember.objects.create(team=team, github_login="octo"))
    assert not rejected(lambda: TeamMember.objects.create(team=other, github_login="octo"))


def test_duplicate_pull_request_is_rejected(team):
    make_pr(team)
    assert rejected(lambda: make_pr(team))
    assert not rejected(lambda: make_pr(team, repo="acme/api"))
    assert not rejected(lambda: make_pr(team, number=2))


def test_duplicate_review_id_per_team_is_rejected(team):
    pr = make_pr(team)
    PRReview.objects.create(team=team, pull_request=pr, github_review_id=10, state="approved")
    assert rejected(lambda: PRReview.objects.create(team=team, pull_request=make_pr(team, 2),
                                                    github_review_id=10, state="approved"))


def test_duplicate_commit_sha_per_team_is_rejected(team):
    pr = make_pr(team)
    Commit.objects.create(team=team, pull_request=pr, github_repo="acme/web", github_sha="a" * 40)
    assert rejected(lambda: Commit.objects.create(team=team, pull_request=pr,
                                                  github_repo="acme/web", github_sha="a" * 40))


def test_duplicate_file_per_pull_request_is_rejected(team):
    pr = make_pr(team)
    PRFile.objects.create(team=team, pull_request=pr, filename="a.py", status="added",
                          file_category="backend")
    assert rejected(lambda: PRFile.objects.create(team=team, pull_request=pr, filename="a.py",
                                                  status="modified", file_category="backend"))
    assert not rejected(lambda: PRFile.objects.create(
        team=team, pull_request=make_pr(team, 2), filename="a.py", status="added",
        file_category="backend"))


def test_duplicate_check_run_per_team_is_rejected(team):
    pr = make_pr(team)
    PRCheckRun.objects.create(team=team, pull_request=pr, github_check_run_id=5, name="ci",
                              status="completed")
    assert rejected(lambda: PRCheckRun.objects.create(team=team, pull_request=pr,
                                                      github_check_run_id=5, name="ci",
                                                      status="completed"))


def test_deleting_a_pull_request_removes_its_children(team):
    pr = make_pr(team)
    PRReview.objects.create(team=team, pull_request=pr, github_review_id=1, state="approved")
    PRFile.objects.create(team=team, pull_request=pr, filename="x", status="added",
                          file_category="other")
    pr.delete()
    assert not PRReview.objects.exists() and not PRFile.objects.exists()


@pytest.mark.parametrize("path, category", [
    ("src/app/page.tsx", "frontend"), ("styles/main.scss", "frontend"),
    ("app/models/user.rb", "backend"), ("server/api.py", "backend"),
    ("tests/test_api.py", "test"), ("src/button.test.tsx", "test"), ("spec/user_spec.rb", "test"),
    ("docs/intro.md", "docs"), ("README.md", "docs"),
    (".github/workflows/ci.yml", "config"), ("package.json", "config"), ("Dockerfile", "config"),
    ("assets/logo.png", "other"),
])
def test_file_category_is_derived_from_the_path(path, category):
    assert categorize_file(path) == category

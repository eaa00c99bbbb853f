"""Repository identity (issue 10, item 10): GitHub names are case-insensitive and repositories
get renamed. Whatever case is typed, and after a rename, a repository has one log and one set
of rows, stored under GitHub's canonical ``nameWithOwner``."""

from datetime import UTC, datetime

import pytest

from apps.metrics.models import Commit, PullRequest
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog.manifest import MANIFEST_NAME
from tests.fakegithub import generate_dataset, rename_repo, touch_pr

from .support import NOW, cache_info, seed_ok, shapes

pytestmark = pytest.mark.django_db(transaction=True)
DATA = generate_dataset({"acme/web": 30}, seed=81, now=NOW, days=60, nulls=False)
WINDOW = ["--days-back", "90"]


def logs(cache_dir) -> list[str]:
    return sorted(str(p.parent.relative_to(cache_dir)) for p in cache_dir.rglob(MANIFEST_NAME))


def repos_in_database() -> set[str]:
    return set(PullRequest.objects.values_list("github_repo", flat=True)) | \
        set(Commit.objects.values_list("github_repo", flat=True)) | \
        set(AppliedOffset.objects.values_list("github_repo", flat=True))


@pytest.mark.parametrize("first, second", [("ACME/Web", "acme/web"), ("acme/web", "Acme/WEB")])
def test_any_case_uses_one_log_and_one_set_of_rows(serve, cache_dir, first, second):
    gh = serve(DATA)
    seed_ok("--repo", first, *WINDOW)
    gh.reset_stats()
    out = seed_ok("--repo", second, *WINDOW)
    assert gh.stats.total == 0, out  # the same, complete log
    assert len(logs(cache_dir)) == 1
    assert repos_in_database() == {"acme/web"}  # GitHub's nameWithOwner, not what was typed
    assert PullRequest.objects.count() == 30
    assert list(Team.objects.values_list("slug", flat=True)) == ["acme"]
    assert "GitHub calls" not in out


def test_a_renamed_repo_is_reported_and_keeps_one_log_and_one_set_of_rows(serve, cache_dir):
    gh = serve(DATA)
    seed_ok("--repo", "acme/web", *WINDOW)
    number = DATA["repos"]["acme/web"]["pullRequests"][0]["number"]
    gh.mutate(lambda d: (rename_repo(d, "acme/web", "acme/site"),
                         touch_pr(d, "acme/site", number, datetime.now(UTC), title="After")))
    out = seed_ok("--repo", "acme/web", *WINDOW, "--update")
    assert "GitHub calls acme/web acme/site now" in out
    assert repos_in_database() == {"acme/site"}
    assert PullRequest.objects.count() == 30
    assert PullRequest.objects.get(github_pr_id=number).title == "After"
    gh.reset_stats()
    out = seed_ok("--repo", "acme/site", *WINDOW, "--update")  # the new name: same log
    assert shapes(gh).count("pullRequests+viewer") == 1 and "GitHub calls" not in out
    assert logs(cache_dir) == ["acme/web"]
    assert repos_in_database() == {"acme/site"} and PullRequest.objects.count() == 30
    [info] = cache_info("--repo", "acme/site")
    assert info["name"] == "acme/site" and info["prs"] == 30


def test_an_invalid_name_from_github_is_reported_and_never_used(serve, cache_dir):
    gh = serve(DATA)

    def invalid_name(body):
        repo = (body.get("data") or {}).get("repository")
        if isinstance(repo, dict) and "nameWithOwner" in repo:
            repo["nameWithOwner"] = "acme/we\x1b]52;c;b\x07b"

    gh.faults.tamper_next(invalid_name, n=100)
    out = seed_ok("--repo", "acme/web", *WINDOW)
    assert "not a valid repository name: ignored" in out and "\x1b" not in out
    assert repos_in_database() == {"acme/web"} and logs(cache_dir) == ["acme/web"]
    [info] = cache_info("--repo", "acme/web")
    assert info["name"] == "acme/web"

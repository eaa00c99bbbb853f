"""``files: null`` for a huge PR (issue 10, item 2): recorded unavailable with GitHub's count,
projected as unknown, listed everywhere a person or a script looks, and re-tried by number."""

import pytest

from apps.metrics.models import PRFile, PullRequest
from tests.fakegithub import generate_dataset, make_files_unavailable

from .support import NOW, cache_info, pr_events, seed, seed_ok, shapes

pytestmark = pytest.mark.django_db(transaction=True)
REPO, HUGE, CHANGED = "acme/web", 7, 4242
ARGS = ["--repo", REPO, "--days-back", "120"]


def dataset():
    data = generate_dataset({REPO: 30}, seed=5, now=NOW, days=100, nulls=False)
    make_files_unavailable(data, REPO, HUGE, changed_files=CHANGED)
    return data


def serve_files_again(data):
    pr = next(p for p in data["repos"][REPO]["pullRequests"] if p["number"] == HUGE)
    del pr["filesUnavailable"]
    pr["changedFiles"] = len(pr["files"])


@pytest.fixture
def gh(serve):
    return serve(dataset())


def test_the_log_records_files_unavailable_with_githubs_count(gh, cache_dir):
    seed_ok(*ARGS)
    [event] = pr_events(cache_dir / REPO, HUGE)
    assert event["files"] is None and event["changed_files"] == CHANGED
    gap = event["unavailable"]["files"]
    assert gap["reason"] == "too_large" and gap["expected"] == CHANGED
    others = [e for n in range(1, 31) if n != HUGE for e in pr_events(cache_dir / REPO, n)]
    assert others and all(e["files"] is not None and not e["unavailable"] for e in others)


def test_the_database_holds_no_file_rows_and_says_files_are_unknown(gh):
    seed_ok(*ARGS)
    pr = PullRequest.objects.get(github_pr_id=HUGE)
    assert not PRFile.objects.filter(pull_request=pr).exists()
    assert pr.changed_files == CHANGED
    assert pr.missing_data["files"]["reason"] == "too_large"
    assert pr.missing_data["files"]["expected"] == CHANGED
    assert PRFile.objects.exclude(pull_request=pr).exists()
    assert all("files" not in p.missing_data for p in PullRequest.objects.exclude(pk=pr.pk))


def test_the_summary_and_cache_info_list_the_incomplete_pr(gh):
    out = seed_ok(*ARGS)
    assert f"{REPO}: warning: 1 PR is incomplete" in out and f"#{HUGE}" in out
    text = seed_ok(*ARGS, "--cache-info")
    assert f"incomplete: #{HUGE}: files (too_large)" in text
    [info] = cache_info(*ARGS)
    assert info["incomplete_prs"] == [{"number": HUGE, "missing": {"files": "too_large"},
                                       "tries": 0}]


def test_the_next_run_retries_that_pr_alone_by_number_and_a_later_run_sends_nothing(gh):
    seed_ok(*ARGS)
    gh.reset_stats()
    seed_ok(*ARGS)
    assert shapes(gh) == ["pullRequest+viewer"]
    assert gh.stats.records[0]["variables"]["n0"] == HUGE
    assert "n1" not in gh.stats.records[0]["variables"]
    [info] = cache_info(*ARGS)
    assert info["incomplete_prs"] == [{"number": HUGE, "missing": {"files": "too_large"},
                                       "tries": 1}]
    gh.reset_stats()
    run = seed(*ARGS)
    assert run.code == 0 and gh.stats.total == 0
    assert not PRFile.objects.filter(pull_request__github_pr_id=HUGE).exists()


def test_files_that_github_serves_again_replace_the_unknown(gh):
    seed_ok(*ARGS)
    gh.mutate(serve_files_again)
    seed_ok(*ARGS)  # the retry by number now gets the files
    pr = PullRequest.objects.get(github_pr_id=HUGE)
    assert "files" not in pr.missing_data
    assert PRFile.objects.filter(pull_request=pr).count() == pr.changed_files > 0
    [info] = cache_info(*ARGS)
    assert info["incomplete_prs"] == []

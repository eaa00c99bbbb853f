"""Follow-ups shrink (issue 10, item 3): a PR GitHub finds too heavy is fetched alone with
smaller nested pages, its follow-ups go 100 -> 50 -> ... -> 1 on timeouts and resource limits,
and a PR that still fails is recorded incomplete while the pass completes."""

import re

import pytest

from apps.metrics.models import PRFile, PullRequest
from apps.seeding.fetch.completion import Completer, Draft
from apps.seeding.fetch.github.client import Response
from apps.seeding.fetch.github.errors import FieldError
from apps.seeding.fetch.github.queries import Selection
from apps.seeding.fetch.state import FetchRequest
from tests.fakegithub import make_pull_request

from .support import NOW, pr_events, seed_ok

REPO, HEAVY = "acme/web", 2
FILES = {1: 30, 2: 140, 3: 60}


def one_repo():
    prs = [make_pull_request(n, files=FILES[n], commits=5, reviews=3, now=NOW, days=20)
           for n in FILES]
    return {"repos": {REPO: {"databaseId": 4242, "pullRequests": prs}}}


def sizes_asked(gh, operation: str, connection: str) -> list[int]:
    """``first:`` of ``connection`` in every request named ``operation``, in order."""
    return [int(m) for r in gh.stats.records if r["query"].startswith(f"query {operation}(")
            for m in re.findall(rf"\b{connection}\(first: (\d+)", r["query"])]


def test_a_pr_github_nulls_for_resource_limits_is_fetched_alone_and_complete(serve, fetch,
                                                                              tmp_path):
    gh = serve(one_repo())
    gh.faults.resource_limits({HEAVY}, over=10)
    state, fetcher = fetch(gh, REPO, FetchRequest(page_size=10))
    assert state.complete and not state.incomplete and not fetcher.warnings.items
    [event] = pr_events(tmp_path / REPO, HEAVY)
    assert len(event["files"]) == FILES[HEAVY] and not event["unavailable"]
    assert len(event["commits"]) == 5 and len(event["reviews"]) == 3
    # the page (commits is non-null: GitHub nulls the whole PR), then the PR alone by its
    # place in the page, nested pages halved until served
    assert sizes_asked(gh, "PullRequestPage", "commits") == [100, 50, 25, 12, 6]
    assert sizes_asked(gh, "Continuations", "files")[:5] == [100, 50, 25, 12, 6]
    assert set(sizes_asked(gh, "Continuations", "files")[4:]) == {6}  # the size that works


def test_follow_ups_that_keep_timing_out_shrink_to_one_then_mark_the_pr_incomplete(
        serve, fetch, tmp_path):
    gh = serve(one_repo())
    gh.on_request(2, lambda d: gh.faults.fail_next(14, "502_json"))  # every follow-up
    state, _ = fetch(gh, REPO, FetchRequest(page_size=10))
    assert sizes_asked(gh, "Continuations", "files") == [
        size for size in (100, 50, 25, 12, 6, 3, 1) for _ in range(2)]  # twice, then smaller
    assert state.complete  # the pass goes on
    assert state.incomplete == {str(HEAVY): {"missing": {"files": "timeout"}, "tries": 0}}
    [event] = pr_events(tmp_path / REPO, HEAVY)
    assert event["unavailable"]["files"]["reason"] == "timeout"
    assert len(event["files"]) == 100  # what was served is kept, marked partial
    assert all(not e["unavailable"] for n in FILES if n != HEAVY
               for e in pr_events(tmp_path / REPO, n))


def test_a_pr_refused_even_one_item_at_a_time_is_recorded_without_its_connections(
        serve, fetch, tmp_path):
    gh = serve(one_repo())
    gh.faults.resource_limits({HEAVY}, over=0)
    state, _ = fetch(gh, REPO, FetchRequest(page_size=10))
    assert state.complete
    [event] = pr_events(tmp_path / REPO, HEAVY)
    for name in ("reviews", "commits", "files", "check_runs", "statuses"):
        assert event[name] is None, name
        assert event["unavailable"][name]["reason"] == "resource_limits", name
    assert event["commits_count"] == 5 and event["changed_files"] == FILES[HEAVY]
    assert state.incomplete[str(HEAVY)]["missing"]["files"] == "resource_limits"
    assert {e["number"] for n in FILES for e in pr_events(tmp_path / REPO, n)} == set(FILES)


@pytest.mark.django_db(transaction=True)
def test_the_command_projects_the_heavy_pr_as_unknown_and_every_other_pr(serve, cache_dir):
    gh = serve(one_repo())
    gh.faults.resource_limits({HEAVY}, over=0)
    out = seed_ok("--repo", REPO, "--days-back", "60")
    assert f"#{HEAVY}" in out and "incomplete" in out
    heavy = PullRequest.objects.get(github_pr_id=HEAVY)
    assert heavy.missing_data["files"]["reason"] == "resource_limits"
    assert not PRFile.objects.filter(pull_request=heavy).exists()
    for number in FILES.keys() - {HEAVY}:
        assert PRFile.objects.filter(pull_request__github_pr_id=number).count() == FILES[number]


def test_a_connection_nulled_by_a_siblings_resource_limit_is_asked_again_not_lost():
    """``commits`` is non-null: its RESOURCE_LIMITS_EXCEEDED nulls the PR alias, and with it
    the ``files`` page asked in the same round, which has no error of its own."""
    def conn(cursor):
        return {"totalCount": 3, "nodes": [{"n": 0}],
                "pageInfo": {"hasNextPage": True, "endCursor": cursor}}

    draft = Draft({"number": 1, "commits": conn("MQ"), "files": conn("MQ")}, "pr")
    asked = []

    def execute(query, variables, can_shrink=False):
        asked.append(re.findall(r"c\d: (\w+)\(first: (\d+)", query))
        if len(asked) == 1:
            limit = FieldError("RESOURCE_LIMITS_EXCEEDED", ("repository", "p1", "c0"), "limits")
            return Response({"repository": {"p1": None}}, 1, None, (limit,))
        page = {"nodes": [{"n": 1}, {"n": 2}], "pageInfo": {"hasNextPage": False,
                                                           "endCursor": "Mw"}}
        return Response({"repository": {"p1": {"c0": page, "c1": page}}}, 1, None)

    Completer(execute, "acme", "web", Selection()).complete([draft])
    assert [sorted(round_) for round_ in asked] == [[("commits", "100"), ("files", "100")],
                                                    [("commits", "50"), ("files", "100")]]
    assert draft.gaps == {}
    assert len(draft.node["files"]["nodes"]) == len(draft.node["commits"]["nodes"]) == 3

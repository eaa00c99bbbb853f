"""Real recorded GitHub responses (issue 10, item 14) through ``classify`` and the parser, for
every recorded shape the fetcher handles. Extends ``tests/github/test_parse.py`` (which parses
the PR pages, one commit page, reviews and the aliased PRs without CI) and
``tests/github/test_classify.py`` (which classifies every body): here every PR and commit of
every recording parses, the NOT_FOUND partial bodies keep their paths and lose no request, and
the aliased PRs carry their legacy commit statuses."""

import json

import pytest

from apps.seeding.fetch.github import parse
from apps.seeding.fetch.github.classify import classify
from apps.seeding.fetch.github.queries import Selection
from apps.seeding.fetch.pages import Locator, PageBuilder
from apps.seeding.fetch.reporting import NullReporter, WarningLog
from tests.shared import recorded_dir

REQUIRED = {"number", "state", "createdAt", "updatedAt"}


def classified(name: str):
    """``classify`` of a recorded exchange, as the client sees it (status, headers, bytes)."""
    doc = json.loads((recorded_dir() / "extracted" / name).read_text())
    return classify(doc["status"], doc["selected_headers"],
                    json.dumps(doc["response_body"]).encode())


def walk(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


@pytest.mark.parametrize("name, prs, commits", [
    ("mergestat-lite__TestRepoPRs__0.json", 50, 0),
    ("mergestat-lite__TestPRCommits__0.json", 0, 1),
    ("mergestat-lite__TestPRCommits__1.json", 0, 1),
    ("sourcegraph__LoadPullRequests__2.json", 5, 284),  # timeline commits
])
def test_every_pr_and_commit_of_a_recorded_response_parses(name, prs, commits):
    data, errors = classified(name)
    assert errors == ()
    parser = parse.Parser()
    events = [parser.pull_request(node, f"pr{i}", checks=False, statuses=False)
              for i, node in enumerate(n for n in walk(data) if n.keys() >= REQUIRED)]
    parsed = [parser.commit(node, f"commit{i}")
              for i, node in enumerate(n for n in walk(data) if "oid" in n and "message" in n)]
    assert (len(events), len(parsed)) == (prs, commits)
    assert parser.unknown == set()
    assert all(e["version"] == 2 and e["statuses"] is None for e in events)


PARSED = ("mergestat-lite__TestRepoPRs__0.json", "mergestat-lite__TestPRCommits__0.json",
          "mergestat-lite__TestPRCommits__1.json", "sourcegraph__LoadPullRequests__2.json")
NOT_FOUND = ("sourcegraph__LoadPullRequests__0.json", "sourcegraph__LoadPullRequests__1.json")
ELSEWHERE = ("mergestat-lite__TestPRReviews__0.json",   # test_parse: refused, no review id
             "mergestat-lite__TestPRReviews__1.json",   # the same exchange again
             "sourcegraph__LoadPullRequests__3.json")   # timelineItems: a shape never sent


def test_every_recorded_exchange_is_covered_here_or_elsewhere():
    names = {p.name for p in (recorded_dir() / "extracted").glob("*.json")}
    assert names == {*PARSED, *NOT_FOUND, *ELSEWHERE}


@pytest.mark.parametrize("name, path", [
    ("sourcegraph__LoadPullRequests__0.json", ("repo_0",)),
    ("sourcegraph__LoadPullRequests__1.json", ("repo_0", "repo_0_0")),
])
def test_recorded_not_found_bodies_are_partial_errors_with_their_paths(name, path):
    data, errors = classified(name)
    assert [(e.type, e.path) for e in errors] == [("NOT_FOUND", path)]
    assert errors[0].message.startswith("Could not resolve to a ")
    node = data
    for key in path:
        node = node[key]
    assert node is None


def test_a_recorded_not_found_pr_is_gone_without_a_request_or_a_failure():
    data, errors = classified("sourcegraph__LoadPullRequests__1.json")

    def call(*args, **kwargs):
        raise AssertionError("a PR GitHub does not know is not asked again")

    builder = PageBuilder(call, "sourcegraph", "sourcegraph",
                          WarningLog("sourcegraph/sourcegraph", NullReporter()))
    where = Locator(number=0)
    result = builder.build([(data["repo_0"]["repo_0_0"], ("repo_0", "repo_0_0"), where)],
                           errors, Selection())
    assert result.events == [] and result.gone == [where]


def test_recorded_aliased_prs_carry_the_statuses_of_their_head_commit():
    data, _ = classified("sourcegraph__LoadPullRequests__2.json")
    parser = parse.Parser()
    seen = 0
    for repo in data.values():
        for pr in repo.values():
            head = pr["commits"]["nodes"][-1]["commit"]  # commits(last: 1): the head commit
            # the recording's ``commits(last: 1)`` is the fetcher's ``headCommit`` alias
            event = parser.pull_request({**pr, "headCommit": pr["commits"]}, "pr",
                                        checks=False, statuses=True)
            contexts = (head.get("status") or {}).get("contexts") or []
            assert [(s["context"], s["state"], s["description"]) for s in event["statuses"]] \
                == [(c["context"], c["state"].lower(), c["description"]) for c in contexts]
            assert event["check_runs"] is None  # not asked: the recording has no run ids
            seen += len(contexts)
    assert seen == 8 and parser.unknown == set()
    assert {"percy/Sourcegraph", "buildkite/e2e"} <= {
        s["context"] for repo in data.values() for pr in repo.values()
        for s in (pr["commits"]["nodes"][-1]["commit"].get("status") or {}).get("contexts", [])}

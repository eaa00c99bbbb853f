"""The fake's CI data: legacy statuses, statusCheckRollup, token permissions, ``files: null``
and nested partial errors (CI edits and shared commits: test_fakegithub_ci_edits.py)."""

from __future__ import annotations

from tests.fakegithub import (
    FakeGitHub,
    delete_pr,
    generate_dataset,
    make_files_unavailable,
    make_pull_request,
)
from tests.fakegithub.cistate import rollup_state
from tests.fakegithub.editbase import find_pr
from tests.fakegithub.invariants import check_dataset
from tests.fakegithub.testing import graphql
from tests.fakegithub_tests.ci_support import (
    NOW,
    REPO,
    ROLLUP,
    STATUS,
    head_of,
    one_repo,
    served,
)

FORBIDDEN = "Resource not accessible by personal access token"


# --- statuses and the rollup ------------------------------------------------------------------


def test_legacy_status_is_served_with_a_plain_list_of_contexts():
    pr = make_pull_request(3, statuses=3, runs=2)
    with FakeGitHub(one_repo(pr)) as gh:
        node = served(gh, 3, f"commits(last: 1) {{ nodes {{ commit {{ {STATUS} }} }} }}")
    status = node["commits"]["nodes"][0]["commit"]["status"]
    expected = head_of(pr)["status"]
    assert status["state"] == expected["state"]
    assert [c["context"] for c in status["contexts"]] == [c["context"] for c in
                                                          expected["contexts"]]
    assert status["contexts"][0]["id"].startswith("SC_")
    assert {c["creator"]["login"] for c in status["contexts"] if c["creator"]} <= {
        "circleci", "buildkite-bot", "codecov-io", "vercel", "jenkins"}


def test_status_context_by_name_and_null_status():
    pr = make_pull_request(1, statuses=2)
    bare = make_pull_request(2, statuses=0, runs=0)
    name = head_of(pr)["status"]["contexts"][1]["context"]
    selection = (f'commits(last: 1) {{ nodes {{ commit {{ status {{ context(name: "{name}") '
                 "{ context } missing: context(name: \"nope\") { context } } } } }")
    with FakeGitHub(one_repo(pr, bare)) as gh:
        found = served(gh, 1, selection)["commits"]["nodes"][0]["commit"]["status"]
        none = served(gh, 2, selection)["commits"]["nodes"][0]["commit"]["status"]
    assert found == {"context": {"context": name}, "missing": None}
    assert none is None


def test_rollup_combines_check_runs_and_statuses():
    pr = make_pull_request(5, runs=[3, 2], statuses=2)
    bare = make_pull_request(6, runs=0, statuses=0)
    with FakeGitHub(one_repo(pr, bare)) as gh:
        rollup = served(gh, 5, ROLLUP)["statusCheckRollup"]
        commit_rollup = served(gh, 5, f"commits(last: 1) {{ nodes {{ commit {{ {ROLLUP} }} }} }}")
        assert served(gh, 6, ROLLUP) == {"statusCheckRollup": None}
    contexts = rollup["contexts"]
    assert (contexts["totalCount"], contexts["checkRunCount"], contexts["statusContextCount"]) \
        == (7, 5, 2)
    assert [n["__typename"] for n in contexts["nodes"]] == ["CheckRun"] * 5 + ["StatusContext"] * 2
    assert rollup["state"] == rollup_state(head_of(pr))
    assert commit_rollup["commits"]["nodes"][0]["commit"]["statusCheckRollup"] == rollup


def test_generated_repositories_mix_ci_styles():
    repos = {f"org/repo-{i}": 15 for i in range(30)}
    dataset = generate_dataset(repos, seed=5, now=NOW, huge=0)
    styles = set()
    for repo in dataset["repos"].values():
        heads = [head_of(pr) for pr in repo["pullRequests"]]
        styles.add((any(h["checkSuites"] for h in heads), any(h["status"] for h in heads)))
    assert styles == {(True, False), (False, True), (True, True)}
    contexts = [c for repo in dataset["repos"].values() for pr in repo["pullRequests"]
                for c in (head_of(pr)["status"] or {}).get("contexts", ())]
    names = {c["context"] for c in contexts}
    assert {"ci/circleci: build", "buildkite/app", "codecov/patch", "Vercel",
            "continuous-integration/jenkins/pr-head"} <= names
    assert {"PENDING", "EXPECTED", "SUCCESS", "FAILURE"} <= {c["state"] for c in contexts}
    assert check_dataset(dataset) == []


def test_ci_knobs_remove_checks_or_statuses():
    only_statuses = generate_dataset({REPO: 20}, seed=1, now=NOW, ci="both", check_runs=False)
    only_checks = generate_dataset({REPO: 20}, seed=1, now=NOW, ci="both", statuses=False)
    heads = [head_of(pr) for pr in only_statuses["repos"][REPO]["pullRequests"]]
    assert not any(h["checkSuites"] for h in heads) and all(h["status"] for h in heads)
    heads = [head_of(pr) for pr in only_checks["repos"][REPO]["pullRequests"]]
    assert all(h["checkSuites"] for h in heads) and not any(h["status"] for h in heads)


# --- fine-grained tokens without CI permissions -----------------------------------------------


def test_tokens_without_ci_permission_get_forbidden_partial_errors():
    prs = [make_pull_request(n, runs=2, statuses=1) for n in (1, 2)]
    query = (f"{{ repository(owner: \"acme\", name: \"web\") {{ pullRequests(first: 2) {{ nodes "
             f"{{ number title {ROLLUP} commits(last: 1) {{ nodes {{ commit {{ oid {STATUS} "
             "checkSuites(first: 5) { totalCount } } } } } } } }")
    permissions = {"no-checks": {"checks": False}, "no-statuses": {"statuses": False}}
    with FakeGitHub(one_repo(*prs), token_permissions=permissions) as gh:
        full = graphql(gh, query).json()
        no_checks = graphql(gh, query, token="no-checks")
        no_statuses = graphql(gh, query, token="no-statuses").json()
    assert "errors" not in full
    assert no_checks.status_code == 200
    body = no_checks.json()
    nodes_path = ["repository", "pullRequests", "nodes"]
    assert [error["path"] for error in body["errors"]] == [
        path for i in (0, 1) for path in ([*nodes_path, i, "statusCheckRollup"],
                                          [*nodes_path, i, "commits", "nodes", 0, "commit",
                                           "checkSuites"])]
    assert {e["type"] for e in body["errors"]} == {"FORBIDDEN"}
    assert all(e["message"] == FORBIDDEN and e["locations"] for e in body["errors"])
    nodes = body["data"]["repository"]["pullRequests"]["nodes"]
    assert [n["title"] for n in nodes] == [pr["title"] for pr in prs]
    commit = nodes[0]["commits"]["nodes"][0]["commit"]
    assert commit["checkSuites"] is None and commit["status"]["state"]
    assert nodes[0]["statusCheckRollup"] is None
    commit = no_statuses["data"]["repository"]["pullRequests"]["nodes"][1]["commits"]["nodes"][0]
    assert commit["commit"]["status"] is None and commit["commit"]["checkSuites"]["totalCount"]
    assert len(no_statuses["errors"]) == 4


def test_node_lookup_of_ci_objects_is_forbidden_without_the_permission():
    pr = make_pull_request(1, runs=2, statuses=1)
    suite = head_of(pr)["checkSuites"][0]
    context = head_of(pr)["status"]["contexts"][0]
    query = """query($s: ID!, $r: ID!, $c: ID!) { suite: node(id: $s) { id }
      many: nodes(ids: [$s, $r, $c]) { id } context: node(id: $c) { id } }"""
    ids = {"s": suite["id"], "r": suite["checkRuns"][0]["id"], "c": context["id"]}
    with FakeGitHub(one_repo(pr), token_permissions={"t": {"checks": False}}) as gh:
        body = graphql(gh, query, ids, token="t").json()
        allowed = graphql(gh, query, ids).json()
    assert body["data"] == {"suite": None, "many": [None, None, {"id": context["id"]}],
                            "context": {"id": context["id"]}}
    assert [(e["type"], e["path"]) for e in body["errors"]] == [
        ("FORBIDDEN", ["suite"]), ("FORBIDDEN", ["many", 0]), ("FORBIDDEN", ["many", 1])]
    assert "errors" not in allowed


# --- files: null ------------------------------------------------------------------------------


def test_files_are_null_without_error_for_prs_over_the_file_limit():
    small, big = make_pull_request(1, files=3), make_pull_request(2, files=12)
    flagged = make_pull_request(3, files=2)
    dataset = one_repo(small, big, flagged)
    make_files_unavailable(dataset, REPO, 3)
    selection = "changedFiles files(first: 5) { totalCount nodes { path } }"
    with FakeGitHub(dataset, max_files=10) as gh:
        answers = [served(gh, n, selection) for n in (1, 2, 3)]
        gh.mutate(lambda d: make_files_unavailable(d, REPO, 1, changed_files=4000))
        grown = served(gh, 1, selection)
    assert answers[0]["files"]["totalCount"] == 3
    assert answers[1] == {"changedFiles": 12, "files": None}
    assert answers[2] == {"changedFiles": 2, "files": None}
    assert grown == {"changedFiles": 4000, "files": None}
    assert check_dataset(dataset) == []


def test_generated_huge_file_prs_answer_files_null():
    dataset = generate_dataset({REPO: 12}, seed=2, now=NOW, huge=0, huge_files=1)
    pr = next(p for p in dataset["repos"][REPO]["pullRequests"] if p["changedFiles"] > 3000)
    assert pr["files"] is None and pr["additions"] > 0
    with FakeGitHub(dataset) as gh:
        node = served(gh, pr["number"], "changedFiles files(first: 100) { totalCount }")
    assert node == {"changedFiles": pr["changedFiles"], "files": None}
    assert check_dataset(dataset) == []


# --- partial errors on nested paths -----------------------------------------------------------


def test_resource_limits_null_a_listed_prs_nested_connection():
    prs = [make_pull_request(n, files=5, reviews=3) for n in (1, 2)]
    query = """{ repository(owner: "acme", name: "web") { pullRequests(first: 2) { nodes {
      number files(first: 50) { totalCount } few: files(first: 2) { totalCount }
      reviews(last: 60) { totalCount } } } } }"""
    with FakeGitHub(one_repo(*prs)) as gh:
        gh.faults.resource_limits({2}, over=10)
        body = graphql(gh, query).json()
        commits = graphql(gh, '{ repository(owner: "acme", name: "web") { pullRequest('
                               'number: 2) { number commits(first: 20) { totalCount } } } }')
    nodes = body["data"]["repository"]["pullRequests"]["nodes"]
    assert nodes[0]["files"] == {"totalCount": 5}
    assert nodes[1] == {"number": 2, "files": None, "few": {"totalCount": 5}, "reviews": None}
    assert body["errors"] == [
        {"type": "RESOURCE_LIMITS_EXCEEDED",
         "path": ["repository", "pullRequests", "nodes", 1, "files"],
         "message": "Resource limits for this query exceeded."},
        {"type": "RESOURCE_LIMITS_EXCEEDED",
         "path": ["repository", "pullRequests", "nodes", 1, "reviews"],
         "message": "Resource limits for this query exceeded."}]
    # commits is non-null: the null propagates to the (nullable) pull request
    assert commits.json()["data"] == {"repository": {"pullRequest": None}}
    assert commits.json()["errors"][0]["path"] == ["repository", "pullRequest", "commits"]


def test_not_found_on_nested_aliased_paths():
    prs = [make_pull_request(n, runs=1) for n in (1, 2, 3)]
    dataset = one_repo(*prs)
    suite_id = head_of(prs[2])["checkSuites"][0]["id"]
    query = """query($suite: ID!) { repo: repository(owner: "acme", name: "web") {
      one: pullRequest(number: 1) { number } two: pullRequest(number: 2) { number } }
      gone: node(id: $suite) { id } }"""
    with FakeGitHub(dataset) as gh:
        gh.mutate(lambda d: delete_pr(d, REPO, 2))
        gh.mutate(lambda d: head_of(find_pr(d, REPO, 3)).update(checkSuites=[]))
        body = graphql(gh, query, {"suite": suite_id}).json()
    assert body["data"] == {"repo": {"one": {"number": 1}, "two": None}, "gone": None}
    assert [(e["type"], e["path"]) for e in body["errors"]] == [
        ("NOT_FOUND", ["repo", "two"]), ("NOT_FOUND", ["gone"])]
    assert body["errors"][0]["message"] == \
        "Could not resolve to a PullRequest with the number of 2."

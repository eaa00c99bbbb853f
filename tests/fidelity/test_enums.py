"""Unknown enum values (issue 10, item 9): GitHub adds values over time; each is stored as sent
(lower-cased like the known ones), warned about once per run and repository, and never stops
the repository."""

from datetime import timedelta

import pytest

from apps.metrics.models import PRCheckRun, PRFile, PRReview
from tests.fakegithub import finish_checks, generate_dataset, start_checks

from .support import NOW, seed

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "acme/web"
NEW = {"CheckConclusionState": ["SUPERSEDED"], "PullRequestReviewState": ["SUPER_APPROVED"],
       "PatchStatus": ["EXPLODED"], "StatusState": ["FLAKY"]}


def dataset():
    """Every new value on several PRs, spread over several pages."""
    data = generate_dataset({REPO: 40}, seed=71, now=NOW, days=60, nulls=False, ci="both")
    prs = data["repos"][REPO]["pullRequests"]
    for pr in prs[::6]:
        head = pr["commits"][-1]["commit"]
        for suite in head.get("checkSuites") or []:
            for run in suite["checkRuns"]:
                run.update(status="COMPLETED", conclusion="SUPERSEDED")
        for context in (head.get("status") or {}).get("contexts") or []:
            context["state"] = "FLAKY"
        for review in pr.get("reviews") or []:
            review["state"] = "SUPER_APPROVED"
        for item in (pr.get("files") or [])[:1]:
            item["changeType"] = "EXPLODED"
    return data


def test_new_enum_values_are_stored_lower_cased_and_the_repo_completes(serve):
    serve(dataset(), extra_enum_values=NEW)
    run = seed("--repo", REPO, "--days-back", "90", "--page-size", "10")
    assert run.code == 0, run.output
    assert f"{REPO}  acme  ok" in run.output
    assert PRCheckRun.objects.filter(kind="check_run", conclusion="superseded").count() > 3
    assert PRCheckRun.objects.filter(kind="status", status="flaky").exists()
    assert PRReview.objects.filter(state="super_approved").exists()
    assert PRFile.objects.filter(status="exploded").count() > 3


def test_each_new_value_is_warned_about_once(serve):
    serve(dataset(), extra_enum_values=NEW)
    out = seed("--repo", REPO, "--days-back", "90", "--page-size", "10").output
    summary = out[out.index("PRs in the window"):]
    for value, what in (("SUPERSEDED", "check conclusion"), ("SUPER_APPROVED", "review state"),
                        ("EXPLODED", "file change type"), ("FLAKY", "commit status state")):
        lines = [line for line in summary.splitlines() if f"unknown {what} '{value}'" in line]
        assert len(lines) == 1, (value, summary)
        assert f"stored as '{value.lower()}'" in lines[0]
    assert summary.count("unknown") == 4


def test_a_new_value_first_seen_when_pending_ci_is_re_polled_is_warned_about(serve):
    data = generate_dataset({REPO: 10}, seed=72, now=NOW - timedelta(days=1), days=30,
                            nulls=False, ci="checks")
    number = next(p["number"] for p in data["repos"][REPO]["pullRequests"]
                  if p["state"] == "OPEN")
    start_checks(data, REPO, number, runs=2, statuses=0)
    gh = serve(data, extra_enum_values={"CheckConclusionState": ["SUPERSEDED"]})
    seed("--repo", REPO, "--days-back", "60")
    gh.mutate(lambda d: finish_checks(d, REPO, number, conclusion="SUPERSEDED"))
    run = seed("--repo", REPO, "--days-back", "60", "--update")
    assert run.code == 0 and gh.stats.by_shape["nodes+viewer"] == 1  # the re-poll saw it
    summary = run.output[run.output.index("PRs in the window"):]
    assert summary.count("unknown check conclusion 'SUPERSEDED'") == 1
    assert PRCheckRun.objects.filter(pull_request__github_pr_id=number,
                                     conclusion="superseded").count() == 2

"""CI = check runs + commit statuses (issue 10, item 4), what CI costs per page, and check-run
durations (item 12)."""

from datetime import timedelta

import pytest

from apps.metrics.models import PRCheckRun, PullRequest
from apps.seeding.fetch.github.queries import NestedSizes
from apps.seeding.run_plan import page_points
from apps.teams.models import Team
from tests.expected import db_prs, expected_prs
from tests.fakegithub import generate_dataset

from .support import NOW, TOKEN, repo_args, seed_ok

pytestmark = pytest.mark.django_db(transaction=True)
STYLES = {"acme/web": "both", "acme/api": "statuses", "acme/ops": "checks"}
DATA = generate_dataset({"acme/web": 50, "acme/api": 20, "acme/ops": 20}, seed=21, now=NOW,
                        days=100, ci=STYLES)
WINDOW = ["--days-back", "120"]


def head_ci(pr: dict) -> tuple[list[dict], list[dict]]:
    """The check runs and status contexts of a dataset PR's head commit."""
    head = pr["commits"][-1]["commit"]
    runs = [r for s in head.get("checkSuites") or [] for r in s["checkRuns"]]
    return runs, list((head.get("status") or {}).get("contexts") or [])


def test_every_pr_has_one_ci_row_per_check_run_and_status_context_of_its_head(serve):
    serve(DATA)
    seed_ok(*repo_args(*STYLES), *WINDOW)
    team = Team.objects.get(slug="acme")
    for repo in STYLES:
        assert db_prs(team, repo) == expected_prs(DATA, repo, NOW - timedelta(days=120))
        for pr in DATA["repos"][repo]["pullRequests"]:
            runs, contexts = head_ci(pr)
            rows = PRCheckRun.objects.filter(pull_request__github_repo=repo,
                                             pull_request__github_pr_id=pr["number"])
            assert rows.filter(kind="check_run").count() == len(runs)
            assert rows.filter(kind="status").count() == len(contexts)
    assert PRCheckRun.objects.filter(kind="status").exists()
    assert not PRCheckRun.objects.filter(pull_request__github_repo="acme/ops",
                                         kind="status").exists()
    assert not PRCheckRun.objects.filter(pull_request__github_repo="acme/api",
                                         kind="check_run").exists()


def test_a_status_row_holds_its_context_state_description_and_url(serve):
    serve(DATA)
    seed_ok("--repo", "acme/api", *WINDOW)
    checked = 0
    for pr in DATA["repos"]["acme/api"]["pullRequests"]:
        for context in head_ci(pr)[1]:
            row = PRCheckRun.objects.get(pull_request__github_repo="acme/api", kind="status",
                                         pull_request__github_pr_id=pr["number"],
                                         name=context["context"])
            state = context["state"].lower()
            assert row.status == state and row.github_check_run_id is None
            assert row.conclusion == (state if state in ("success", "failure", "error")
                                      else None)
            assert row.description == (context.get("description") or "")
            assert row.url == (context.get("targetUrl") or "")
            checked += 1
    assert checked > 10


def page_costs(gh) -> set[int]:
    return {r["cost"] for r in gh.stats.records if r["shape"] == "pullRequests+viewer"}


@pytest.mark.parametrize("size, without, with_ci", [("25", 2, 3), ("50", 3, 7), ("100", 6, 13)])
def test_points_per_page_with_ci_and_without(serve, tmp_path, size, without, with_ci):
    """GitHub charges a connection by its ancestors' page sizes: per PR, six connections
    without CI; with CI also the head commit, its check suites (``NestedSizes.suites``) and the
    runs of each suite, so CI about doubles a page's cost. Legacy statuses are a plain list and
    cost nothing more. The figures for the README; ``--plan`` estimates the same."""
    costs = {}
    for name, flags in (("none", ["--no-check-runs"]), ("ci", [])):
        gh = serve(DATA)
        seed_ok("--repo", "acme/web", "--days-back", "200", "--page-size", size,
                "--cache-dir", str(tmp_path / name), "--team", name, *flags)
        costs[name] = page_costs(gh)
    assert NestedSizes().suites == 5
    assert costs == {"none": {without}, "ci": {with_ci}}
    assert (page_points(int(size), ci=False), page_points(int(size), ci=True)) == \
        (without, with_ci)


def test_statuses_alone_cost_what_no_ci_costs(serve, tmp_path):
    """Without check runs (a token that may read statuses only), CI costs no more points than
    no CI: 2 points per 25 PRs either way, 3 for the first page, which asked for check runs."""
    gh = serve(DATA, token_permissions={TOKEN: {"checks": False, "statuses": True}})
    seed_ok("--repo", "acme/web", "--days-back", "200", "--page-size", "25")
    costs = [r["cost"] for r in gh.stats.records if r["shape"] == "pullRequests+viewer"]
    assert costs == [3, 2] == [page_points(25, ci=True), page_points(25, ci=False)]


def test_a_check_run_completed_before_it_started_has_no_duration(serve):
    def backwards(data):
        pr = next(p for p in data["repos"]["acme/ops"]["pullRequests"] if head_ci(p)[0])
        run = head_ci(pr)[0][0]
        run.update(startedAt="2026-01-02T10:00:00Z", completedAt="2026-01-02T09:59:00Z",
                   status="COMPLETED", conclusion="SUCCESS")
        return run["databaseId"]

    gh = serve(DATA)
    run_id = gh.mutate(backwards)
    seed_ok("--repo", "acme/ops", *WINDOW)
    row = PRCheckRun.objects.get(github_check_run_id=run_id)
    assert row.started_at > row.completed_at and row.duration_seconds is None
    assert not PRCheckRun.objects.filter(duration_seconds__lt=0).exists()
    assert PRCheckRun.objects.filter(duration_seconds__gt=0).exists()
    assert PullRequest.objects.filter(github_repo="acme/ops").count() == 20

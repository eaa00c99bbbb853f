"""Logs written by the previous event version (issue 10, item 13): v1 PR events have no
``version``, ``incomplete`` instead of ``unavailable`` and no statuses. They are upcast when
read, so an existing ``.seeding_cache`` projects and keeps working without ``--refresh``."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.metrics.models import PRCheckRun, PRFile, PullRequest
from apps.seeding.events import pr_key
from apps.seeding.fetch.state import FetchRequest
from apps.seeding.projection.projector import Projector
from apps.teams.models import Team
from eventlog import Event, EventLog, open_writer
from tests.expected import db_prs, expected_prs
from tests.fakegithub import generate_dataset, touch_pr

from .support import NOW, records, seed_ok

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "acme/web"
DATA = generate_dataset({REPO: 30}, seed=101, now=NOW, days=60, nulls=False, ci="checks")
V2_ONLY = ("version", "statuses", "head_commit_id", "unavailable")


def v1(event: dict) -> dict:
    """A PR event as version 1 wrote it."""
    old = {k: v for k, v in event.items() if k not in V2_ONLY}
    old["incomplete"] = {}
    return old


def v1_meta() -> dict:
    """A version-1 commit marker: a complete full pass over all history, synced just now."""
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    last = {"id": "full-1", "mode": "full", "status": "complete", "reason": "end",
            "since": None, "started_at": at, "finished_at": at, "pages": 3, "prs": 30,
            "stats": {}}
    return {"fetch": {"active": None, "covered_since": None, "reached_end": True,
                      "synced_at": at, "boundary_cursor": None, "limit_prs": None,
                      "check_runs": True, "passes": 1, "last_pass": last}, "complete": True}


def write_v1_log(gh, fetch, tmp_path, log_dir, change=None) -> list[dict]:
    """Fetch the server's PRs with today's fetcher, then write them as a v1 log."""
    fetch(gh, REPO, FetchRequest(page_size=30))
    old = [v1(e) for e in records(tmp_path / REPO, "pr")]
    if change:
        change(old)
    with open_writer(log_dir, fsync="never") as writer:
        for start in range(0, len(old), 10):
            writer.append_batch([Event("pr", pr_key(e["number"]), e)
                                 for e in old[start:start + 10]], v1_meta())
    return old


def test_a_v1_log_projects_every_pr_with_its_children(serve, fetch, tmp_path, team):
    gh = serve(DATA)

    def truncated(old):  # v1's record of a connection GitHub stopped paginating
        old[0]["files"] = old[0]["files"][:1]
        old[0]["incomplete"] = {"files": {"total": old[0]["changed_files"], "fetched": 1}}

    old = write_v1_log(gh, fetch, tmp_path, tmp_path / "v1", truncated)
    assert all("version" not in e and "statuses" not in e for e in old)
    Projector(team, REPO, EventLog(tmp_path / "v1")).project()
    expected = expected_prs(DATA, REPO)
    first = old[0]["number"]
    expected[first]["files"] = {old[0]["files"][0]["path"]}
    assert db_prs(team, REPO) == expected
    assert PRCheckRun.objects.filter(kind="check_run").count() == sum(
        len(e["check_runs"]) for e in old)
    gap = PullRequest.objects.get(github_pr_id=first).missing_data["files"]
    assert (gap["reason"], gap["expected"], gap["fetched"]) == \
        ("truncated", old[0]["changed_files"], 1)
    assert PRFile.objects.filter(pull_request__github_pr_id=first).count() == 1


def test_the_command_keeps_using_a_v1_cache_without_refresh(serve, fetch, tmp_path,
                                                            cache_dir):
    gh = serve(DATA)
    write_v1_log(gh, fetch, tmp_path, cache_dir / REPO)
    gh.reset_stats()
    seed_ok("--repo", REPO, "--days-back", "90")
    assert gh.stats.total == 0  # the v1 state says the log is complete
    team = Team.objects.get(slug="acme")
    assert db_prs(team, REPO) == expected_prs(DATA, REPO, NOW - timedelta(days=90))
    number = DATA["repos"][REPO]["pullRequests"][3]["number"]
    gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC), title="v2 on top"))
    seed_ok("--repo", REPO, "--days-back", "90", "--update")
    assert records(cache_dir / REPO, "pr")[-1]["version"] == 2
    assert PullRequest.objects.get(github_pr_id=number).title == "v2 on top"
    assert db_prs(team, REPO) == expected_prs(gh.dataset, REPO, NOW - timedelta(days=90))

"""seed_real_projects paths that need no GitHub at all: bad input, the registry, cache info,
and projecting a log that already covers the window (0 API calls, no token needed)."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from freezegun import freeze_time

from apps.metrics.models import PullRequest
from apps.seeding.fetch.state import FetchState
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog import Event, open_writer

from .factories import pr_event

pytestmark = pytest.mark.django_db

COMPLETE = FetchState(covered_since="2020-01-01T00:00:00Z", synced_at="2026-11-20T00:00:00Z",
                      boundary_cursor="c", passes=1,
                      last_pass={"id": "full-1", "mode": "full", "status": "complete",
                                 "finished_at": "2026-11-20T01:00:00Z"})


def seeded_log(cache_dir, repo="acme/web", n=5, state=COMPLETE):
    with open_writer(cache_dir / repo, fsync="never") as writer:
        writer.append_batch([Event("pr", f"pr:{i}", pr_event(i)) for i in range(1, n + 1)],
                            state.to_meta())


def run(*args):
    out = io.StringIO()
    call_command("seed_real_projects", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("args, message", [
    (["--project", "nope"], "unknown project 'nope'"),
    (["--repo", "../etc"], "bad owner"),
    (["--repo", "acme/web/extra"], "expected OWNER/NAME"),
    (["--repo", "acme/.."], "bad name"),
    (["--days-back", "-1"], "out of range"),
    (["--days-back", "99999999"], "out of range"),
    (["--max-prs", "0"], "out of range"),
    (["--page-size", "101"], "out of range"),
    (["--max-wait", "-5"], "out of range"),
    (["--since", "2026-13-01"], "invalid date"),
    (["--end-date", "yesterday"], "invalid date"),
    (["--since", "2026-05-01", "--end-date", "2026-04-01"], "is after --end-date"),
    (["--since", "2999-01-01"], "in the future"),
    (["--update", "--refresh"], "argument --refresh: not allowed with argument --update"),
    (["--cache-info", "--clear"], "--cache-info cannot be combined with --clear"),
    (["--status", "--plan"], "not allowed with argument"),
    (["--days-back", "3", "--since", "2026-01-01"], "not allowed with argument --days-back"),
    (["--clear-team"], "--clear-team only applies with --clear"),
    (["--team", "x"], "--team applies to --repo"),
    (["--industry", "mining"], "unknown industry 'mining'"),
    (["--projects-file", "/nonexistent.invalid/p.toml"], "cannot read the projects file"),
    (["--repo", "acme/web", "--team", "bad slug!"], "invalid team slug"),
    (["--list-projects", "--update"], "cannot be combined"),
])
def test_bad_input_is_a_one_line_error_and_changes_nothing(cache_dir, args, message):
    with pytest.raises(CommandError, match=message) as info:
        run(*args)
    assert "\n" not in str(info.value)
    assert info.value.returncode == 2
    assert not Team.objects.exists() and not any(cache_dir.iterdir())


def test_list_projects_shows_the_registry():
    out = run("--list-projects")
    assert "antiwork" in out and "antiwork/gumroad" in out and "polarsource/polar" in out
    assert "PostHog/posthog-js" in out
    assert "102 projects, 125 repositories" in out  # the original 100 (122) + sentry, django


def test_a_complete_log_is_projected_with_no_token_and_no_request(cache_dir, quiet_env):
    seeded_log(cache_dir)
    out = run("--repo", "acme/web", "--since", "2026-01-01")
    assert PullRequest.objects.count() == 5
    assert "5 PRs in the window: 5 new, 0 updated, 0 unchanged" in out
    assert "0 GitHub requests" in out
    out = run("--repo", "acme/web", "--since", "2026-01-01")
    assert "5 PRs in the window: 0 new, 0 updated, 5 unchanged" in out


def test_a_missing_token_when_a_fetch_is_needed_fails_naming_the_variable(cache_dir, quiet_env):
    with pytest.raises(CommandError, match=r"acme/web \(error\)"):
        run("--repo", "acme/web")
    # the summary line names the variable to set


def test_missing_token_message_names_the_variable_and_leaves_nothing_behind(cache_dir,
                                                                           quiet_env):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("seed_real_projects", "--repo", "acme/web", stdout=out,
                     stderr=io.StringIO())
    assert "GITHUB_TOKEN" in out.getvalue()
    assert not (cache_dir / "acme").exists() and not AppliedOffset.objects.exists()


def test_clear_deletes_the_team_rows_then_projects_again_from_the_log(cache_dir, quiet_env):
    seeded_log(cache_dir)
    run("--repo", "acme/web", "--since", "2026-01-01")
    PullRequest.objects.filter(github_pr_id=1).update(title="edited by hand")
    out = run("--repo", "acme/web", "--since", "2026-01-01", "--clear")
    assert "5 new" in out and "cleared" in out
    assert PullRequest.objects.get(github_pr_id=1).title != "edited by hand"


def test_end_date_filters_what_is_projected_not_what_is_stored(cache_dir, quiet_env):
    seeded_log(cache_dir)
    run("--repo", "acme/web", "--since", "2026-01-01", "--end-date", "2026-09-30")
    assert PullRequest.objects.count() == 0  # every PR was created 2026-10-01
    run("--repo", "acme/web", "--since", "2026-01-01")
    assert PullRequest.objects.count() == 5


def test_cache_info_text_and_json(cache_dir, quiet_env):
    seeded_log(cache_dir)
    run("--repo", "acme/web", "--since", "2026-01-01")
    text = run("--repo", "acme/web", "--cache-info")
    assert "5 PRs" in text and "complete" in text and "up to date" in text
    info = json.loads(run("--repo", "acme/web", "--cache-info", "--json"))[0]
    assert info["prs"] == 5 and info["events"] == 5 and info["records"] == 6
    assert info["complete"] is True and info["incomplete_prs"] == []
    assert info["projection_behind"] == 0 and info["synced_at"] == "2026-11-20T00:00:00Z"
    missing = json.loads(run("--repo", "acme/other", "--cache-info", "--json"))[0]
    assert missing["exists"] is False


@freeze_time("2026-12-20")
def test_a_log_synced_more_than_a_week_ago_warns_and_suggests_update(cache_dir, quiet_env):
    seeded_log(cache_dir)
    out = run("--repo", "acme/web", "--since", "2026-01-01")
    assert "30 days ago" in out and "--update" in out and "--refresh" in out


@freeze_time(datetime(2026, 11, 22, tzinfo=UTC))
def test_a_fresh_log_does_not_warn(cache_dir, quiet_env):
    seeded_log(cache_dir)
    assert "warning" not in run("--repo", "acme/web", "--since", "2026-01-01")


def test_every_option_has_help_and_a_readme_entry():
    from pathlib import Path

    from apps.seeding.management.commands.seed_real_projects import Command

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    parser = Command().create_parser("manage.py", "seed_real_projects")
    base = {"--version", "--verbosity", "--settings", "--pythonpath", "--traceback",
            "--no-color", "--force-color", "--skip-checks", "--help"}
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag not in base:
                assert action.help, flag
                assert f"`{flag}" in readme, flag

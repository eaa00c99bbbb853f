"""seed_real_projects as a real process: Ctrl-C, exit codes and one-line errors."""

import copy
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest

from apps.teams.models import Team
from eventlog import EventLog
from tests.conftest import manage_cmd
from tests.expected import db_prs, expected_prs
from tests.fakegithub import FakeGitHub, generate_dataset

pytestmark = pytest.mark.django_db(transaction=True)
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def gh():
    data = generate_dataset({"acme/web": 150}, seed=11, now=NOW, days=200)
    with FakeGitHub(copy.deepcopy(data), secondary_points_per_minute=None) as server:
        yield server


def test_ctrl_c_stops_with_exit_130_keeps_committed_pages_and_the_next_run_resumes(
        gh, process_env, cache_dir):
    env = dict(process_env, GITHUB_GRAPHQL_URL=gh.url, GITHUB_TOKEN="tok")
    gh.faults.set_slow(0.3)
    gh.faults.set_random(1.0, ["slow"])
    args = manage_cmd("seed_real_projects", "--repo", "acme/web", "--days-back", "200",
                      "--page-size", "5")
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    while gh.stats.total < 6 and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err + out
    log = EventLog(cache_dir / "acme/web")
    stops = [r for r in log.read() if r.type == "pass" and r.data["status"] == "stopped"]
    assert stops and stops[-1].data["cursor"] is not None
    gh.faults.clear()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "resuming full pass" in done.stdout
    assert db_prs(Team.objects.get(slug="acme"), "acme/web") == expected_prs(
        gh.dataset, "acme/web", NOW - timedelta(days=200))


def test_an_ignored_ctrl_c_stays_ignored_and_the_run_completes(process_env, cache_dir):
    """Started with SIGINT ignored (as a background job of a script is), the command does
    not catch it anywhere (jobs in threads, batch appends): two repositories complete."""
    repos = ("acme/web", "acme/api")
    data = generate_dataset(dict.fromkeys(repos, 60), seed=12, now=NOW, days=200)
    with FakeGitHub(data, secondary_points_per_minute=None) as server:
        env = dict(process_env, GITHUB_GRAPHQL_URL=server.url, GITHUB_TOKEN="tok")
        server.faults.set_slow(0.2)
        server.faults.set_random(1.0, ["slow"])
        args = manage_cmd("seed_real_projects", "--repo", repos[0], "--repo", repos[1],
                          "--jobs", "2", "--days-back", "200", "--page-size", "10")
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                            signal.SIG_IGN))
        for answered in (2, 4, 6, 8):
            while server.stats.total < answered and proc.poll() is None:
                time.sleep(0.02)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "interrupted" not in err + out and "Traceback" not in err + out
        for repo in repos:
            passes = [r.data["status"] for r in EventLog(cache_dir / repo).read()
                      if r.type == "pass"]
            assert "stopped" not in passes and passes[-1] == "complete"
            assert db_prs(Team.objects.get(slug="acme"), repo) == expected_prs(
                server.dataset, repo, NOW - timedelta(days=200))


def test_argument_errors_are_one_line_with_exit_code_2(process_env):
    result = subprocess.run(manage_cmd("seed_real_projects", "--days-back", "soon"),
                            env=process_env, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "invalid number 'soon'" in result.stderr

"""Issue 11, the process and its settings: SIGTERM (``timeout``, Docker, systemd, a CI cancel)
ends a run like Ctrl-C, and the Django settings are safe by default.

SIGTERM mid-fetch, with one job or three: exit 143, one line on stderr, no traceback, every
pass the stop interrupted is recorded ``stopped`` in its log, and the same command then
resumes and completes (the database and the logs equal the dataset). Settings: ``DEBUG`` off
unless ``DJANGO_DEBUG=1``; no secret key shipped (a generated key per installation, 0600);
``check --deploy`` clean with ``DJANGO_DEBUG=0`` and ``DJANGO_ALLOWED_HOSTS`` set.
"""

from __future__ import annotations

import copy
import os
import signal
import stat
import time
from datetime import UTC, datetime, timedelta

import pytest

from eventlog import verify
from tests.conftest import REPO_ROOT, manage_cmd
from tests.fakegithub import FakeGitHub, generate_dataset

from .support import (
    assert_failed_cleanly,
    assert_succeeded,
    assert_terminal_safe,
    chaos_env,
    day_start,
    repo_args,
    served,
    since_arg,
)
from .support_state import (
    assert_database_matches,
    assert_log_matches,
    pass_events,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPOS = ("term/web", "term/api", "term/docs")  # one team: shared members, concurrent projections
SINCE_DAY = (NOW - timedelta(days=200)).date()


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({repo: 40 for repo in REPOS}, seed=59, now=NOW, days=150, huge=0)


@pytest.mark.parametrize("jobs", [1, 3])
def test_sigterm_mid_fetch_records_the_stop_exits_143_and_the_next_run_resumes(
        jobs, dataset, runner, process_env, cache_dir):
    repos = REPOS if jobs > 1 else REPOS[:1]
    args = [*repo_args(repos), *since_arg(SINCE_DAY), "--page-size", "5", "--jobs", str(jobs)]
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None,
                    latency=0.05) as gh:
        env = chaos_env(process_env, gh.url)
        proc = runner.start(*args, env=env)
        while proc.poll() is None and served(gh) < 3 * jobs + 2:
            time.sleep(0.01)
        assert proc.poll() is None, "the run ended before it could be stopped"
        proc.send_signal(signal.SIGTERM)
        stopped = runner.finish(proc)
        assert_failed_cleanly(stopped, "stopped by SIGTERM: everything committed so far is "
                              "kept; run the same command again to resume", code=143)
        assert_terminal_safe(stopped.stdout, stopped.stderr)
        last = {r: pass_events(cache_dir / r)[-1]["status"] for r in repos
                if (cache_dir / r).exists()}
        assert "stopped" in last.values(), last  # a pass the stop interrupted records it
        assert set(last.values()) <= {"stopped", "complete"}, last  # or it had completed
        assert all(verify(cache_dir / r).ok for r in last)
        assert_succeeded(runner.seed(*args, env=env))
    since = day_start(SINCE_DAY)
    assert_database_matches(dataset, "term", repos, since)
    assert_log_matches(dataset, cache_dir, repos, since)


# -- Django settings ------------------------------------------------------------------------------


def settings_env(process_env, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in process_env.items() if not k.startswith("DJANGO_")
           or k == "DJANGO_SETTINGS_MODULE"}
    return {**env, **extra}


SHOW = ("from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, len(s.SECRET_KEY))")


@pytest.mark.parametrize("debug, shown", [(None, "False False False 0"), ("0", "False"),
                                           ("1", "True False False 0"), ("yes", "True")])
def test_debug_is_off_unless_django_debug_says_so(debug, shown, runner, process_env):
    env = settings_env(process_env, **({} if debug is None else {"DJANGO_DEBUG": debug}))
    result = runner.run(manage_cmd("shell", "-v", "0", "-c", SHOW), env=env)
    assert_succeeded(result)
    assert result.stdout.startswith(shown), result.stdout


@pytest.mark.parametrize("variable, value, expected", [
    ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a flag"),
    ("DJANGO_HSTS_SECONDS", "-1", "DJANGO_HSTS_SECONDS"),
    ("DJANGO_SECRET_KEY_FILE", "/nonexistent/dir/key", "cannot read or create the secret key"),
])
def test_a_malformed_setting_is_one_line_and_exit_2(variable, value, expected, runner,
                                                     process_env):
    result = runner.run(manage_cmd("seed_real_projects", "--status"),
                        env=settings_env(process_env, **{variable: value}))
    assert_failed_cleanly(result, f"configuration error: {expected}", code=2)


def test_the_secret_key_is_generated_once_per_installation_private_and_never_shipped(
        runner, process_env, tmp_path):
    """No key in the repository: without ``DJANGO_SECRET_KEY``, the first process generates
    one into the key file (0600, whatever the umask) and every later process reads it; another
    installation gets another key; ``DJANGO_SECRET_KEY`` wins."""
    show_key = manage_cmd("shell", "-v", "0", "-c", "from django.conf import settings; "
                                         "print(settings.SECRET_KEY)")
    keys = []
    for name in ("one", "one", "two"):
        env = settings_env(process_env, DJANGO_SECRET_KEY_FILE=str(tmp_path / name))
        result = runner.run(show_key, env=env, preexec_fn=lambda: os.umask(0))
        assert_succeeded(result)
        keys.append(result.stdout.strip())
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert keys[0] == keys[1] != keys[2] and len(keys[0]) >= 50
    shipped = (REPO_ROOT / "apps" / "settings.py").read_text()
    assert keys[0] not in shipped and "SECRET_KEY = \"" not in shipped
    env = settings_env(process_env, DJANGO_SECRET_KEY="k" * 20 + "from-the-environment" * 3)
    assert runner.run(show_key, env=env).stdout.strip().endswith("from-the-environment")
    ignored = runner.run(["git", "check-ignore", "-q", ".django-secret-key"], env=env)
    assert ignored.returncode == 0, "the generated key file must be git-ignored"


def test_check_deploy_reports_nothing_settings_can_fix_when_deployed(runner, process_env):
    env = settings_env(process_env, DJANGO_DEBUG="0",
                       DJANGO_ALLOWED_HOSTS="metrics.example.com")
    result = runner.run(manage_cmd("check", "--deploy", "--fail-level", "WARNING"), env=env)
    assert_succeeded(result)
    assert "System check identified no issues" in result.stdout, result.output
    local = runner.run(manage_cmd("shell", "-v", "0", "-c", SHOW), env=settings_env(process_env))
    assert local.stdout.startswith("False False False 0"), "localhost defaults stay plain HTTP"

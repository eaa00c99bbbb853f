"""Django's and the shell's conventions: verbosity, colour, tracebacks, the database's state,
the terminal after Ctrl-C, versions, help, one cache directory for both commands."""

from __future__ import annotations

import copy
import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.seeding.command_help import tool_version
from tests.conftest import REPO_ROOT, manage_cmd
from tests.fakegithub import FakeGitHub, generate_dataset

NOW = datetime.now(UTC).replace(microsecond=0)
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({"acme/web": 80}, seed=2, now=NOW, days=100, huge=0, nulls=False)


def on_a_terminal(args: list[str], env: dict[str, str], *, stop_after: float | None = None,
                  sig: int = signal.SIGINT) -> tuple[int, str]:
    """Run ``args`` with stdout and stderr on a pseudo-terminal; optionally send ``sig``."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, env=env, stdout=slave, stderr=slave, stdin=slave,
                            cwd=REPO_ROOT, close_fds=True)
    os.close(slave)
    chunks, started = [], time.monotonic()
    while True:
        if stop_after is not None and time.monotonic() - started > stop_after:
            proc.send_signal(sig)
            stop_after = None
        ready, _, _ = select.select([master], [], [], 0.1)
        data = b""
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                data = b""
        if data:
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def env_for(process_env, gh, **extra) -> dict[str, str]:
    return {**process_env, "GITHUB_GRAPHQL_URL": gh.url, "GITHUB_TOKEN": "tok", **extra}


@pytest.mark.django_db(transaction=True)
def test_no_color_means_no_escape_sequence_at_all_on_a_terminal(dataset, process_env):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        code, out = on_a_terminal(manage_cmd("seed_real_projects", "--repo", "acme/web",
                                             "--days-back", "90", "--page-size", "10",
                                             "--no-color"), env_for(process_env, gh))
    assert code == 0, out
    assert "\x1b" not in out and "1 repository: 1 ok" in out


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_and_sigterm_restore_the_terminal(dataset, process_env, sig, code):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        gh.faults.set_slow(0.2)
        gh.faults.set_random(1.0, ["slow"])
        status, out = on_a_terminal(manage_cmd("seed_real_projects", "--repo", "acme/web",
                                               "--days-back", "90", "--page-size", "5"),
                                    env_for(process_env, gh), stop_after=2.0, sig=sig)
    assert status == code, out
    assert HIDE_CURSOR in out, "the live display should have hidden the cursor"
    assert out.rfind(SHOW_CURSOR) > out.rfind(HIDE_CURSOR)  # and shown it again
    assert "Traceback" not in out and "everything committed so far is kept" in out


@pytest.mark.django_db(transaction=True)
def test_verbosity_0_prints_only_the_summary_and_2_prints_every_page(dataset, monkeypatch,
                                                                     quiet_env, cache_dir):
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.url)
        monkeypatch.setenv("GITHUB_TOKEN", "tok")
        outputs = {}
        for level in (0, 2):
            out = io.StringIO()
            call_command("seed_real_projects", "--repo", "acme/web", "--days-back", "90",
                         "--page-size", "10", "--refresh", verbosity=level, stdout=out)
            outputs[level] = out.getvalue()
    assert "starting full pass" not in outputs[0] and "1 repository: 1 ok" in outputs[0]
    pages = [line for line in outputs[2].splitlines() if line.startswith("acme/web: ")
             and " page" in line and "pass" not in line]
    assert len(pages) >= 3 and "starting full pass" in outputs[2]


def test_an_unexpected_error_is_one_line_unless_traceback_is_asked(monkeypatch, db):
    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("apps.seeding.management.commands.seed_real_projects.load_registry",
                        boom)
    with pytest.raises(CommandError, match="unexpected error: RuntimeError: a bug .*--traceback"):
        call_command("seed_real_projects", "--list-projects", stdout=io.StringIO())
    with pytest.raises(RuntimeError):
        call_command("seed_real_projects", "--list-projects", traceback=True,
                     stdout=io.StringIO())


def test_a_missing_database_is_one_line_and_no_empty_sqlite_file_is_created(tmp_path):
    path = tmp_path / "none.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SEEDING_CACHE_DIR":
           str(tmp_path / "cache")}
    result = subprocess.run(manage_cmd("seed_real_projects", "--repo", "acme/web"), env=env,
                            capture_output=True, text=True, cwd=REPO_ROOT)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "python manage.py migrate" in result.stderr and not path.exists()


def test_an_unmigrated_or_unreachable_database_is_one_line_saying_what_to_run(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    cases = {f"sqlite:///{empty}": "not migrated",
             "postgres://nobody@127.0.0.1:9/none": "check DATABASE_URL"}
    for url, expected in cases.items():
        env = {**os.environ, "DATABASE_URL": url}
        result = subprocess.run(manage_cmd("seed_real_projects", "--repo", "acme/web"),
                                env=env, capture_output=True, text=True, cwd=REPO_ROOT)
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip().count("\n") == 0, result.stderr
        assert expected in result.stderr


def test_versions_are_the_tools_own():
    out = subprocess.run(manage_cmd("seed_real_projects", "--version"), capture_output=True,
                         text=True, cwd=REPO_ROOT).stdout.strip()
    assert out == tool_version() != "unknown (not installed)"
    eventlog = Path(sys.executable).with_name("eventlog")
    assert tool_version() in subprocess.run([str(eventlog), "--version"], capture_output=True,
                                            text=True).stdout


def test_help_lists_environment_exit_codes_and_where_the_logs_live():
    text = subprocess.run(manage_cmd("seed_real_projects", "--help"), capture_output=True,
                          text=True, cwd=REPO_ROOT).stdout
    for needle in ("GITHUB_TOKEN", "SEEDING_CACHE_DIR", "exit codes:", "130", "143",
                   "CACHE/owner/name/", "--jobs N", "--no-check-runs"):
        assert needle in text, needle
    assert "<bool>" not in text


def test_both_commands_find_the_same_cache_directory_from_anywhere(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SEEDING_CACHE_DIR"}
    probe = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='apps.settings'; "
             "django.setup(); from django.conf import settings; "
             "from eventlog.config import cache_dir; "
             "print(settings.SEEDING_CACHE_DIR.resolve(), cache_dir().resolve())")
    result = subprocess.run([sys.executable, "-c", probe], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    django_dir, eventlog_dir = result.stdout.split()
    assert django_dir == eventlog_dir == str(REPO_ROOT / ".seeding_cache")

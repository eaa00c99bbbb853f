"""Configuration from the environment: one reader, one-line errors naming variable and value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eventlog import ConfigError, EventLogError, FsyncPolicy, default_cache_dir, fsync_policy
from eventlog.config import cache_dir, env_choice, env_flag, env_number, project_root

ROOT = Path(__file__).resolve().parents[2]


def test_the_cache_dir_is_the_variable_when_set(monkeypatch, tmp_path):
    monkeypatch.setenv("SEEDING_CACHE_DIR", str(tmp_path / "logs"))
    assert cache_dir() == default_cache_dir() == tmp_path / "logs"
    assert cache_dir({"SEEDING_CACHE_DIR": "~/x"}) == Path.home() / "x"
    assert cache_dir({"SEEDING_CACHE_DIR": "rel"}) == Path("rel")


@pytest.mark.parametrize("environ", [{}, {"SEEDING_CACHE_DIR": ""}, {"SEEDING_CACHE_DIR": "  "}])
def test_the_cache_dir_defaults_to_the_project_root_wherever_it_runs(environ):
    assert project_root() == ROOT  # a checkout: it holds manage.py and pyproject.toml
    assert cache_dir(environ) == ROOT / ".seeding_cache"


def test_eventlog_and_the_project_agree_on_the_cache_dir_from_another_directory(tmp_path):
    env = {"PATH": "/usr/bin:/bin"}
    code = "from eventlog.config import cache_dir; print(cache_dir())"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout == f"{ROOT / '.seeding_cache'}\n"


@pytest.mark.parametrize(("value", "policy"), [
    (None, FsyncPolicy.ALWAYS), ("", FsyncPolicy.ALWAYS), ("always", FsyncPolicy.ALWAYS),
    ("never", FsyncPolicy.NEVER), (" NEVER ", FsyncPolicy.NEVER)])
def test_the_fsync_policy_comes_from_seeding_fsync(value, policy):
    environ = {} if value is None else {"SEEDING_FSYNC": value}
    assert fsync_policy(environ) is policy


def test_an_unknown_fsync_policy_is_an_error_naming_variable_value_and_choices(monkeypatch):
    monkeypatch.setenv("SEEDING_FSYNC", "sometimes")
    with pytest.raises(ConfigError) as info:
        fsync_policy()
    assert str(info.value) == ("SEEDING_FSYNC='sometimes' is not a valid choice (expected "
                               "always or never)")
    assert isinstance(info.value, EventLogError)
    assert (info.value.name, info.value.value) == ("SEEDING_FSYNC", "sometimes")


NUMBER_ERRORS = [
    ({"unit": "seconds"}, "abc", "SEEDING_X='abc' is not a number (expected seconds, e.g. 60)"),
    ({}, "nan", "SEEDING_X='nan' is not a number (expected a number, e.g. 60)"),
    ({}, "inf", "SEEDING_X='inf' is not a number (expected a number, e.g. 60)"),
    ({"integer": True}, "2.5",
     "SEEDING_X='2.5' is not a whole number (expected a whole number, e.g. 60)"),
    ({"minimum": 1, "unit": "seconds"}, "0",
     "SEEDING_X='0' is out of range (expected seconds >= 1, e.g. 60)"),
    ({"maximum": 100}, "101", "SEEDING_X='101' is out of range (expected a number <= 100, e.g. "
                              "60)"),
    ({"minimum": 1, "maximum": 100, "integer": True, "unit": "PRs per page"}, "0",
     "SEEDING_X='0' is out of range (expected PRs per page from 1 to 100, e.g. 60)"),
    ({"minimum": 0.5}, "0.25", "SEEDING_X='0.25' is out of range (expected a number >= 0.5, "
                               "e.g. 60)"),
]


@pytest.mark.parametrize(("options", "value", "message"), NUMBER_ERRORS)
def test_a_bad_number_is_an_error_naming_variable_value_and_what_is_expected(
        options, value, message):
    with pytest.raises(ConfigError) as info:
        env_number("SEEDING_X", 60, environ={"SEEDING_X": value}, **options)
    assert str(info.value) == message


def test_env_number_parses_and_defaults(monkeypatch):
    assert env_number("SEEDING_X", 60, environ={}) == 60
    assert env_number("SEEDING_X", None, environ={"SEEDING_X": " "}) is None
    assert env_number("SEEDING_X", 60, environ={"SEEDING_X": " 0.5 "}) == 0.5
    value = env_number("SEEDING_X", 60, integer=True, minimum=1, maximum=100,
                       environ={"SEEDING_X": "100"})
    assert value == 100 and isinstance(value, int)
    assert isinstance(env_number("SEEDING_X", 60, environ={"SEEDING_X": "7"}), float)
    monkeypatch.setenv("SEEDING_X", "3")
    assert env_number("SEEDING_X", 60) == 3.0
    with pytest.raises(ConfigError, match=r"^SEEDING_X='x' is not a number \(expected a number\)$"):
        env_number("SEEDING_X", None, environ={"SEEDING_X": "x"})


def test_env_choice_matches_any_case_and_refuses_anything_else():
    choices = ["sqlite", "postgres", "memory"]
    assert env_choice("SEEDING_DB", choices, "sqlite", environ={}) == "sqlite"
    assert env_choice("SEEDING_DB", choices, "sqlite", environ={"SEEDING_DB": "Postgres"}) == \
        "postgres"
    with pytest.raises(ConfigError) as info:
        env_choice("SEEDING_DB", choices, "sqlite", environ={"SEEDING_DB": "mysql"})
    assert str(info.value) == ("SEEDING_DB='mysql' is not a valid choice (expected sqlite, "
                               "postgres or memory)")


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("Yes", True), ("ON", True),
    ("0", False), ("false", False), ("no", False), ("off", False), ("", None), (None, None)])
def test_env_flag_reads_the_usual_spellings(value, expected):
    environ = {} if value is None else {"DJANGO_DEBUG": value}
    assert env_flag("DJANGO_DEBUG", True, environ=environ) is (True if expected is None
                                                                else expected)


def test_a_bad_flag_is_an_error_naming_variable_value_and_spellings():
    with pytest.raises(ConfigError) as info:
        env_flag("DJANGO_DEBUG", False, environ={"DJANGO_DEBUG": "maybe"})
    assert str(info.value) == ("DJANGO_DEBUG='maybe' is not a flag (expected 1/0, true/false, "
                               "yes/no or on/off)")

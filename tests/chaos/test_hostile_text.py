"""Issue 11, hostile text from GitHub: stored exactly, printed escaped, exact in JSON.

A PR whose title holds terminal escapes (clear screen, OSC 0/8/52), NUL, C1 controls, bidi
overrides, zero-width characters, lone surrogates and a megabyte of text, with the same in its
author's login, branch, file paths, labels, commit messages and review bodies, is fetched, kept
byte-exact in the log, projected (U+FFFD for what the database cannot hold), and every human
output of ``seed_real_projects`` (progress, warnings, summary, ``--cache-info``, ``--status``)
and of ``eventlog`` without ``--json`` shows it escaped; every ``--json`` output parses and gives
the exact text back.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from apps.metrics.models import PRFile, PullRequest, TeamMember
from eventlog import EventLog
from tests.fakegithub import FakeGitHub, generate_dataset, make_hostile, touch_pr
from tests.fakegithub.hostile import MEGA_UNIT

from .support import (
    assert_succeeded,
    assert_terminal_safe,
    chaos_env,
    fetch_log,
    seed_from,
    since_arg,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "evil/web"
WINDOW = ["--repo", REPO, *since_arg(NOW.date() - timedelta(days=200))]
OSC_52 = "\x1b]52;c;cm0gLXJmIH4K\x07"    # write "rm -rf ~" to the clipboard
EXTRA = f"{OSC_52}\x1b[2J\x1b[H\x9b2J\x9d0;title\x9c\u202eexe.txt\u2066\x00\ud800"
MEGABYTE = MEGA_UNIT * (1024 * 1024 // len(MEGA_UNIT.encode()) + 1)


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 15}, seed=47, now=NOW - timedelta(hours=1), days=150, huge=0)


def hostile_number(dataset) -> int:
    return dataset["repos"][REPO]["pullRequests"][0]["number"]


def plant(dataset) -> str:
    """Every hostile value in one PR (its review ids stay storable), and a megabyte more in
    its title; returns the title."""
    pr = make_hostile(dataset, REPO, hostile_number(dataset), review_ids=False)
    pr["title"] += EXTRA + MEGABYTE
    touch_pr(dataset, REPO, pr["number"], NOW - timedelta(minutes=30))
    return pr["title"]


def storable(text: str) -> str:
    """What the database holds of ``text``: U+FFFD for lone surrogates (and NUL on
    PostgreSQL)."""
    unstorable = "[\x00\ud800-\udfff]" if connection.vendor == "postgresql" else "[\ud800-\udfff]"
    return re.sub(unstorable, "\ufffd", text)


def latest_pr_event(log_dir, number: int) -> dict:
    return [r.data for r in EventLog(log_dir).read()
            if r.type == "pr" and r.data["number"] == number][-1]


def test_a_hostile_pr_is_logged_exactly_projected_and_printed_escaped(
        dataset, runner, process_env, cache_dir):
    """The acceptance PR: fetched, byte-exact in the log, projected, printed safely by every
    human output, exact in every JSON output."""
    data = copy.deepcopy(dataset)
    title = plant(data)
    number = hostile_number(data)
    planted = next(p for p in data["repos"][REPO]["pullRequests"] if p["number"] == number)
    with FakeGitHub(data, secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        human = [runner.seed(*WINDOW, env=env)]
        gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC)))
        as_json = [runner.seed(*WINDOW, "--update", "--json", env=env)]
    for extra in (["--cache-info"], ["--status"]):
        human.append(runner.seed(*WINDOW, *extra, env=env))
        as_json.append(runner.seed(*WINDOW, *extra, "--json", env=env))
    log_args = ["--cache-dir", str(cache_dir)]
    for command in (["tail", REPO, "-n", "1000"], ["info", REPO], ["verify", REPO]):
        human.append(runner.eventlog(*command, *log_args, env=env))
        as_json.append(runner.eventlog(*command, "--json", *log_args, env=env))
    for result in human + as_json:
        assert_succeeded(result)
        assert_terminal_safe(result.stdout, result.stderr)
    for result in human:  # a megabyte of title is never printed in full
        assert len(result.stdout) < 100_000, (result.args, len(result.stdout))
    assert "a\\x00b\\x1b[31mred" in human[3].stdout  # eventlog tail: escaped, shown

    event = latest_pr_event(cache_dir / REPO, number)
    assert event["title"] == title
    assert event["author"]["login"] == planted["author"]["login"]
    assert event["head_ref"] == planted["headRefName"]
    assert planted["files"][0]["path"] in [f["path"] for f in event["files"]]

    row = PullRequest.objects.get(github_pr_id=number)
    assert row.title == storable(title)
    assert row.head_ref == storable(planted["headRefName"])
    assert TeamMember.objects.filter(github_login=storable(planted["author"]["login"])).exists()
    assert PRFile.objects.filter(pull_request=row,
                                 filename=storable(planted["files"][0]["path"])).exists()

    seeded = [json.loads(line) for line in as_json[0].stdout.splitlines()]
    assert seeded[-1]["event"] == "summary" and seeded[-1]["exit_code"] == 0
    json.loads(as_json[1].stdout), json.loads(as_json[2].stdout)
    tailed = [json.loads(line) for line in as_json[3].stdout.splitlines()]
    assert title in [r["data"].get("title") for r in tailed if r["type"] == "pr"]
    assert json.loads(as_json[4].stdout)[REPO]["records"] > 0


def test_a_lone_surrogate_in_a_page_is_kept_in_the_log_and_stored_as_u_fffd(
        dataset, runner, process_env, cache_dir, tmp_path_factory):
    """GitHub's ``"\\ud800"`` in a page (the ``lone_surrogate`` fault, and one in a PR title):
    the page is accepted, the log keeps the surrogate, the database gets U+FFFD, and later runs
    (an update, a re-projection) go past it."""
    seeded = tmp_path_factory.mktemp("seeded") / REPO
    fetch_log(dataset, REPO, seeded, page_size=10)
    seed_from(seeded, cache_dir, REPO, WINDOW)
    data = copy.deepcopy(dataset)
    number, other = (p["number"] for p in data["repos"][REPO]["pullRequests"][:2])

    def broken_title(body):
        for edge in ((body.get("data") or {}).get("repository") or {}).get(
                "pullRequests", {}).get("edges", []):
            if edge["node"].get("number") == number:
                edge["node"]["title"] = "broken \ud800 text"

    with FakeGitHub(data, secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC)))
        gh.faults.fail_next(1, "lone_surrogate")
        gh.faults.tamper_next(broken_title, n=1000)
        first = runner.seed(*WINDOW, "--update", "--page-size", "5", env=env)
        assert_succeeded(first)
        assert latest_pr_event(cache_dir / REPO, number)["title"] == "broken \ud800 text"
        assert PullRequest.objects.get(github_pr_id=number).title == "broken \ufffd text"
        gh.mutate(lambda d: touch_pr(d, REPO, other, datetime.now(UTC), title="later"))
        later = runner.seed(*WINDOW, "--update", env=env)
        assert_succeeded(later)
    again = runner.seed(*WINDOW, "--clear", env=env)
    assert_succeeded(again)
    assert PullRequest.objects.get(github_pr_id=other).title == "later"
    assert PullRequest.objects.get(github_pr_id=number).title == "broken \ufffd text"
    for result in (first, later, again):
        assert_terminal_safe(result.stdout, result.stderr)


def rename_to(name: str):
    """A tamper: GitHub's ``nameWithOwner`` of the repository becomes ``name``."""
    def rewrite(body):
        repo = (body.get("data") or {}).get("repository")
        if isinstance(repo, dict) and "nameWithOwner" in repo:
            repo["nameWithOwner"] = name
    return rewrite


HOSTILE_NAME = f"evil/{OSC_52}w\u202eeb"


def test_a_hostile_repository_name_from_github_is_printed_escaped(
        dataset, runner, process_env, cache_dir):
    """GitHub's ``nameWithOwner`` is text from GitHub too: the rename warning, the summary and
    ``--status`` show it escaped."""
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        gh.faults.tamper_next(rename_to(HOSTILE_NAME), n=1000)
        result = runner.seed(*WINDOW, env=env)
    status = runner.seed(*WINDOW, "--status", env=env)
    for shown in (result, status):
        assert "Traceback" not in shown.output, shown.output
        assert_terminal_safe(shown.stdout)
    assert "GitHub calls evil/web evil/\\x1b]52;c;" in result.stdout, result.stdout


def test_an_invalid_repository_name_from_github_is_ignored_and_never_printed_raw(
        dataset, runner, process_env, cache_dir):
    """An invalid ``nameWithOwner`` never becomes the repository's name: the run succeeds, and
    neither its outputs nor ``--cache-info`` let the sequence reach the terminal."""
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        gh.faults.tamper_next(rename_to(HOSTILE_NAME), n=1000)
        result = runner.seed(*WINDOW, env=env)
    cache_info = runner.seed(*WINDOW, "--cache-info", env=env)
    assert_terminal_safe(result.stdout, result.stderr, cache_info.stdout)
    assert_succeeded(result)


def test_a_hostile_error_message_is_escaped_wherever_the_failed_pass_is_shown(
        dataset, runner, process_env, cache_dir, tmp_path_factory):
    """A final GitHub error whose message clears the screen and writes the clipboard: the
    failure line, ``--cache-info``, ``--status`` and ``eventlog tail`` show it escaped; their
    ``--json`` forms give back the message stored in the log, exactly."""
    seeded = tmp_path_factory.mktemp("seeded") / REPO
    fetch_log(dataset, REPO, seeded, page_size=10)
    seed_from(seeded, cache_dir, REPO, WINDOW)
    message = f"{OSC_52}\x1b[2J\x9b6n\u202eevil\x00"
    data = copy.deepcopy(dataset)
    with FakeGitHub(data, secondary_points_per_minute=None) as gh:
        env = chaos_env(process_env, gh.url)
        gh.mutate(lambda d: touch_pr(d, REPO, hostile_number(d), datetime.now(UTC)))
        gh.faults.tamper_next(lambda body: {"data": None, "errors": [
            {"type": "FORBIDDEN", "message": message}]})
        failed = runner.seed(*WINDOW, "--update", env=env)
    assert failed.returncode == 1, failed.output
    stored = [r.data for r in EventLog(cache_dir / REPO).read() if r.type == "pass"][-1]
    assert stored["status"] == "failed" and message in stored["error"]
    log_args = ["--cache-dir", str(cache_dir)]
    human = [failed, runner.seed(*WINDOW, "--cache-info", env=env),
             runner.seed(*WINDOW, "--status", env=env),
             runner.eventlog("tail", REPO, "-n", "3", *log_args, env=env)]
    for result in human:
        assert "Traceback" not in result.output, result.output
        assert_terminal_safe(result.stdout, result.stderr)
    assert "\\x1b]52;c;cm0gLXJmIH4K\\x07" in human[1].stdout, human[1].stdout
    documents = [json.loads(runner.seed(*WINDOW, flag, "--json", env=env).stdout)
                 for flag in ("--cache-info", "--status")]
    tail = runner.eventlog("tail", REPO, "-n", "3", "--json", *log_args, env=env)
    documents.append([json.loads(line) for line in tail.stdout.splitlines()])
    for document in documents:
        assert stored["error"] in strings(document), document


def strings(value) -> list[str]:
    """Every string in a parsed JSON document."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) \
        else ()
    return [text for item in items for text in strings(item)]

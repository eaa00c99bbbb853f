"""Issue 11, hostile input that must fail cleanly: tokens, error texts, endpoints, malformed,
slow and huge responses, as real ``seed_real_projects`` processes.

Every case starts from a seeded repository (a complete log, projected) and a fake GitHub on
which one PR changed since, so a run that wrongly went ahead would show. Each must end with the
expected exit code, one line on stderr, no traceback, nothing a terminal could act on in any
output, no token (in any form) in an output, a file or a row, the database unchanged, and the log
byte for byte unchanged, or (a run that failed against GitHub) every committed byte kept, no PR
event added and the failure recorded as the last pass. A configuration error sends no request.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventlog import EventLog
from tests.conftest import REPO_ROOT, manage_cmd
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

from .support import (
    TOKEN,
    Result,
    assert_failed_cleanly,
    assert_terminal_safe,
    chaos_env,
    fetch_log,
    seed_from,
)
from .support_hostile import CASES, NOW, ODD, ODD_FORMS, REPO, TOKENS, UPDATE, WINDOW, Context
from .support_state import assert_unchanged, log_bytes, pass_events, snapshot

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 20}, seed=43, now=NOW - timedelta(hours=1), days=150, huge=0)


@pytest.fixture(scope="module")
def seeded_log(dataset, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / REPO
    fetch_log(dataset, REPO, path, page_size=10)
    return path


def changed_on_github(dataset) -> None:
    number = dataset["repos"][REPO]["pullRequests"][0]["number"]
    touch_pr(dataset, REPO, number, datetime.now(UTC), title="Changed on GitHub")


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input_fails_in_one_line_and_changes_nothing(
        name, dataset, seeded_log, runner, process_env, cache_dir):
    """One hostile input: the expected exit and message, one line on stderr, no traceback,
    nothing a terminal acts on, no token anywhere, the database and the committed log kept."""
    case = CASES[name]
    runner.secrets |= set(TOKENS)
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    before = snapshot(cache_dir, REPO)
    with FakeGitHub(copy.deepcopy(dataset), tokens=[TOKEN, ODD, *TOKENS],
                    secondary_points_per_minute=None) as gh:
        gh.mutate(changed_on_github)
        ctx = Context(gh, chaos_env(process_env, gh.url), runner.secrets)
        case.setup(ctx)
        result = runner.seed(*ctx.args, env=ctx.env)
        sent = gh.stats.total
    assert_failed_cleanly(result, *case.expected, code=case.code)
    assert_terminal_safe(result.stdout, result.stderr)
    assert len(result.stdout) < 20_000, f"{len(result.stdout):,} characters on stdout"
    if not case.requests:
        assert sent == 0, f"{sent} requests sent despite a configuration error"
    assert_unchanged(before, cache_dir, REPO, failed_pass=case.recorded)


# -- bounds that need a measurement ----------------------------------------------------------


def test_a_2_mib_error_message_grows_the_log_by_a_few_hundred_bytes(
        dataset, seeded_log, runner, process_env, cache_dir):
    """A huge error message is cut before it is stored: the failed pass and its commit marker
    add about as much as a short error does (each under 4 KB), and later commit markers carry
    no trace of it."""
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    growth = []
    for kind in ("502_json", "hostile_error"):
        before = log_bytes(cache_dir)
        with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
            gh.faults.fail_next(100, kind)
            result = runner.seed(*UPDATE, env=chaos_env(process_env, gh.url))
        assert_failed_cleanly(result, "gave up after 6", code=1)
        assert_terminal_safe(result.stdout, result.stderr)
        growth.append(log_bytes(cache_dir) - before)
    short, huge = growth
    assert huge < short + 1500, growth
    assert huge < 4096, growth
    last = pass_events(cache_dir / REPO)[-1]
    assert len(last["error"]) < 700, len(last["error"])
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        before = log_bytes(cache_dir)
        runner.seed(*UPDATE, env=chaos_env(process_env, gh.url))
    assert log_bytes(cache_dir) - before < 64 * 1024


def run_measured(runner, args: list[str], env: dict[str, str]) -> tuple[Result, int]:
    """Run a command, returning its result and its own peak resident memory in bytes."""
    out, err = (open(runner.workdir / f"measured.{n}", "w+") for n in ("out", "err"))  # noqa: SIM115
    with out, err:
        proc = subprocess.Popen(args, env=env, cwd=REPO_ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        result = runner._keep(Result(args, proc.returncode, out.read(), err.read()))
    return result, usage.ru_maxrss * 1024


def test_an_endless_body_is_abandoned_at_the_cap_with_memory_a_small_multiple_of_it(
        dataset, seeded_log, runner, process_env, cache_dir):
    """A 64 MiB body under a 1 MB cap: each attempt stops at the cap, and the process's peak
    memory stays within a few caps of the same run answered normally."""
    cap = 1_000_000
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    peaks = {}
    for kind in ("502_json", "huge_body"):
        with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
            gh.faults.set_huge_body(64 * 1024 * 1024, "json_prefix")
            gh.faults.fail_next(100, kind)
            env = chaos_env(process_env, gh.url, SEEDING_MAX_RESPONSE_BYTES=str(cap))
            result, peaks[kind] = run_measured(runner, manage_cmd("seed_real_projects", *UPDATE),
                                               env)
        assert_failed_cleanly(result, "gave up after 6", code=1)
    assert "passed the maximum size of 1,000,000 bytes" in result.output
    assert peaks["huge_body"] < peaks["502_json"] + 8 * cap, peaks


@pytest.mark.parametrize("separator", ["\n", "\r\n", ", "], ids=["LF", "CRLF", "comma"])
def test_tokens_one_per_line_are_accepted_and_never_shown(
        separator, dataset, seeded_log, runner, process_env, cache_dir):
    """``GITHUB_SEEDING_TOKENS="$(cat tokens.txt)"`` (LF or CRLF lines; command substitution
    keeps a last CR): the run uses the tokens, and no output, log file, cache listing
    (``--cache-info --json``, ``eventlog info --json``) or row holds any of them."""
    runner.secrets |= set(TOKENS)
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    raw = separator.join(TOKENS) + separator.rstrip("\n")
    with FakeGitHub(copy.deepcopy(dataset), tokens=list(TOKENS),
                    secondary_points_per_minute=None) as gh:
        gh.mutate(changed_on_github)
        env = {**chaos_env(process_env, gh.url, GITHUB_SEEDING_TOKENS=raw)}
        del env["GITHUB_TOKEN"]
        result = runner.seed(*UPDATE, env=env)
        assert gh.stats.total > 0
    assert result.returncode == 0, result.output
    assert "1 updated" in result.stdout
    for shown in (runner.seed(*WINDOW, "--cache-info", "--json", env=env),
                  runner.eventlog("info", REPO, "--json", "--cache-dir", str(cache_dir), env=env)):
        assert shown.returncode == 0, shown.output
        json.loads(shown.stdout)


def test_a_partial_error_quoting_the_token_for_a_megabyte_is_stored_short_and_redacted(
        dataset, seeded_log, runner, process_env, cache_dir):
    """GitHub nulls a PR's reviews with an error at that path whose message quotes the token
    and runs for a megabyte: the PR is recorded with its reviews unavailable, and what the log
    keeps of the message is short and holds no form of the token."""
    runner.secrets |= set(ODD_FORMS)
    seed_from(seeded_log, cache_dir, REPO, WINDOW)
    text = "reviews for " + " ".join(ODD_FORMS) + " are unavailable " + "\x1b[7m!" * 200_000

    def partial(body: dict):
        edges = (((body.get("data") or {}).get("repository") or {}).get("pullRequests")
                 or {}).get("edges")
        if edges:
            edges[0]["node"]["reviews"] = None
            body["errors"] = [{"type": "FORBIDDEN", "message": text, "path": [
                "repository", "pullRequests", "edges", 0, "node", "reviews"]}]

    before = log_bytes(cache_dir)
    with FakeGitHub(copy.deepcopy(dataset), tokens=[ODD],
                    secondary_points_per_minute=None) as gh:
        gh.mutate(changed_on_github)
        gh.faults.tamper_next(partial, n=1000)
        result = runner.seed(*UPDATE, env=chaos_env(process_env, gh.url, GITHUB_TOKEN=ODD))
    assert result.returncode == 0, result.output
    assert_terminal_safe(result.stdout, result.stderr)
    assert len(result.stdout) < 20_000
    assert log_bytes(cache_dir) - before < 64 * 1024
    stored = [r.data for r in EventLog(cache_dir / REPO).read() if r.type == "pr"][-1]
    assert "reviews for *** *** *** are unavailable" in json.dumps(stored["unavailable"])

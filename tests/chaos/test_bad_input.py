"""Scenario 6: bad input to ``seed_real_projects`` and ``eventlog``, as real processes.

Every case starts from a seeded repository (a complete log, projected) and a fake GitHub on
which one PR changed since, so a run that wrongly went ahead would show. Each case must end with
a non-zero exit, a one-line error on stderr, the reason in the output, no traceback, the
database unchanged, and the logs unchanged: byte for byte, except that a run failing against
GitHub records its failed pass (committed bytes kept, no PR event added).
"""

from __future__ import annotations

import copy
import os
import resource
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog.manifest import load_manifest
from tests.dbdump import natural_dump
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

from .support import (
    TOKEN,
    assert_failed_cleanly,
    chaos_env,
    fetch_log,
    since_arg,
)
from .support_state import (
    files_under,
    pr_event_counts,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "bad/web"
WINDOW = ["--repo", REPO, *since_arg(NOW.date() - timedelta(days=200))]
UPDATE = [*WINDOW, "--update", "--page-size", "1"]
REVOKED = "ghp_ChaosRevokedByOwner" + "0" * 16 + "7"


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 25}, seed=29, now=NOW - timedelta(hours=1), days=150,
                            huge=0)


@pytest.fixture(scope="module")
def seeded_log(dataset, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / REPO
    fetch_log(dataset, REPO, path, page_size=10)
    return path


# -- what a case may need besides its arguments -------------------------------------------------


@dataclass
class Context:
    gh: FakeGitHub
    env: dict[str, str]
    tmp: Path
    cache_dir: Path
    preexec: Callable[[], None] | None = None


def unwritable_cache(ctx: Context) -> None:
    """A cache directory that cannot be created (its parent is a file; root ignores modes)."""
    (ctx.tmp / "a-file").write_text("not a directory")
    ctx.env["SEEDING_CACHE_DIR"] = str(ctx.tmp / "a-file" / "cache")


def full_disk(ctx: Context) -> None:
    """Writes past the log's current end fail, as on a full disk (a file-size limit: EFBIG)."""
    active = ctx.cache_dir / REPO / load_manifest(ctx.cache_dir / REPO).active.file
    limit = active.stat().st_size + 64
    ctx.preexec = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def endpoint(url: str) -> Callable[[Context], None]:
    def setup(ctx: Context) -> None:
        ctx.env["GITHUB_GRAPHQL_URL"] = url.replace("{server}", ctx.gh.url.rsplit("/", 1)[0])
    return setup


def answers(kind: str) -> Callable[[Context], None]:
    def setup(ctx: Context) -> None:
        ctx.gh.faults.fail_next(100, kind)
    return setup


def no_token(ctx: Context) -> None:
    del ctx.env["GITHUB_TOKEN"]


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    expected: str
    code: int = 2
    tool: str = "seed"
    setup: Callable[[Context], None] | None = None
    records_failure: bool = False  # a failed pass against GitHub is recorded in the log


def arg(*args: str, expected: str) -> Case:
    return Case(args, expected)


def fetch(expected: str, setup, *extra: str, records_failure: bool = True) -> Case:
    return Case((*UPDATE, *extra), expected, 1, setup=setup, records_failure=records_failure)


def tool(*args: str, expected: str, code: int) -> Case:
    return Case(args, expected, code, tool="eventlog")


CASES = {
    "path-traversing repo": arg("--repo", "../../etc/passwd", expected="invalid repository"),
    "repo named ..": arg("--repo", "bad/..", expected="bad name '..'"),
    "absolute repo path": arg("--repo", "/etc/passwd", expected="expected OWNER/NAME"),
    "repo with three parts": arg("--repo", "bad/web/x", expected="expected OWNER/NAME"),
    "repo with shell characters": arg("--repo", "bad/w;rm -rf ~", expected="bad name"),
    "empty repo": arg("--repo", "", expected="expected OWNER/NAME"),
    "unknown project": arg("--project", "nope", expected="unknown project 'nope'"),
    "impossible date": arg(*WINDOW[:2], "--since", "2026-02-30", expected="invalid date"),
    "not a date": arg(*WINDOW[:2], "--end-date", "yesterday", expected="invalid date"),
    "inverted dates": arg(*WINDOW, "--end-date", "2020-01-01", expected="is after --end-date"),
    "date in the future": arg(*WINDOW[:2], "--since", "2999-01-01", expected="in the future"),
    "negative days": arg(*WINDOW[:2], "--days-back", "-1", expected="out of range"),
    "huge days": arg(*WINDOW[:2], "--days-back", "9" * 30, expected="out of range"),
    "zero max PRs": arg(*WINDOW, "--max-prs", "0", expected="out of range"),
    "huge page size": arg(*WINDOW, "--page-size", "1000", expected="out of range"),
    "negative max wait": arg(*WINDOW, "--max-wait", "-5", expected="out of range"),
    "not a number": arg(*WINDOW, "--max-prs", "ten", expected="invalid number 'ten'"),
    "update and refresh": arg(*WINDOW, "--update", "--refresh",
                              expected="argument --refresh: not allowed with argument --update"),
    "days-back and since": arg(*WINDOW, "--days-back", "3", expected="not allowed with argument"),
    "cache-info and clear": arg(*WINDOW, "--cache-info", "--clear",
                                expected="--cache-info cannot be combined with --clear"),
    "path-traversing team": arg(*WINDOW, "--team", "../x", expected="invalid team slug"),
    "unknown option": arg(*WINDOW, "--frobnicate", expected="unrecognized arguments"),
    "unwritable cache directory": fetch("Not a directory", unwritable_cache,
                                        records_failure=False),
    "full disk": fetch("File too large", full_disk, records_failure=False),
    "unreachable endpoint": fetch("no response from http://127.0.0.1:9/graphql",
                                  endpoint("http://127.0.0.1:9/graphql")),
    "endpoint that is not a URL": Case(UPDATE, "is not an http(s) URL", 2,
                                       setup=endpoint("not a url")),
    "file:// endpoint": Case(UPDATE, "is not an http(s) URL", 2,
                             setup=endpoint("file:///etc/passwd")),
    "plain HTTP to another host": Case(UPDATE, "refusing to send a token over plain HTTP", 2,
                                       setup=endpoint("http://api.github.invalid/graphql")),
    "endpoint with a wrong path": fetch("HTTP 404", endpoint("{server}/api/v3")),
    "HTML instead of JSON": fetch("not JSON", answers("non_json")),
    "data: null": fetch("no data and no error", answers("data_null")),
    "no token": fetch("no GitHub token configured", no_token, records_failure=False),
    "revoked token": fetch("rejected every token", None, "--github-token", REVOKED),
    "eventlog: path-traversing repo": tool("verify", "../etc", expected="invalid repository",
                                           code=2),
    "eventlog: negative count": tool("tail", REPO, "-n", "-1", expected="-n must be >= 0",
                                     code=2),
    "eventlog: negative offset": tool("replay", REPO, "--from-offset", "-5",
                                      expected="--from-offset must be >= 0", code=2),
    "eventlog: not a number": tool("tail", REPO, "-n", "many",
                                   expected="Invalid value for '-n'", code=2),
    "eventlog: compact what": tool("compact", expected="give either OWNER/NAME or --all",
                                   code=2),
    "eventlog: unknown log": tool("info", "bad/missing", expected="no event log for bad/missing",
                                  code=1),
    "eventlog: unknown team": tool("replay", REPO, "--team", "nope", expected="no team 'nope'",
                                   code=1),
    "eventlog: unknown command": tool("frobnicate", expected="No such command", code=2),
}


# -- the test ---------------------------------------------------------------------------------


def seed_state(seeded_log: Path, cache_dir: Path) -> None:
    """The state every case starts from: the complete log, projected into the database."""
    shutil.copytree(seeded_log, cache_dir / REPO)
    call_command("seed_real_projects", *WINDOW, stdout=open(os.devnull, "w"))  # noqa: SIM115


def changed_on_github(dataset) -> None:
    """One PR edited since the log was written: a run that went ahead would fetch it."""
    number = dataset["repos"][REPO]["pullRequests"][0]["number"]
    touch_pr(dataset, REPO, number, datetime.now(UTC), title="Changed on GitHub")


def database_state() -> tuple:
    offsets = set(AppliedOffset.objects.values_list("team__slug", "github_repo"))
    return set(Team.objects.values_list("slug", flat=True)), offsets, natural_dump()


def run_case(case: Case, runner, ctx: Context):
    if case.tool == "eventlog":
        return runner.eventlog(*case.args, "--cache-dir", str(ctx.cache_dir), env=ctx.env)
    return runner.seed(*case.args, env=ctx.env, preexec_fn=ctx.preexec)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_fails_in_one_line_and_changes_nothing(
        name, dataset, seeded_log, runner, process_env, cache_dir, tmp_path):
    """One case of bad input: non-zero exit, one line on stderr naming the problem, no
    traceback; the database and the committed log data exactly as they were."""
    case = CASES[name]
    runner.secrets.add(REVOKED)
    seed_state(seeded_log, cache_dir)
    files, events, rows = files_under(cache_dir), pr_event_counts(cache_dir / REPO), \
        database_state()
    with FakeGitHub(copy.deepcopy(dataset), tokens=[TOKEN],
                    secondary_points_per_minute=None) as gh:
        gh.mutate(changed_on_github)
        ctx = Context(gh, chaos_env(process_env, gh.url), tmp_path, cache_dir)
        if case.setup is not None:
            case.setup(ctx)
        result = run_case(case, runner, ctx)
    assert_failed_cleanly(result, case.expected, code=case.code)
    assert database_state() == rows
    after = files_under(cache_dir)
    if case.records_failure:
        assert after.keys() == files.keys()
        assert all(after[name].startswith(data) for name, data in files.items())
        assert pr_event_counts(cache_dir / REPO) == events
    else:
        assert after == files

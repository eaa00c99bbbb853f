"""``eventlog``: inspect, replay, compact and verify the per-repository event logs.

Thin: each command parses its arguments, calls one library function, prints the result and maps
library errors to a one-line message and a non-zero exit (1 for a failed operation, 2 for bad
input). Nothing here is needed to use the library.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from .compaction import compact as compact_log
from .errors import EventLogError, InvalidRepoNameError, LogNotFoundError
from .layout import DEFAULT_CACHE_DIR, list_repos, repo_dir
from .log import EventLog, LogInfo
from .record import Record
from .verify import verify as verify_log

try:  # typer >= 0.2x vendors click and exposes its exception base here
    from typer import TyperException as CliUsageError
except ImportError:  # pragma: no cover - older typer on real click
    from click import ClickException as CliUsageError

PROJECTOR_GROUP = "eventlog.projectors"

app = typer.Typer(
    help="Inspect, replay, compact and verify the per-repository event logs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class _Console(Console):
    """A console that lets a closed pipe (``eventlog tail … | head``) reach ``main`` as
    ``BrokenPipeError`` (rich's default raises ``SystemExit(1)`` from inside ``print``)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
        raise BrokenPipeError


out = _Console(highlight=False, soft_wrap=True)
err = _Console(stderr=True, highlight=False, soft_wrap=True)


class UsageProblem(Exception):
    """Bad input detected by a command (exit code 2)."""


CacheDir = Annotated[
    Path,
    typer.Option("--cache-dir", envvar="SEEDING_CACHE_DIR", show_envvar=True,
                 help="Root of the logs ($SEEDING_CACHE_DIR, else .seeding_cache)."),
]
Repo = Annotated[str, typer.Argument(help="Repository as OWNER/NAME.", show_default=False)]
OptionalRepo = Annotated[
    str | None, typer.Argument(help="Repository as OWNER/NAME (default: every log).",
                               show_default=False)]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def _log_for(cache_dir: Path, repo: str) -> EventLog:
    log = EventLog(repo_dir(cache_dir, repo))
    if not log.exists():
        raise LogNotFoundError(f"no event log for {repo} under {cache_dir} "
                               "(run `python manage.py seed_real_projects` first)")
    return log


def _repos(cache_dir: Path, repo: str | None) -> list[str]:
    if repo is not None:
        _log_for(cache_dir, repo)
        return [repo]
    repos = list_repos(cache_dir)
    if not repos:
        raise LogNotFoundError(f"no event logs under {cache_dir}")
    return repos


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=total)
        yield lambda name: progress.update(task, advance=1, description=f"{label} {name}")


def summarize(record: Record) -> str:
    """A short human description of a record's data."""
    data = record.data
    if record.is_commit:
        meta = data.get("meta") or {}
        extra = " ".join(f"{k}={_short(v)}" for k, v in list(meta.items())[:4])
        return f"commit of {data.get('count')} records from seq {data.get('first_seq')} " \
               f"{extra}".rstrip()
    if not isinstance(data, dict):
        return _short(data)
    preferred = [k for k in ("title", "name", "state", "status") if k in data]
    keys = preferred + [k for k in data if k not in preferred]
    scalars = [(k, data[k]) for k in keys if not isinstance(data[k], dict | list)]
    return " ".join(f"{k}={_short(v)}" for k, v in scalars[:3])


def _short(value: Any, width: int = 50) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_record(record: Record, as_json: bool) -> None:
    if as_json:
        out.out(orjson.dumps(record.to_dict()).decode(), highlight=False)
    else:
        out.print(f"{record.seq:>8}  {escape(record.type):<7} {escape(record.key):<14} "
                  f"{escape(record.ts)}  {escape(summarize(record))}", markup=True)


@app.command()
def tail(
    repo: Repo,
    n: Annotated[int, typer.Option("-n", "--lines", help="How many records to show.")] = 10,
    follow: Annotated[bool, typer.Option("-f", "--follow",
                                         help="Keep printing new records as they commit.")] = False,
    as_json: AsJson = False,
    cache_dir: CacheDir = Path(DEFAULT_CACHE_DIR),
    poll: Annotated[float, typer.Option(hidden=True)] = 0.5,
) -> None:
    """Show the last N committed records of a log (commit markers included)."""
    if n < 0:
        raise UsageProblem(f"-n must be >= 0, got {n}")
    if poll <= 0:
        raise UsageProblem(f"--poll must be > 0, got {poll}")
    log = _log_for(cache_dir, repo)
    records = log.tail(n)
    for record in records:
        _print_record(record, as_json)
    if follow:
        start = records[-1].seq + 1 if records else log.next_seq()
        for record in log.follow(start, poll_interval=poll):
            _print_record(record, as_json)


@app.command()
def replay(
    repo: Repo,
    from_offset: Annotated[int, typer.Option("--from-offset",
                                             help="First seq to apply (0 = whole log).")] = 0,
    team: Annotated[str | None, typer.Option(help="Team slug to project into (default: the "
                                             "teams already tracking this log).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help="Print what would be applied; write nothing.")]
    = False,
    cache_dir: CacheDir = Path(DEFAULT_CACHE_DIR),
) -> None:
    """Feed records from seq N on to the registered database projector (idempotent)."""
    if from_offset < 0:
        raise UsageProblem(f"--from-offset must be >= 0, got {from_offset}")
    log = _log_for(cache_dir, repo)
    projectors = list(entry_points(group=PROJECTOR_GROUP))
    if dry_run or not projectors:
        if not projectors:
            err.print("no projector is registered; printing the records it would apply")
        count = 0
        for record in log.read(from_offset):
            if not record.is_commit:
                _print_record(record, False)
                count += 1
        out.print(f"{count} records would be applied (dry run)")
        return
    projector = _load(projectors[0])
    out.print(escape(str(projector(repo=repo, log=log, from_offset=from_offset, team=team))))


def _load(entry_point: Any) -> Callable[..., Any]:
    """Import a registered projector; a broken registration is a one-line error, not a trace."""
    try:
        return entry_point.load()
    except (ImportError, AttributeError) as e:
        raise EventLogError(f"cannot load the projector {entry_point.name!r} "
                            f"({entry_point.value}): {e}") from e


@app.command()
def compact(
    repo: OptionalRepo = None,
    all_: Annotated[bool, typer.Option("--all", help="Compact every log.")] = False,
    cache_dir: CacheDir = Path(DEFAULT_CACHE_DIR),
) -> None:
    """Keep the latest record per key (seqs and the next offset are preserved)."""
    if (repo is None) == (not all_):
        raise UsageProblem("give either OWNER/NAME or --all")
    repos = _repos(cache_dir, repo)
    with _progress(len(repos), "compacting") as advance:
        for name in repos:
            report = compact_log(repo_dir(cache_dir, name))
            advance(name)
            out.print(f"{name}: {report.describe().split(': ', 1)[1]}")


@app.command()
def verify(repo: OptionalRepo = None, cache_dir: CacheDir = Path(DEFAULT_CACHE_DIR)) -> None:
    """Check checksums, seq order and batch structure; exit 0 only when every log is clean."""
    repos = _repos(cache_dir, repo)
    failed = 0
    with _progress(len(repos), "verifying") as advance:
        for name in repos:
            report = verify_log(repo_dir(cache_dir, name))
            advance(name)
            status = "ok" if report.ok else f"{len(report.problems)} problem(s)"
            out.print(f"{name}: {status} ({report.records} records, {report.bytes} bytes)")
            for problem in report.problems:
                out.print(f"  problem: {escape(str(problem))}")
            for warning in report.warnings:
                out.print(f"  warning: {escape(warning)}")
            failed += not report.ok
    if failed:
        raise typer.Exit(1)


@app.command()
def info(repo: OptionalRepo = None, as_json: AsJson = False,
         cache_dir: CacheDir = Path(DEFAULT_CACHE_DIR)) -> None:
    """Records, keys, bytes, seq range, last commit marker and whether the last fetch completed."""
    infos = {name: EventLog(repo_dir(cache_dir, name)).info()
             for name in _repos(cache_dir, repo)}
    if as_json:
        out.out(orjson.dumps({name: info_dict(i) for name, i in infos.items()},
                             option=orjson.OPT_INDENT_2).decode(), highlight=False)
        return
    for name, i in infos.items():
        d = info_dict(i)
        complete = {True: "yes", False: "no", None: "unknown"}[d["last_fetch_complete"]]
        seqs = f"seqs {i.first_seq}..{i.last_seq}" if i.records else "no records"
        out.print(f"{name}: {i.events} events ({i.keys} keys), {i.commits} commits, "
                  f"{i.bytes} bytes in {i.segments} segment(s), {seqs}, "
                  f"next {i.next_seq}, last fetch complete: {complete}")


def info_dict(i: LogInfo) -> dict[str, Any]:
    """``LogInfo`` as JSON-ready data; ``last_fetch_complete`` reads the producer's ``complete``
    flag from the last commit marker's meta (None when the producer sets none)."""
    meta = i.last_commit.meta if i.last_commit else {}
    return {
        "path": str(i.path), "segments": i.segments, "bytes": i.bytes, "records": i.records,
        "events": i.events, "commits": i.commits, "keys": i.keys, "first_seq": i.first_seq,
        "last_seq": i.last_seq, "next_seq": i.next_seq, "uncommitted_bytes": i.uncommitted_bytes,
        "types": i.types, "last_commit": i.last_commit.to_dict() if i.last_commit else None,
        "last_fetch_complete": meta.get("complete"),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (one-line errors on stderr, never a traceback)."""
    try:
        code = app(args=argv, prog_name="eventlog", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except (UsageProblem, InvalidRepoNameError) as e:
        err.print(f"eventlog: error: {escape(str(e))}")
        return 2
    except CliUsageError as e:
        if e.format_message():  # "no arguments" prints the help and has no message
            err.print(f"eventlog: error: {escape(e.format_message())}")
        return e.exit_code
    except EventLogError as e:
        err.print(f"eventlog: error: {escape(str(e))}")
        return 1
    except (typer.Abort, KeyboardInterrupt):
        return 130
    except BrokenPipeError:
        return 0
    except OSError as e:  # unreadable cache dir, permissions, disk errors
        err.print(f"eventlog: error: {escape(str(e))}")
        return 1


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

"""``eventlog``: inspect, replay, compact, verify and remove the per-repository event logs.

Thin: each command parses its arguments, calls the library, prints lines built by ``render``
(escaped; ``--json`` exact) and maps errors to one line on stderr and an exit code (``exits``).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from . import config, render
from .compaction import compact as compact_log
from .errors import EventLogError, LogNotFoundError, OffsetOutOfRangeError
from .exits import Stopped, UsageProblem, error_exit, stop_exit, stop_on_signals
from .layout import list_repos, repo_dir
from .log import EventLog
from .removal import remove_log
from .replay import replay as run_replay
from .text import printable
from .verify import verify as verify_log

try:  # typer >= 0.2x vendors click and exposes its exception base here
    from typer import TyperException as CliUsageError
except ImportError:  # pragma: no cover - older typer on real click
    from click import ClickException as CliUsageError

app = typer.Typer(help="Inspect, replay, compact, verify and remove the per-repository event "
                  "logs.", no_args_is_help=True, add_completion=True,
                  pretty_exceptions_enable=False, rich_markup_mode=None)


class _Console(Console):
    """A console that lets a closed pipe (``eventlog tail … | head``) reach ``main`` as
    ``BrokenPipeError`` (rich's default raises ``SystemExit(1)`` from inside ``print``)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
        raise BrokenPipeError


out = _Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
err = _Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)


def say(line: str) -> None:  # ``line`` is already safe: built by ``render``/``printable``
    out.out(line, highlight=False)


def _complete_repo(ctx: typer.Context, incomplete: str) -> list[str]:
    try:
        repos = list_repos(ctx.params.get("cache_dir") or config.cache_dir())
    except (OSError, EventLogError):
        repos = []
    return [incomplete + repo[len(incomplete):] for repo in repos  # names ignore case: keep
            if repo.lower().startswith(incomplete.lower())]        # what was typed


CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", show_default=str(config.cache_dir()),
                 help="Root of the logs: $SEEDING_CACHE_DIR if set, else .seeding_cache at "
                      "the project root."),
]
Repo = Annotated[str, typer.Argument(help="Repository as OWNER/NAME (any case).",
                                     show_default=False, autocompletion=_complete_repo)]
OptionalRepo = Annotated[
    str | None, typer.Argument(help="Repository as OWNER/NAME (default: every log).",
                               show_default=False, autocompletion=_complete_repo)]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]


def _root(cache_dir: Path | None) -> Path:
    return cache_dir if cache_dir is not None else config.cache_dir()


def _log_for(root: Path, repo: str) -> EventLog:
    log = EventLog(repo_dir(root, repo))
    if not log.exists():
        raise LogNotFoundError(f"no event log for {repo} under {root} (run `python manage.py "
                               "seed_real_projects` first)", log.path)
    return log


def _repos(root: Path, repo: str | None, *, empty_ok: bool = False) -> list[str]:
    if repo is not None:
        _log_for(root, repo)
        return [repo]
    repos = list_repos(root)
    if not repos and not empty_ok:
        raise LogNotFoundError(f"no event logs under {root}", root)
    return repos


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[str], None]]:
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(label, total=total)
        yield lambda name: progress.update(task, advance=1, description=f"{label} {name}")


def _version(value: bool) -> None:
    if value:
        say(f"eventlog {config.installed_version()}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Show the version of eventlog (the pr-seeding package) and exit.")] = False) -> None:
    """Inspect, replay, compact, verify and remove the per-repository event logs."""


@app.command()
def tail(
    repo: Repo,
    n: Annotated[int, typer.Option("-n", "--lines", help="How many records to show.")] = 10,
    follow: Annotated[bool, typer.Option("-f", "--follow",
                                         help="Keep printing new records as they commit.")] = False,
    as_json: AsJson = False,
    cache_dir: CacheDir = None,
    poll: Annotated[float, typer.Option(hidden=True)] = 0.5,
) -> None:
    """Show the last N committed records of a log, oldest first.

    Commit markers included. One line per record: seq, type, key, time and a summary, with
    control characters escaped; with --json each record as one line of exact JSON."""
    if n < 0:
        raise UsageProblem(f"-n must be >= 0, got {n}")
    if poll <= 0:
        raise UsageProblem(f"--poll must be > 0, got {poll}")
    log = _log_for(_root(cache_dir), repo)
    show = render.record_json if as_json else render.record_line
    records = log.tail(n)
    for record in records:
        say(show(record))
    if follow:
        start = records[-1].seq + 1 if records else log.next_seq()
        for record in log.follow(start, poll_interval=poll):
            say(show(record))


@app.command()
def replay(
    repo: Repo,
    from_offset: Annotated[int, typer.Option("--from-offset",
                                             help="First seq to apply (0 = whole log).")] = 0,
    team: Annotated[str | None, typer.Option(help="Team slug to project into (default: the "
                                             "teams already tracking this log).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Ask the projector what it would "
                                          "apply; write nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Re-apply every event in range, also "
                                        "those a row already has.")] = False,
    cache_dir: CacheDir = None,
) -> None:
    """Feed records from seq N on to the registered database projector.

    Idempotent (unless --force); prints the projector's summary. An offset past the end of the
    log is an error (exit 2). Without a projector (entry point group eventlog.projectors),
    --dry-run counts the records and keys in range, and a replay is an error (exit 1)."""
    if from_offset < 0:
        raise UsageProblem(f"--from-offset must be >= 0, got {from_offset}")
    try:
        outcome = run_replay(repo, _log_for(_root(cache_dir), repo), from_offset=from_offset,
                             team=team, force=force, dry_run=dry_run)
    except OffsetOutOfRangeError as e:
        raise UsageProblem(f"--from-offset {from_offset} is past the end of the log of {repo} "
                           f"({e.held})") from None
    if outcome.notice:
        _end(0, outcome.notice)
    for line in outcome.summary.splitlines():
        say(printable(line))


@app.command()
def compact(
    repo: OptionalRepo = None,
    all_: Annotated[bool, typer.Option("--all", help="Compact every log under the cache "
                                       "directory.")] = False,
    cache_dir: CacheDir = None,
) -> None:
    """Keep only the latest record of every key in a log, or in every log with --all.

    Per log: take its writer lock (a log being written is refused, naming the process: with
    --all the others are still compacted, and the exit code is 1), cut an unfinished tail,
    copy the latest record of each key and the latest commit marker (the fetch checkpoint)
    into a new segment, switch the manifest atomically, delete the old segments. Seqs, the next
    seq and projection offsets stay valid; readers are not disturbed. Files are fsynced unless
    $SEEDING_FSYNC is never."""
    if (repo is None) == (not all_):
        raise UsageProblem("give either OWNER/NAME or --all")
    root, durable = _root(cache_dir), config.fsync_policy() is config.FsyncPolicy.ALWAYS
    repos, failed = _repos(root, repo), 0
    with _progress(len(repos), "compacting") as advance:
        for name in repos:
            try:
                say(render.compact_line(name, compact_log(repo_dir(root, name), durable=durable)))
            except EventLogError as e:
                if repo is not None:
                    raise
                failed += _end(1, f"error: {name}: {error_exit(e)[1]}")  # returns 1
            advance(name)
    if failed:
        raise typer.Exit(1)


@app.command()
def verify(repo: OptionalRepo = None, as_json: AsJson = False,
           cache_dir: CacheDir = None) -> None:
    """Check one or every log; exit 0 only when every log is clean.

    Checks checksums, format versions, seq order and batch structure, and reports every
    problem with file, byte offset and seq (warnings, such as an unfinished tail, do not fail
    it). --json prints {"OWNER/NAME": {"ok", "records", "bytes", "problems": [{"path",
    "byte_offset", "seq", "message"}], "warnings"}}, and {} when there is no log."""
    root = _root(cache_dir)
    repos, reports = _repos(root, repo, empty_ok=as_json), {}
    with _progress(len(repos), "verifying") as advance:
        for name in repos:
            reports[name] = verify_log(repo_dir(root, name))
            advance(name)
            for line in [] if as_json else render.verify_lines(name, reports[name]):
                say(line)
    if as_json:
        say(render.json_document({name: r.to_dict() for name, r in reports.items()}))
    if not all(r.ok for r in reports.values()):
        raise typer.Exit(1)


@app.command()
def info(repo: OptionalRepo = None, as_json: AsJson = False,
         cache_dir: CacheDir = None) -> None:
    """Counts, size, seq range and last commit of one or every log.

    "records" are all committed records including commit markers, "events" the records that
    are not commit markers, "commits" the markers, "keys" the distinct event keys. --json
    prints {"OWNER/NAME": {...}} with the fields path, segments, bytes, records, events,
    commits, keys, first_seq, last_seq, next_seq, uncommitted_bytes, types, last_commit,
    last_fetch_complete, and {} when there is no log."""
    root = _root(cache_dir)
    infos = {name: EventLog(repo_dir(root, name)).info()
             for name in _repos(root, repo, empty_ok=as_json)}
    if as_json:
        say(render.json_document({name: render.info_dict(i) for name, i in infos.items()}))
        return
    for name, i in infos.items():
        say(render.info_line(name, i))


@app.command()
def rm(repo: Repo, cache_dir: CacheDir = None) -> None:
    """Remove a repository's log directory entirely.

    Deletes the log, its lock file and directory, and the owner directory when it is left
    empty. Refused while a process writes the log. Files eventlog did not create are kept, and
    with them the directory."""
    say(render.removal_line(repo, remove_log(_root(cache_dir), repo)))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (one-line errors on stderr, never a traceback)."""
    with stop_on_signals():
        try:
            code = app(args=argv, prog_name="eventlog", standalone_mode=False)
            return code if isinstance(code, int) else 0
        except CliUsageError as e:
            if e.format_message():  # "no arguments" prints the help and has no message
                _end(e.exit_code, f"error: {e.format_message()}")
            return e.exit_code
        except (typer.Abort, KeyboardInterrupt):
            return _end(*stop_exit(signal.SIGINT))
        except Stopped as e:
            return _end(*stop_exit(e.signum))
        except BrokenPipeError:
            return 0
        except (UsageProblem, EventLogError, OSError) as e:
            code, message = error_exit(e)
            return _end(code, f"error: {message}")


def _end(code: int, message: str) -> int:
    err.out(f"eventlog: {printable(message)}", highlight=False)
    return code


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())

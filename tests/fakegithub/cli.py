"""Command line: ``python -m tests.fakegithub serve|generate ...``.

``serve`` prints ``FAKE_GITHUB_URL=http://127.0.0.1:PORT/graphql`` once listening and serves
until SIGTERM/SIGINT. Bad arguments or an unreadable dataset: one line on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from datetime import UTC, datetime

from .dataset import generate_dataset, load_dataset, save_dataset
from .faults import KINDS, FaultPlan
from .registry import DEFAULT_MAX_FILES
from .server import FakeGitHub
from .sizes import PROFILES
from .variants import DEFAULT_VARIANT, VARIANTS


class UsageError(Exception):
    """A problem with the command line or its inputs (reported in one line, exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise UsageError(message)


def parse_repos(spec: str) -> dict[str, int]:
    """``"owner/a=300,owner/b=120"`` -> ``{"owner/a": 300, "owner/b": 120}``."""
    repos: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key, sep, count = part.partition("=")
        if not sep or key.count("/") != 1 or not all(key.split("/")) or not count.isdigit():
            raise UsageError(f"bad repository spec {part!r} (expected owner/name=COUNT)")
        repos[key] = int(count)
    if not repos:
        raise UsageError("no repositories given")
    return repos


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"bad --now {value!r} (expected ISO 8601)") from None


def _add_generation_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--huge", type=int, default=1, help="huge PRs per repository")
    parser.add_argument("--now", help="ISO 8601 'now' of the dataset (default: current time)")
    parser.add_argument("--no-check-runs", action="store_true")
    parser.add_argument("--profile", choices=PROFILES, default="typical",
                        help="PR size profile (heavy: heavy-tailed sizes)")
    parser.add_argument("--huge-files", type=int, default=0,
                        help="PRs per repository with more than 3000 files (files: null)")
    parser.add_argument("--shared", type=int, default=0,
                        help="stacked / same-head / merge-back PR groups per repository")
    parser.add_argument("--no-statuses", action="store_true", help="no legacy commit statuses")
    parser.add_argument("--no-nulls", action="store_true",
                        help="no random nulls where the schema allows them")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of both subcommands."""
    parser = _Parser(prog="python -m tests.fakegithub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve a dataset over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    source = serve.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="dataset JSON file (see `generate`)")
    source.add_argument("--generate", metavar="SPEC", help='e.g. "owner/a=300,owner/b=120"')
    _add_generation_args(serve)
    serve.add_argument("--fault-rate", type=float, default=0.0)
    serve.add_argument("--fault-kinds", help=f"comma list of {','.join(sorted(KINDS))}")
    serve.add_argument("--fault-seed", type=int, default=0)
    serve.add_argument("--rate-limit", type=int, default=5000)
    serve.add_argument("--window", type=float, default=3600, help="rate limit window, seconds")
    serve.add_argument("--secondary-per-minute", type=int, default=2000,
                       help="secondary limit in points per minute (0 disables)")
    serve.add_argument("--tokens", help="comma list of valid tokens (default: any)")
    serve.add_argument("--state-file", help="write stats JSON here after every request")
    serve.add_argument("--schema-variant", choices=sorted(VARIANTS), default=DEFAULT_VARIANT)
    serve.add_argument("--latency", type=float, default=0.0, help="seconds added per response")
    serve.add_argument("--max-files", type=int, default=DEFAULT_MAX_FILES,
                       help="PRs with more changed files answer files: null")
    gen = sub.add_parser("generate", help="write a generated dataset to a file")
    gen.add_argument("--out", required=True)
    gen.add_argument("--repos", required=True, metavar="SPEC")
    _add_generation_args(gen)
    return parser


def _dataset(args: argparse.Namespace) -> dict:
    if args.dataset:
        try:
            return load_dataset(args.dataset)
        except (OSError, ValueError) as exc:
            raise UsageError(f"cannot read dataset {args.dataset}: {exc}") from None
    spec = args.generate if args.command == "serve" else args.repos
    return generate_dataset(parse_repos(spec or "octo-org/octo-repo=50"), seed=args.seed,
                            now=_parse_now(args.now), days=args.days, huge=args.huge,
                            check_runs=not args.no_check_runs, profile=args.profile,
                            huge_files=args.huge_files, shared=args.shared,
                            statuses=not args.no_statuses, nulls=not args.no_nulls)


def _fault_plan(args: argparse.Namespace) -> FaultPlan:
    kinds = [k.strip() for k in args.fault_kinds.split(",")] if args.fault_kinds else None
    try:
        return FaultPlan(p=args.fault_rate, kinds=kinds, seed=args.fault_seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def write_state(path: str, state: dict) -> None:
    """Atomically replace ``path`` with ``state`` as JSON."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".fakegithub-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(state, handle, default=str)
    os.replace(tmp, path)


def serve(args: argparse.Namespace) -> int:
    """Run the server until SIGTERM/SIGINT."""
    tokens = [t for t in args.tokens.split(",") if t] if args.tokens else None
    fake = FakeGitHub(_dataset(args), tokens=tokens, rate_limit=args.rate_limit,
                      window_seconds=args.window, faults=_fault_plan(args), host=args.host,
                      port=args.port, secondary_points_per_minute=args.secondary_per_minute or None,
                      schema_variant=args.schema_variant, latency=args.latency,
                      max_files=args.max_files)
    if args.state_file:
        fake.engine.after_request = lambda state: write_state(args.state_file, state)
        write_state(args.state_file, fake.stats.as_dict(0))
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        fake.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    print(f"FAKE_GITHUB_URL={fake.url}", flush=True)
    while not stop.wait(0.2):
        pass
    fake.stop()
    return 0


def generate(args: argparse.Namespace) -> int:
    """Write a generated dataset to ``--out``."""
    dataset = _dataset(args)
    try:
        save_dataset(dataset, args.out)
    except OSError as exc:
        raise UsageError(f"cannot write {args.out}: {exc}") from None
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
        args.dataset = getattr(args, "dataset", None)
        return serve(args) if args.command == "serve" else generate(args)
    except UsageError as exc:
        print(f"fakegithub: error: {exc}", file=sys.stderr)
        return 2

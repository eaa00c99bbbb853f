"""The command line of ``seed_real_projects``: its options, their types, and its help text
(environment variables, exit codes, where the logs live)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from eventlog import InvalidRepoNameError, parse_repo

from .fetch.state import DEFAULT_PAGE_SIZE

DISTRIBUTION = "pr-seeding"
MAX_DAYS_BACK = 365 * 20

EPILOG = """\
environment:
  GITHUB_TOKEN, GITHUB_SEEDING_TOKENS   token, or tokens separated by commas/spaces/newlines
  GITHUB_GRAPHQL_URL                    endpoint (GitHub Enterprise: https://HOST/api/graphql)
  DATABASE_URL                          database (default: SQLite db.sqlite3 in the project)
  SEEDING_CACHE_DIR                     root of the logs (default: .seeding_cache in the project)
  SEEDING_PROJECTS_FILE                 your own projects (TOML), added to the registry
  SEEDING_HTTP_TIMEOUT                  seconds per request, connect to last byte (60)
  SEEDING_MAX_RESPONSE_BYTES            largest response read (100000000)
  SEEDING_MAX_CONCURRENT_PER_TOKEN      requests in flight per token (2)
  SEEDING_FSYNC                         always | never (always)
  SEEDING_ALLOW_INSECURE_HTTP           1: allow plain HTTP to another host (never for real tokens)

exit codes:
  0    every repository finished
  1    a repository did not finish, or PRs were quarantined (the summary says what to do)
  2    bad input or configuration (nothing was touched)
  130  interrupted by Ctrl-C, 143 by SIGTERM (everything committed is kept; run again)

Logs live under the cache directory, one per repository: CACHE/owner/name/. Inspect them with
`eventlog info`, `eventlog tail OWNER/NAME`, `eventlog verify`."""


def tool_version() -> str:
    """The installed distribution's version (``seed_real_projects --version``)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r} (expected YYYY-MM-DD)") from None


def _bounded(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low}..{high})")
        return value
    return parse


def _repo(text: str) -> str:
    try:
        parse_repo(text)
    except InvalidRepoNameError as e:
        raise argparse.ArgumentTypeError(str(e)) from None
    return text.strip()


def add_seed_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option of ``seed_real_projects`` (argparse groups; exclusive ones as such)."""
    what = parser.add_argument_group("what to seed")
    what.add_argument("--project", action="append", default=[], metavar="KEY",
                      help="A registered project (repeatable; default antiwork).")
    what.add_argument("--all-projects", action="store_true",
                      help="Every registered project.")
    what.add_argument("--industry", action="append", default=[], metavar="KEY",
                      help="Every registered project of an industry (repeatable).")
    what.add_argument("--repo", action="append", default=[], type=_repo,
                      metavar="OWNER/NAME", help="An ad-hoc repository (repeatable).")
    what.add_argument("--team", metavar="SLUG",
                      help="Team slug for --repo (default: the repository owner).")
    what.add_argument("--projects-file", type=Path, metavar="PATH",
                      help="A TOML file of your own projects (default: "
                           "$SEEDING_PROJECTS_FILE); it adds to the shipped registry.")
    window = parser.add_argument_group("window")
    since = window.add_mutually_exclusive_group()
    since.add_argument("--days-back", type=_bounded(0, MAX_DAYS_BACK), metavar="N",
                       help="PRs updated in the last N days (default: the project's).")
    since.add_argument("--since", "--start-date", dest="since", type=_date,
                       metavar="YYYY-MM-DD", help="PRs updated on or after this date.")
    window.add_argument("--end-date", type=_date, metavar="YYYY-MM-DD",
                        help="Only PRs created on or before this date (the log keeps "
                             "everything fetched).")
    window.add_argument("--max-prs", type=_bounded(1, 10_000_000), metavar="N",
                        help="At most N PRs per repository (the most recently updated).")
    mode = parser.add_argument_group("mode (default: resume, fetch only what is missing)")
    fetch_mode = mode.add_mutually_exclusive_group()
    fetch_mode.add_argument("--update", action="store_true",
                            help="Also fetch PRs updated since the last complete pass, and "
                                 "CI that was still running.")
    fetch_mode.add_argument("--refresh", action="store_true",
                            help="Discard the repositories' logs and fetch again (an "
                                 "interrupted refresh is resumed by the same command).")
    mode.add_argument("--clear", action="store_true",
                      help="Delete the seeded rows of the repositories this run targets, "
                           "then project them again from their logs.")
    mode.add_argument("--clear-team", action="store_true",
                      help="With --clear: delete every row of the targeted teams, members "
                           "and repositories not targeted included.")
    show = mode.add_mutually_exclusive_group()
    show.add_argument("--list-projects", action="store_true",
                      help="List the registered projects and exit.")
    show.add_argument("--cache-info", action="store_true",
                      help="Show what each repository's log holds and exit.")
    show.add_argument("--status", action="store_true",
                      help="One table of every log and team: PRs in log and database, "
                           "lag, last pass, errors, incomplete and quarantined PRs.")
    show.add_argument("--plan", "--dry-run", dest="plan", action="store_true",
                      help="Say what a run would do per repository and the requests it "
                           "would cost, without fetching PRs.")
    mode.add_argument("--json", action="store_true",
                      help="Machine-readable output: one JSON object per line while seeding "
                           "(see the README), or JSON for the commands above.")
    api = parser.add_argument_group("GitHub")
    api.add_argument("--no-check-runs", "--no-ci", dest="no_check_runs",
                     action="store_true",
                     help="Do not fetch CI (check runs and commit statuses): cheaper.")
    api.add_argument("--github-token", metavar="TOKEN",
                     help="Token(s), separated by commas (prefer the environment: the "
                          "command line is visible in `ps`).")
    api.add_argument("--page-size", type=_bounded(1, 100), default=DEFAULT_PAGE_SIZE,
                     metavar="N",
                     help=f"PRs per GraphQL page (1..100, default {DEFAULT_PAGE_SIZE}; shrinks on "
                          "timeouts and remembers the size that works).")
    api.add_argument("--max-wait", type=_bounded(0, 24 * 3600), default=3600,
                     metavar="SEC", help="Longest rate-limit wait before stopping cleanly "
                                         "(default 3600).")
    api.add_argument("--jobs", type=_bounded(1, 32), metavar="N",
                     help="Repositories fetched at once (default: 4 per token, at most 8).")
    parser.add_argument("--cache-dir", type=Path, metavar="PATH",
                        help="Root of the logs (default: $SEEDING_CACHE_DIR, else "
                             ".seeding_cache in the project).")

"""``python manage.py seed_real_projects``: seed teams with real GitHub pull requests.

Thin, like Django's own commands: parses options, calls the seeding package, writes output.
Resumes by default; a second run on a complete log makes no GitHub request.
"""

from __future__ import annotations

import argparse
import functools
import json
import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from eventlog import EventLogError, InvalidRepoNameError, parse_repo
from eventlog.config import ConfigError, fsync_policy
from eventlog.text import printable

from ... import run_plan, status
from ...cache_info import describe, repo_cache_info
from ...command_help import EPILOG, tool_version
from ...database import check_database, database_problem
from ...errors import SeedingError, UsageError
from ...fetch.client_config import (
    check_settings,
    client_factory,
    default_jobs,
    lazy_pool,
    tokens_from_env,
)
from ...fetch.github.errors import ClientConfigError, GitHubError
from ...fetch.interrupts import EXIT_CODES, InterruptRequest, StopFlag, install_sigterm
from ...json_reporter import JsonReporter
from ...progress import ConsoleReporter, TextStream
from ...registry import load_registry, project_json, project_lines
from ...run_options import RunOptions, check_options, seed_options
from ...runner import Runner
from ...summary import print_summary
from ...targets import resolve_targets

MAX_DAYS_BACK = 365 * 20


def _one_line_error(parser: CommandParser, message: str):
    """Argument errors as one line (``seed_real_projects: error: ...``), exit code 2."""
    if parser.called_from_command_line:
        parser.exit(2, f"seed_real_projects: error: {message}\n")
    raise CommandError(message, returncode=2)


def _date(text: str):
    from datetime import UTC, datetime
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


class Command(BaseCommand):
    _failure = ""
    help = ("Seed teams with real GitHub pull requests (reviews, commits, files, CI) through a "
            "resumable per-repository event log. Resumes by default; a run on a complete log "
            "makes no GitHub request.")

    def get_version(self) -> str:
        return tool_version()

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, epilog=EPILOG,
                                       formatter_class=argparse.RawDescriptionHelpFormatter,
                                       **kwargs)
        parser.error = functools.partial(_one_line_error, parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
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
        api.add_argument("--page-size", type=_bounded(1, 100), default=50, metavar="N",
                         help="PRs per GraphQL page (1..100, default 50; shrinks on timeouts "
                              "and remembers the size that works).")
        api.add_argument("--max-wait", type=_bounded(0, 24 * 3600), default=3600,
                         metavar="SEC", help="Longest rate-limit wait before stopping cleanly "
                                             "(default 3600).")
        api.add_argument("--jobs", type=_bounded(1, 32), metavar="N",
                         help="Repositories fetched at once (default: 2 per token, at most 8).")
        parser.add_argument("--cache-dir", type=Path, metavar="PATH",
                            help="Root of the logs (default: $SEEDING_CACHE_DIR, else "
                                 ".seeding_cache in the project).")

    def handle(self, *args, **options) -> None:
        try:
            code = self._handle(options)
        except SeedingError as e:
            raise CommandError(str(e), returncode=e.exit_code) from None
        except (ConfigError, ClientConfigError) as e:
            raise CommandError(str(e), returncode=2) from None
        except (EventLogError, GitHubError) as e:
            raise CommandError(str(e), returncode=1) from None
        except DatabaseError as e:
            raise CommandError(database_problem(e), returncode=1) from None
        except Exception as e:  # a bug: one line, the traceback only with --traceback
            if options.get("traceback"):
                raise
            raise CommandError(f"unexpected error: {type(e).__name__}: {e} (run with "
                               "--traceback for details)", returncode=1) from None
        if code:
            raise CommandError(self._failure, returncode=code)

    def _handle(self, options) -> int:
        registry = load_registry(options["projects_file"])
        if options["list_projects"]:
            return self._list_projects(registry, options)
        targets = resolve_targets(registry, options["project"], options["repo"], options["team"],
                                  all_projects=options["all_projects"],
                                  industries=options["industry"])
        cache_dir = options["cache_dir"] or settings.SEEDING_CACHE_DIR
        _check_show_modes(options)
        check_database()
        if options["cache_info"]:
            return self._cache_info(cache_dir, targets, options["json"])
        if options["status"]:
            return self._status(cache_dir, options["json"])
        run = RunOptions(days_back=options["days_back"], since=options["since"],
                         end_date=options["end_date"], max_prs=options["max_prs"],
                         update=options["update"], refresh=options["refresh"],
                         check_runs=not options["no_check_runs"],
                         page_size=options["page_size"], fsync=str(fsync_policy()))
        check_options(run)
        if options["clear_team"] and not options["clear"]:
            raise UsageError("--clear-team only applies with --clear")
        check_settings()
        per_target = seed_options(targets, run)
        if options["plan"]:
            return self._plan(cache_dir, targets, per_target, options)
        return self._seed(cache_dir, targets, per_target, options)

    # -- showing -------------------------------------------------------------------------

    def _list_projects(self, registry, options) -> int:
        for other in ("project", "repo", "update", "refresh", "clear", "all_projects"):
            if options[other]:
                raise UsageError("--list-projects cannot be combined with other options")
        projects = [p for p in registry.projects.values()
                    if not options["industry"] or p.industry in options["industry"]]
        if options["json"]:
            self.stdout.write(json.dumps([project_json(p, registry) for p in projects], indent=2))
            return 0
        for line in project_lines(projects, registry):
            self.stdout.write(line)
        return 0

    def _cache_info(self, cache_dir, targets, as_json: bool) -> int:
        infos = [repo_cache_info(cache_dir, t.team_slug, repo) for t in targets for repo in t.repos]
        if as_json:
            self.stdout.write(json.dumps(infos, indent=2, default=str))
            return 0
        for info in infos:
            self.stdout.write(describe(info))
        return 0

    def _status(self, cache_dir, as_json: bool) -> int:
        rows = status.collect(cache_dir)
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2, default=str))
            return 0
        for line in status.render(rows):
            self.stdout.write(line)
        return 0

    # -- seeding -------------------------------------------------------------------------

    def _plan(self, cache_dir, targets, per_target, options) -> int:
        plans = [run_plan.plan_repo(cache_dir, t, repo, per_target[t.key])
                 for t in targets for repo in t.repos]
        users, totals = None, {}
        if tokens_from_env(options["github_token"]):
            client = client_factory(lazy_pool(options["github_token"]), 0.0, None)()
            users = run_plan.budgets(client)
            needed = [e.repo for e in plans if "full" in e.action or "backfill" in e.action]
            totals = run_plan.pr_counts(client, needed) if needed else {}
        run_plan.fill_costs(plans, per_target, totals)
        if options["json"]:
            self.stdout.write(json.dumps(run_plan.as_json(plans, users), indent=2))
        else:
            for line in run_plan.render(plans, users):
                self.stdout.write(printable(line, 500))
        return 0

    def _seed(self, cache_dir, targets, per_target, options) -> int:
        jobs = options["jobs"] or default_jobs(len(tokens_from_env(options["github_token"])))
        stop = StopFlag() if jobs > 1 else None
        reporter = self._reporter(options, stop)
        pool = lazy_pool(options["github_token"])
        factory = client_factory(pool, float(options["max_wait"]), reporter.wait)
        runner = Runner(cache_dir, factory, reporter, jobs=jobs, stop=stop)
        undo = install_sigterm()
        try:
            outcomes = runner.run(targets, per_target, clear=options["clear"],
                                  clear_team=options["clear_team"])
        except KeyboardInterrupt:
            return self._stopped(signal.SIGINT, reporter)
        except InterruptRequest as stop_request:
            return self._stopped(stop_request.signum, reporter)
        finally:
            undo()
            reporter.finish()
        failed = [o for o in outcomes if not o.ok]
        code = 1 if failed else 0
        if options["json"]:
            reporter.emit("summary", repositories=len(outcomes), ok=len(outcomes) - len(failed),
                          requests=sum(int(o.api.get("requests", 0)) for o in outcomes),
                          exit_code=code)
        else:
            print_summary(self.stdout.write, self.style.MIGRATE_HEADING, self.style.ERROR,
                          outcomes)
        if failed:
            what = [f"{o.name} ({o.status if o.status != 'ok' else 'quarantined PRs'})"
                    for o in failed]
            self._failure = (f"{len(failed)} of {len(outcomes)} repositories need attention: "
                             + ", ".join(what))
        return code

    def _reporter(self, options, stop):
        if options["json"]:
            return JsonReporter(self.stdout, stop=stop)
        return ConsoleReporter(TextStream(self.stdout), verbosity=options["verbosity"],
                               color=not options.get("no_color"), stop=stop,
                               force_terminal=True if options.get("force_color") else None)

    def _stopped(self, signum: int, reporter) -> int:
        name = signal.Signals(signum).name
        self._failure = (f"{'interrupted' if signum == signal.SIGINT else f'stopped by {name}'}"
                         ": everything committed so far is kept; run the same command again to "
                         "resume")
        return EXIT_CODES.get(signum, 143)


def _check_show_modes(options) -> None:
    """The commands that only show something take no option that would change anything."""
    for show in ("cache_info", "status", "plan"):
        if not options[show]:
            continue
        for change in ("update", "refresh", "clear"):
            if options[change] and not (show == "plan" and change in ("update", "refresh")):
                raise UsageError(f"--{show.replace('_', '-')} cannot be combined with --{change}")

"""``python manage.py seed_real_projects``: seed teams with real GitHub pull requests.

Thin, like Django's own commands: parses options, calls the seeding package, writes output.
Resumes by default; a second run on a complete log makes no GitHub request.
"""

from __future__ import annotations

import argparse
import functools
import json
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from eventlog import EventLogError
from eventlog.config import ConfigError, fsync_policy
from eventlog.text import printable

from ... import run_plan, status
from ...cache_info import describe, repo_cache_info
from ...command_help import EPILOG, add_seed_arguments, tool_version
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


def _one_line_error(parser: CommandParser, message: str):
    """Argument errors as one line (``seed_real_projects: error: ...``), exit code 2."""
    if parser.called_from_command_line:
        parser.exit(2, f"seed_real_projects: error: {message}\n")
    raise CommandError(message, returncode=2)


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
        add_seed_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            code = self._handle(options)
        except Exception as e:  # noqa: BLE001 (every failure becomes one escaped line)
            if options.get("traceback") and not _expected(e):
                raise
            raise CommandError(printable(_failure_text(e), 2000),
                               returncode=_exit_code(e)) from None
        if code:
            raise CommandError(printable(self._failure, 2000), returncode=code)

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


def _expected(error: Exception) -> bool:
    return isinstance(error, SeedingError | ConfigError | ClientConfigError | EventLogError |
                      GitHubError | DatabaseError)


def _failure_text(error: Exception) -> str:
    if isinstance(error, DatabaseError):
        return database_problem(error)
    if _expected(error):
        return str(error)
    return f"unexpected error: {type(error).__name__}: {error} (run with --traceback for details)"


def _exit_code(error: Exception) -> int:
    if isinstance(error, SeedingError):
        return error.exit_code
    return 2 if isinstance(error, ConfigError | ClientConfigError) else 1

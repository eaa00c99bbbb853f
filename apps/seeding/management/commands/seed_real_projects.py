"""``python manage.py seed_real_projects``: seed teams with real GitHub pull requests.

Thin: parses and validates options, then hands each repository to ``RepoSeeder`` and prints
the outcome. Resumes by default; a second run on a complete log makes no GitHub request.
"""

from __future__ import annotations

import argparse
import functools
import json
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.teams.models import Team
from eventlog import InvalidRepoNameError, parse_repo

from ...cache_info import describe, repo_cache_info
from ...fetch.client_config import client_factory, fsync_policy
from ...fetch.state import FetchRequest
from ...progress import ConsoleReporter
from ...projection.projector import Window
from ...registry import DEFAULT_PROJECT, PROJECTS, Project
from ...service import RepoOutcome, RepoSeeder, SeedOptions, clear_team
from ...summary import print_summary
from ...targets import resolve_targets

MAX_DAYS_BACK = 365 * 20


def _one_line_error(parser: CommandParser, message: str):
    """Argument errors as one line (``seed_real_projects: error: ...``), exit code 2."""
    if parser.called_from_command_line:
        parser.exit(2, f"seed_real_projects: error: {message}\n")
    raise CommandError(message, returncode=2)


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


class Command(BaseCommand):
    help = ("Seed teams with real GitHub pull requests (reviews, commits, files, check runs) "
            "through a resumable per-repo event log. Resumes by default; a run on a complete "
            "log makes no GitHub request.")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = functools.partial(_one_line_error, parser)
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_argument_group("what to seed")
        what.add_argument("--project", action="append", default=[], metavar="KEY",
                          help=f"A registered project (repeatable; default {DEFAULT_PROJECT}).")
        what.add_argument("--list-projects", action="store_true",
                          help="List the registered projects and exit.")
        what.add_argument("--repo", action="append", default=[], type=_repo, metavar="OWNER/NAME",
                          help="An ad-hoc repository (repeatable).")
        what.add_argument("--team", metavar="SLUG",
                          help="Team slug for --repo (default: the repository owner).")
        window = parser.add_argument_group("window")
        window.add_argument("--days-back", type=_bounded(0, MAX_DAYS_BACK), metavar="N",
                            help="PRs updated in the last N days (default: the project's, 180).")
        window.add_argument("--since", "--start-date", dest="since", type=_date,
                            metavar="YYYY-MM-DD", help="PRs updated on or after this date.")
        window.add_argument("--end-date", type=_date, metavar="YYYY-MM-DD",
                            help="Project only PRs created on or before this date (the log "
                                 "keeps everything fetched).")
        window.add_argument("--max-prs", type=_bounded(1, 10_000_000), metavar="N",
                            help="At most N PRs per repository (the most recently updated).")
        mode = parser.add_argument_group("mode (default: resume, fetch only what is missing)")
        mode.add_argument("--update", action="store_true",
                          help="Also fetch PRs updated since the last complete pass.")
        mode.add_argument("--refresh", action="store_true",
                          help="Discard the repo's log and projection offset; fetch again.")
        mode.add_argument("--clear", action="store_true",
                          help="Delete the team's seeded rows and offsets, then project again.")
        mode.add_argument("--cache-info", action="store_true",
                          help="Show what each repo's log holds and exit.")
        mode.add_argument("--json", action="store_true", help="With --cache-info: JSON output.")
        api = parser.add_argument_group("GitHub")
        api.add_argument("--no-check-runs", action="store_true",
                         help="Do not fetch CI check runs (cheaper).")
        api.add_argument("--github-token", metavar="TOKEN",
                         help="Token(s), comma-separated (default: $GITHUB_SEEDING_TOKENS or "
                              "$GITHUB_TOKEN; prefer the environment).")
        api.add_argument("--page-size", type=_bounded(1, 100), default=50, metavar="N",
                         help="PRs per GraphQL page (1..100, default 50; shrinks on timeouts).")
        api.add_argument("--max-wait", type=_bounded(0, 24 * 3600), default=3600, metavar="SEC",
                         help="Longest rate-limit wait before stopping cleanly (default 3600).")

    def handle(self, *args, **options) -> None:
        if options["list_projects"]:
            return self._list_projects(options)
        _check_conflicts(options)
        targets = resolve_targets(options["project"], options["repo"], options["team"])
        if options["cache_info"]:
            return self._cache_info(targets, options["json"])
        seed_options = self._seed_options(options, targets)
        try:
            outcomes = self._seed(targets, seed_options, options)
        except KeyboardInterrupt:
            raise CommandError("interrupted: everything committed so far is kept; run the same "
                               "command again to resume", returncode=130) from None
        print_summary(self.stdout, self.style, outcomes)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            raise CommandError(f"{len(failed)} of {len(outcomes)} repositories did not finish: "
                               + ", ".join(f"{o.repo} ({o.status})" for o in failed))

    # -- steps -------------------------------------------------------------------------

    def _list_projects(self, options) -> None:
        for other in ("project", "repo", "cache_info", "update", "refresh", "clear"):
            if options[other]:
                raise CommandError("--list-projects cannot be combined with other options",
                                   returncode=2)
        for p in PROJECTS.values():
            default = " (default)" if p.key == DEFAULT_PROJECT else ""
            self.stdout.write(f"{p.key:<10} team {p.team_slug:<10} {p.days_back:>3} days  "
                              f"{', '.join(p.repos)}{default}")
            if p.description:
                self.stdout.write(f"{'':<10} {p.description}")

    def _cache_info(self, targets: list[Project], as_json: bool) -> None:
        infos = [repo_cache_info(settings.SEEDING_CACHE_DIR, t.team_slug, repo)
                 for t in targets for repo in t.repos]
        if as_json:
            self.stdout.write(json.dumps(infos, indent=2, default=str))
            return
        for info in infos:
            self.stdout.write(describe(info))

    def _seed_options(self, options, targets: list[Project]) -> dict[str, SeedOptions]:
        now = datetime.now(UTC)
        until = None
        if options["end_date"]:
            until = datetime.combine(options["end_date"].date(), time.max, tzinfo=UTC)
        per_target = {}
        for t in targets:
            if options["since"]:
                since = options["since"]
            else:
                days = options["days_back"] if options["days_back"] is not None else t.days_back
                since = now - timedelta(days=days)
            fetch = FetchRequest(since=since, max_prs=options["max_prs"],
                                 update=options["update"],
                                 check_runs=not options["no_check_runs"],
                                 page_size=options["page_size"])
            per_target[t.key] = SeedOptions(fetch, Window(since, until),
                                             refresh=options["refresh"], fsync=fsync_policy())
        return per_target

    def _seed(self, targets: list[Project], seed_options: dict[str, SeedOptions],
              options) -> list[RepoOutcome]:
        reporter = ConsoleReporter(self.stdout._out)
        factory = client_factory(options["github_token"], float(options["max_wait"]),
                                 reporter.wait)
        seeder = RepoSeeder(settings.SEEDING_CACHE_DIR, factory, reporter=reporter,
                            projection_progress=reporter.projection)
        outcomes = []
        for target in targets:
            team = _team(target)
            if options["clear"]:
                counts = clear_team(team)
                reporter.line(f"team {team.slug}: cleared {sum(counts.values())} rows")
            for repo in target.repos:
                outcome = seeder.seed(team, repo, seed_options[target.key])
                reporter.finish_repo()
                outcomes.append(outcome)
                for warning in outcome.warnings:
                    reporter.line(f"{repo}: warning: {warning}", style="yellow")
        return outcomes


def _team(target: Project) -> Team:
    with transaction.atomic():
        team, _ = Team.objects.get_or_create(slug=target.team_slug,
                                             defaults={"name": target.team_name})
    return team


def _check_conflicts(options) -> None:
    pairs = [("update", "refresh"), ("cache_info", "update"), ("cache_info", "refresh"),
             ("cache_info", "clear"), ("days_back", "since")]
    for a, b in pairs:
        if options[a] not in (None, False) and options[b] not in (None, False):
            raise CommandError(f"--{a.replace('_', '-')} and --{b.replace('_', '-')} cannot be "
                               "used together", returncode=2)
    if options["json"] and not options["cache_info"]:
        raise CommandError("--json only applies to --cache-info", returncode=2)
    if options["team"] and not options["repo"]:
        raise CommandError("--team applies to --repo; projects have their own team",
                           returncode=2)
    since, until = options["since"], options["end_date"]
    if since and until and since > until:
        raise CommandError(f"--since {since:%Y-%m-%d} is after --end-date {until:%Y-%m-%d}",
                           returncode=2)
    if since and since > datetime.now(UTC):
        raise CommandError(f"--since {since:%Y-%m-%d} is in the future", returncode=2)

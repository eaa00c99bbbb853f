"""The projector behind ``eventlog replay`` (registered as an ``eventlog.projectors`` entry
point in pyproject.toml): sets Django up and projects a log for the teams tracking it."""

from __future__ import annotations

import os

from eventlog import EventLog
from eventlog.errors import EventLogError


class ReplayError(EventLogError):
    """Replay cannot run (no team tracks the log, unknown team, database unreachable)."""


def replay_records(*, repo: str, log: EventLog, from_offset: int, team: str | None) -> str:
    """Apply ``log`` from seq ``from_offset`` to the database; returns a one-line summary."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.settings")
    import django

    django.setup()
    from django.db import DatabaseError

    try:
        return _replay(repo, log, from_offset, team)
    except DatabaseError as e:
        raise ReplayError(f"database error: {e} (did you run `python manage.py migrate`?)") from e


def _replay(repo: str, log: EventLog, from_offset: int, team_slug: str | None) -> str:
    from apps.teams.models import Team

    from ..models import AppliedOffset
    from .projector import Projector, Window

    if team_slug is not None:
        team = Team.objects.filter(slug=team_slug).first()
        if team is None:
            raise ReplayError(f"no team {team_slug!r}; seed it first with seed_real_projects")
        teams = [team]
    else:
        teams = [t.team for t in AppliedOffset.objects.filter(github_repo=repo)
                 .select_related("team")]
        if not teams:
            raise ReplayError(f"no team tracks {repo}; pass --team SLUG")
    lines = []
    for team in teams:
        tracking = AppliedOffset.objects.filter(team=team, github_repo=repo).first()
        window = Window(tracking.window_since, tracking.window_until) if tracking else Window()
        report = Projector(team, repo, log, window=window).project(from_offset=from_offset)
        lines.append(f"team {team.slug}: applied {report.records} records from seq "
                     f"{from_offset}: {report.describe()}")
    return "\n".join(lines)

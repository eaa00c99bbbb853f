"""The projector behind ``eventlog replay`` (registered as an ``eventlog.projectors`` entry
point in pyproject.toml): sets Django up and projects a log for the teams tracking it.

Plain replay re-applies the range but the seq guard skips every event a row already reflects:
it repairs rows that *missed* events (a database restored from an older backup), not rows
edited by hand. ``force`` re-applies every event in range regardless of seq (it repairs hand
edits too). ``dry_run`` writes nothing and says what would change.
"""

from __future__ import annotations

import os

from eventlog import EventLog
from eventlog.errors import EventLogError


class ReplayError(EventLogError):
    """Replay cannot run (no team tracks the log, unknown team, database unreachable)."""


def replay_records(*, repo: str, log: EventLog, from_offset: int, team: str | None,
                   force: bool = False, dry_run: bool = False) -> str:
    """Apply ``log`` from seq ``from_offset`` to the database; returns a summary (lines)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.settings")
    import django

    django.setup()
    from django.db import DatabaseError

    try:
        return _replay(repo, log, from_offset, team, force=force, dry_run=dry_run)
    except DatabaseError as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ReplayError(f"database error: {first} (run `python manage.py migrate`, and check "
                          "DATABASE_URL)") from e


def _replay(repo: str, log: EventLog, from_offset: int, team_slug: str | None, *,
            force: bool, dry_run: bool) -> str:
    from apps.teams.models import Team

    from ..models import AppliedOffset
    from .projector import Projector
    from .window import Window

    trackings = AppliedOffset.objects.filter(github_repo__iexact=repo).select_related("team")
    if team_slug is not None:
        team = Team.objects.filter(slug=team_slug).first()
        if team is None:
            raise ReplayError(f"no team {team_slug!r}; seed it first")
        trackings = trackings.filter(team=team)
        pairs = [(team, t.github_repo, t) for t in trackings] or [(team, repo, None)]
    else:
        pairs = [(t.team, t.github_repo, t) for t in trackings]
        if not pairs:
            raise ReplayError(f"no team tracks {repo}; pass --team SLUG")
    lines = []
    for team, name, tracking in pairs:
        window = Window(tracking.window_since, tracking.window_until) if tracking else Window()
        report = Projector(team, name, log, window=window, force=force,
                           dry_run=dry_run).project(from_offset=from_offset)
        lines.append(_line(team.slug, from_offset, report, dry_run=dry_run, force=force))
    return "\n".join(lines)


def _line(slug: str, from_offset: int, report, *, dry_run: bool, force: bool) -> str:
    span = f"{report.records} records from seq {from_offset}"
    if dry_run:
        return (f"team {slug}: dry run over {span} ({report.prs_read} PRs): "
                f"{len(report.would_change)} PRs would change, nothing written")
    mode = " (forced)" if force else ""
    current = max(0, report.prs_read - report.created - report.updated - report.outside_window)
    text = (f"team {slug}: applied {span}{mode}: {report.prs_read} PRs, {report.created} new, "
            f"{report.updated} updated, {current} already up to date, "
            f"{report.outside_window} outside the window")
    if report.quarantined:
        text += f", {len(report.quarantined)} quarantined"
    return text

"""Child task: the project's projector replaying a whole log into an empty database.

This is what ``seed_real_projects --clear`` does once the log is complete: delete the team's
rows (``clear_team``), then ``Projector.project()`` from seq 0 with no window. Only
``project()`` is timed. With ``profile`` set, it runs under cProfile; the stats are dumped to
that path and the top functions (cumulative and own time) written beside it as ``.txt``.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from pathlib import Path
from typing import Any

from django.db import connection

from apps.seeding.projection.projector import Projector
from apps.seeding.service import clear_team
from apps.teams.models import Team
from eventlog import EventLog

from .child import current_rss_kb
from .schema import count_rows


def project(log_dir: str, repo: str, profile: str | None = None) -> dict[str, Any]:
    team = Team.objects.create(name="Bench", slug="bench")
    clear_team(team)
    rss_setup = current_rss_kb()
    projector = Projector(team, repo, EventLog(Path(log_dir)))
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    report = profiler.runcall(projector.project) if profiler else projector.project()
    seconds = time.perf_counter() - started
    if profiler:
        profiler.dump_stats(profile)
        write_summary(profile)
    with connection.cursor() as cursor:
        counts = count_rows(cursor)
    return {"seconds": seconds, "prs": report.created + report.updated,
            "records": report.records, "rows": counts, "rss_setup_kb": rss_setup}


def write_summary(stats_path: str, top: int = 30) -> None:
    """The ``top`` functions by cumulative and by own time, as text beside the stats file."""
    out = io.StringIO()
    stats = pstats.Stats(stats_path, stream=out).strip_dirs()
    for key in ("cumulative", "tottime"):
        stats.sort_stats(key).print_stats(top)
    Path(stats_path).with_suffix(".txt").write_text(out.getvalue())

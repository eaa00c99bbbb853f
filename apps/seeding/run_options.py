"""From command-line options to what each target's run asks for: windows, fetch requests, and
the rules options must obey together (``UsageError`` for a combination that makes no sense)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from .errors import UsageError
from .fetch.state import DEFAULT_PAGE_SIZE, FetchRequest
from .projection.window import Window
from .registry import Project
from .service import SeedOptions


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The options of one ``seed_real_projects`` run that shape what is fetched and kept."""

    days_back: int | None = None
    since: datetime | None = None
    end_date: datetime | None = None
    max_prs: int | None = None
    update: bool = False
    refresh: bool = False
    check_runs: bool = True
    page_size: int = DEFAULT_PAGE_SIZE
    fsync: str = "always"


def check_options(o: RunOptions, *, now: datetime | None = None) -> None:
    """Refuse combinations argparse cannot express."""
    now = now or datetime.now(UTC)
    if o.since and o.end_date and o.since > o.end_date:
        raise UsageError(f"--since {o.since:%Y-%m-%d} is after --end-date {o.end_date:%Y-%m-%d}")
    if o.since and o.since > now:
        raise UsageError(f"--since {o.since:%Y-%m-%d} is in the future")


def window_for(project: Project, o: RunOptions, now: datetime) -> Window:
    """PRs updated since (``--since``, else ``--days-back``, else the project's default) and
    created by the end of ``--end-date``."""
    if o.since is not None:
        since = o.since
    else:
        days = o.days_back if o.days_back is not None else project.days_back
        since = now - timedelta(days=days)
    until = None
    if o.end_date is not None:
        until = datetime.combine(o.end_date.date(), time.max, tzinfo=UTC)
    return Window(since, until)


def seed_options(targets: list[Project], o: RunOptions,
                 now: datetime | None = None) -> dict[str, SeedOptions]:
    """The ``SeedOptions`` of every target, by target key."""
    now = now or datetime.now(UTC)
    options = {}
    for target in targets:
        window = window_for(target, o, now)
        max_prs = o.max_prs if o.max_prs is not None else target.max_prs
        fetch = FetchRequest(since=window.since, max_prs=max_prs, update=o.update,
                             check_runs=o.check_runs, page_size=o.page_size)
        options[target.key] = SeedOptions(fetch, window, refresh=o.refresh, fsync=o.fsync)
    return options

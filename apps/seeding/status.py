"""``seed_real_projects --status`` and the admin's "Ingestion status" page: every log and team
at a glance.

One row per (log, team): every log under the cache directory joined with every team that
tracks it (its ``AppliedOffset`` rows). A log no team tracks yet is one row with team ``None``;
a tracking record whose log is gone is a row with ``log`` ``None``. A tracking record belongs to
a log when its repository is the log's name (as GitHub calls it, or the directory's), ignoring
case, or resolves to the log's directory (a renamed repository's alias).

Rows are JSON-ready and hold text exactly as GitHub and the logs have it; ``render`` (and the
admin page) escape it. Cost: every log is read once (a full verifying scan, to count its PRs),
however many teams track it; the database answers three queries in all. A log that cannot be
read is a row with ``log_error`` set, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db.models import Count

from apps.metrics.models import PullRequest
from eventlog import EventLog, EventLogError, list_repos, repo_dir
from eventlog.text import plural, printable

from .events import PR_TYPE
from .fetch.state import FetchState, parse_ts
from .models import AppliedOffset, QuarantinedPR
from .staleness import STALE_AFTER
from .summary import incomplete_list

COLUMNS = ("repo", "team", "log PRs", "db PRs", "lag", "last pass", "outcome", "synced")
LISTED = 20  # incomplete or quarantined PRs listed per row; the rest are counted


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What one scan of a log says: its name, distinct PRs, last seq and fetch state."""

    log: str                       # OWNER/NAME as on disk
    name: str                      # as GitHub calls it (``FetchState.name_with_owner``)
    prs: int | None                # distinct ``pr`` keys; None when the log cannot be read
    last_seq: int                  # -1 for a log without records
    state: FetchState = field(default_factory=FetchState)
    error: str | None = None


def read_log(cache_dir: Path, log: str) -> LogSummary:
    """Scan ``log`` (``OWNER/NAME`` under ``cache_dir``) once. A damaged or unreadable log is
    a summary with ``error`` set (and ``prs`` None), never an exception."""
    prs: set[str] = set()
    last = None
    try:
        for record in EventLog(repo_dir(cache_dir, log)).read():
            last = record
            if record.type == PR_TYPE:
                prs.add(record.key)
    except (EventLogError, OSError) as e:
        return LogSummary(log, log, None, -1, error=str(e))
    state = FetchState.from_meta(last.meta if last is not None and last.is_commit else None)
    return LogSummary(log, state.name_with_owner or log, len(prs),
                      last.seq if last is not None else -1, state)


def collect(cache_dir: Path, now: datetime | None = None) -> list[dict[str, Any]]:
    """One JSON-ready row per (log, team), sorted by repository then team (see the module
    docstring). An empty or missing ``cache_dir`` gives only the tracking records' rows."""
    now = now or datetime.now(UTC)
    logs = [read_log(cache_dir, log) for log in list_repos(Path(cache_dir))]
    trackings = list(AppliedOffset.objects.select_related("team").order_by("github_repo", "pk"))
    pr_counts = {(r["team_id"], r["github_repo"]): r["n"] for r in PullRequest.objects
                 .values("team_id", "github_repo").annotate(n=Count("id")).order_by()}
    quarantined: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for q in QuarantinedPR.objects.order_by("number"):
        quarantined.setdefault((q.team_id, q.github_repo), []).append(
            {"number": q.number, "reason": q.reason})
    owners = _tracking_owners(cache_dir, logs, trackings)
    rows = []
    for log in logs:
        mine = [t for t in trackings if owners.get(t.pk) is log]
        for t in mine or [None]:
            rows.append(_row(log, t, pr_counts, quarantined, now))
    rows += [_row(None, t, pr_counts, quarantined, now) for t in trackings if t.pk not in owners]
    return sorted(rows, key=lambda r: (r["repo"].lower(), r["team"] or ""))


def _tracking_owners(cache_dir: Path, logs: list[LogSummary],
                     trackings: list[AppliedOffset]) -> dict[int, LogSummary]:
    """The log each tracking record belongs to (by name, else by alias resolution)."""
    by_name = {}
    for log in logs:
        by_name[log.log.lower()] = log
        by_name[log.name.lower()] = log
    owners = {}
    for t in trackings:
        log = by_name.get(t.github_repo.lower()) or by_name.get(_resolved(cache_dir, t.github_repo))
        if log is not None:
            owners[t.pk] = log
    return owners


def _resolved(cache_dir: Path, repo: str) -> str | None:
    try:
        path = repo_dir(Path(cache_dir), repo)
    except EventLogError:
        return None
    return f"{path.parent.name}/{path.name}".lower()


def _row(log: LogSummary | None, tracking: AppliedOffset | None, pr_counts: dict,
         quarantined: dict, now: datetime) -> dict[str, Any]:
    state = log.state if log is not None else FetchState()
    key = (tracking.team_id, tracking.github_repo) if tracking is not None else None
    applied = tracking.applied_offset if tracking is not None else None
    age = _age_days(state.synced_at, now)
    last = state.last_pass or {}
    return {
        "repo": log.name if log is not None else tracking.github_repo,
        "log": log.log if log is not None else None,
        "team": tracking.team.slug if tracking is not None else None,
        "log_error": log.error if log is not None else None,
        "prs_in_log": log.prs if log is not None else None,
        "prs_in_db": pr_counts.get(key, 0) if key else None,
        "last_seq": log.last_seq if log is not None else None,
        "applied_offset": applied,
        "lag": max(0, log.last_seq - applied) if log is not None and key else None,
        "last_pass": {k: last.get(k) for k in ("id", "mode", "status", "reason", "finished_at")}
        if last else None,
        "outcome": outcome(log, state),
        "last_error": last.get("error"),
        "synced_at": state.synced_at,
        "age_days": age,
        "stale": age is not None and age > STALE_AFTER.days,
        "update_pending": state.update_pending,
        "pass_in_progress": state.active is not None,
        "incomplete": incomplete_list(state.incomplete),
        "quarantined": quarantined.get(key, []) if key else [],
    }


def _age_days(synced_at: str | None, now: datetime) -> float | None:
    try:
        synced = parse_ts(synced_at)
    except ValueError:  # a timestamp this version cannot read: age unknown, not a crash
        return None
    return None if synced is None else round((now - synced).total_seconds() / 86400, 1)


def outcome(log: LogSummary | None, state: FetchState) -> str:
    """A few words on where the log's fetching stands (the last pass and what follows it)."""
    if log is None:
        return "log missing"
    if log.error is not None:
        return "log unreadable"
    last = state.last_pass or {}
    if state.update_pending:
        return "update pending"
    if state.active is not None:
        status = last.get("status")
        return status if status in ("failed", "stopped") else "in progress"
    if not last:
        return "no pass yet"
    reason = last.get("reason")
    return f"{last.get('status')} ({reason})" if reason else str(last.get("status"))


def attention(row: dict[str, Any]) -> list[str]:
    """What a person should look at for ``row``, one unescaped line each (the caller escapes):
    errors, a missing or untracked log, projection lag, staleness, pending work, incomplete and
    quarantined PRs."""
    where = row["repo"] + (f" (team {row['team']})" if row["team"] else "")
    lines = []
    if row["log_error"]:
        lines.append(f"{row['repo']}: log cannot be read: {row['log_error']}")
    if row["log"] is None:
        lines.append(f"{where}: tracked at offset {row['applied_offset']} but no log is left")
    elif row["team"] is None:
        lines.append(f"{row['repo']}: no team tracks this log yet (not projected)")
    if row["last_error"]:
        lines.append(f"{row['repo']}: last error: {row['last_error']}")
    if row["lag"]:
        lines.append(f"{where}: projection {row['lag']:,} records behind the log")
    if row["stale"]:
        lines.append(f"{row['repo']}: last complete sync {row['age_days']} days ago (stale); "
                     "--update fetches what changed")
    if row["update_pending"]:
        lines.append(f"{row['repo']}: an --update pass was interrupted; --update finishes it")
    lines += _listed(row["repo"], "incomplete", row["incomplete"], _missing_text)
    lines += _listed(where, "quarantined", row["quarantined"], lambda q: q["reason"])
    return lines


def _missing_text(item: dict[str, Any]) -> str:
    missing = ", ".join(f"{name} ({why})" for name, why in item["missing"].items())
    return f"{missing}; {plural(item['tries'], 'retry', 'retries')} so far"


def _listed(where: str, what: str, items: list[dict[str, Any]], text) -> list[str]:
    lines = [f"{where}#{item['number']}: {what}: {text(item)}" for item in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(f"{where}: and {len(items) - LISTED} more {what} PRs")
    return lines


def render(rows: list[dict[str, Any]]) -> list[str]:
    """The rows as a text table, then the lines needing attention (each once); every text
    from GitHub, a log or the database is escaped with ``printable``."""
    if not rows:
        return ["no logs yet: `seed_real_projects --project KEY` (or --repo OWNER/NAME) "
                "fetches some"]
    table = [COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) if i < 2 or i > 4 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()
             for r in table]
    notes = list(dict.fromkeys(printable(line, 400) for row in rows for line in attention(row)))
    return lines + ([""] + notes if notes else [])


def _cells(row: dict[str, Any]) -> tuple[str, ...]:
    last = row["last_pass"] or {}
    synced = "never" if row["age_days"] is None else f"{row['age_days']} d ago"
    return (printable(row["repo"], 50), printable(row["team"] or "-", 30),
            _number(row["prs_in_log"]), _number(row["prs_in_db"]), _number(row["lag"]),
            printable(f"{last.get('id') or '-'} {last.get('finished_at') or ''}".strip(), 40),
            printable(row["outcome"], 30), synced + (" STALE" if row["stale"] else ""))


def _number(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"

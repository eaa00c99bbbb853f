"""``seed_real_projects --cache-info``: what each repo's log holds and how far it is projected."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventlog import EventLog, repo_dir

from .fetch.state import FetchState, parse_ts
from .models import AppliedOffset


def repo_cache_info(cache_dir: Path, team_slug: str, repo: str,
                    now: datetime | None = None) -> dict[str, Any]:
    """A JSON-ready description of ``repo``'s log and its projection for ``team_slug``."""
    log = EventLog(repo_dir(cache_dir, repo))
    if not log.exists():
        return {"repo": repo, "team": team_slug, "exists": False}
    manifest = log.manifest()
    events, prs, last = 0, set(), None
    for record in log.read():
        last = record
        if record.type == "pr":
            events += 1
            prs.add(record.key)
    state = FetchState.from_meta(last.meta if last is not None and last.is_commit else {})
    next_seq = last.seq + 1 if last is not None else 0
    tracking = AppliedOffset.objects.filter(team__slug=team_slug, github_repo=repo).first()
    applied = tracking.applied_offset if tracking else -1
    synced = parse_ts(state.synced_at)
    now = now or datetime.now(UTC)
    return {
        "repo": repo, "team": team_slug, "exists": True,
        "bytes": sum((log.path / s.file).stat().st_size for s in manifest.segments),
        "events": events, "distinct_prs": len(prs), "next_seq": next_seq,
        "covered_since": state.covered_since, "covers_all_history": state.reached_end,
        "limited_to_prs": state.limit_prs, "synced_at": state.synced_at,
        "age_days": round((now - synced).total_seconds() / 86400, 1) if synced else None,
        "last_pass": state.last_pass, "pass_in_progress": state.active is not None,
        "complete": state.complete, "check_runs": state.check_runs,
        "applied_offset": applied, "projection_behind": max(0, next_seq - 1 - applied),
    }


def describe(info: dict[str, Any]) -> str:
    """Human-readable lines for one repo's cache info."""
    if not info["exists"]:
        return f"{info['repo']} (team {info['team']}): no log yet"
    window = ("all history" if info["covers_all_history"] else
              f"updated since {info['covered_since']}" if info["covered_since"] else
              f"newest {info['limited_to_prs']} PRs" if info["limited_to_prs"] else "nothing yet")
    last = info["last_pass"] or {}
    status = "complete" if info["complete"] else (
        "in progress (run again to resume)" if info["pass_in_progress"] else "none")
    age = f", {info['age_days']} days old" if info["age_days"] is not None else ""
    behind = info["projection_behind"]
    projection = "up to date" if behind == 0 else f"{behind} records behind the log"
    return "\n".join([
        f"{info['repo']} (team {info['team']}):",
        f"  log: {info['bytes']:,} bytes, {info['events']:,} events, "
        f"{info['distinct_prs']:,} distinct PRs, next seq {info['next_seq']}",
        f"  covers: {window}; synced at {info['synced_at'] or 'never'}{age}",
        f"  last pass: {last.get('id', '-')} {last.get('mode', '')} {last.get('status', '')} "
        f"at {last.get('finished_at', '-')}; fetch {status}",
        f"  projection: offset {info['applied_offset']} ({projection})",
    ])

"""``seed_real_projects --cache-info``: what each repo's log holds and how far it is projected.

The vocabulary is ``eventlog info``'s: ``records`` are every committed record (commit markers
included), ``events`` the records that are not markers; ``prs`` counts distinct PRs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eventlog import EventLog, repo_dir
from eventlog.manifest import log_bytes
from eventlog.text import printable

from .events import PR_TYPE
from .fetch.state import FetchState, parse_ts
from .models import AppliedOffset, QuarantinedPR
from .summary import incomplete_list


def repo_cache_info(cache_dir: Path, team_slug: str, repo: str,
                    now: datetime | None = None) -> dict[str, Any]:
    """A JSON-ready description of ``repo``'s log and its projection for ``team_slug``."""
    log = EventLog(repo_dir(cache_dir, repo))
    if not log.exists():
        return {"repo": repo, "team": team_slug, "exists": False}
    records, events, prs, last = 0, 0, set(), None
    for record in log.read():
        records += 1
        last = record
        events += not record.is_commit
        if record.type == PR_TYPE:
            prs.add(record.key)
    state = FetchState.from_meta(last.meta if last is not None and last.is_commit else {})
    name = state.name_with_owner or repo
    tracking = AppliedOffset.objects.filter(team__slug=team_slug, github_repo=name).first()
    applied = tracking.applied_offset if tracking else -1
    next_seq = last.seq + 1 if last is not None else 0
    synced = parse_ts(state.synced_at)
    now = now or datetime.now(UTC)
    return {
        "repo": repo, "name": name, "team": team_slug, "exists": True,
        "bytes": log_bytes(log.path, log.manifest()), "records": records, "events": events,
        "prs": len(prs),
        "next_seq": next_seq, "covered_since": state.covered_since,
        "covers_all_history": state.reached_end, "limited_to_prs": state.limit_prs,
        "synced_at": state.synced_at,
        "age_days": round((now - synced).total_seconds() / 86400, 1) if synced else None,
        "last_pass": state.last_pass, "pass_in_progress": state.active is not None,
        "update_pending": state.update_pending, "complete": state.complete,
        "check_runs": state.check_runs, "applied_offset": applied,
        "projection_behind": max(0, next_seq - 1 - applied) if tracking else None,
        "incomplete_prs": incomplete_list(state.incomplete),
        "quarantined_prs": [{"number": q.number, "seq": q.event_seq, "reason": q.reason}
                            for q in QuarantinedPR.objects.filter(
                                team__slug=team_slug, github_repo=name).order_by("number")],
    }


def describe(info: dict[str, Any]) -> str:
    """Human-readable lines for one repo's cache info (GitHub's text escaped)."""
    if not info["exists"]:
        return f"{printable(info['repo'])} (team {printable(info['team'])}): no log yet"
    window = ("all history" if info["covers_all_history"] else
              f"updated since {info['covered_since']}" if info["covered_since"] else
              f"newest {info['limited_to_prs']} PRs" if info["limited_to_prs"] else "nothing yet")
    last = info["last_pass"] or {}
    status = "complete" if info["complete"] else (
        "update pending (run with --update to finish it)" if info["update_pending"] else
        "in progress (run again to resume)" if info["pass_in_progress"] else "none")
    age = f", {info['age_days']} days old" if info["age_days"] is not None else ""
    behind = info["projection_behind"]
    projection = "not projected" if behind is None else \
        "up to date" if behind == 0 else f"{behind:,} records behind the log"
    lines = [
        f"{printable(info['name'], 200)} (team {printable(info['team'])}):",
        f"  log: {info['bytes']:,} bytes, {info['records']:,} records, {info['events']:,} "
        f"events, {info['prs']:,} PRs, next seq {info['next_seq']}",
        f"  covers: {window}; synced at {info['synced_at'] or 'never'}{age}",
        f"  last pass: {last.get('id', '-')} {last.get('mode', '')} {last.get('status', '')} "
        f"at {last.get('finished_at', '-')}; fetch {status}",
        f"  projection: offset {info['applied_offset']} ({projection})",
    ]
    if last.get("error"):
        lines.append(f"  last error: {printable(last['error'], 300)}")
    for item in info["incomplete_prs"][:20]:
        missing = ", ".join(f"{k} ({v})" for k, v in item["missing"].items())
        lines.append(f"  incomplete: #{item['number']}: {printable(missing, 200)}")
    for item in info["quarantined_prs"][:20]:
        lines.append(f"  quarantined: #{item['number']}: {printable(item['reason'], 200)}")
    return "\n".join(lines)

"""The end-of-run summary: one row per repository, then what needs attention and what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventlog.text import printable

from .advice import next_step, pending_update_note, warning_text
from .outcome import RepoOutcome

COLUMNS = ("repo", "team", "status", "fetched", "requests", "points", "waits", "PRs",
           "new", "updated", "unchanged", "removed")
Write = Callable[[str], None]
MESSAGE_WIDTH = 2000


def summary_rows(outcomes: list[RepoOutcome]) -> list[tuple[str, ...]]:
    rows = []
    for o in outcomes:
        p = o.projection
        waits = int(o.api.get("waits", 0) + o.api.get("retries", 0))
        counts = (p.in_window, p.created, p.updated, p.unchanged, p.removed) if p else ()
        rows.append((printable(o.name, 50), printable(o.team, 30), str(o.status),
                     str(o.fetched_prs), str(int(o.api.get("requests", 0))),
                     str(int(o.api.get("points", 0))), str(waits),
                     *(str(c) for c in counts or ("-",) * 5)))
    return rows


def print_summary(write: Write, heading: Callable[[str], str], error: Callable[[str], str],
                  outcomes: list[RepoOutcome]) -> None:
    """Write the summary table, the totals, then each repository's attention items."""
    rows = [COLUMNS, *summary_rows(outcomes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    write("")
    for i, row in enumerate(rows):
        text = "  ".join(cell.ljust(w) if j < 3 else cell.rjust(w)
                         for j, (cell, w) in enumerate(zip(row, widths, strict=True)))
        write(heading(text) if i == 0 else text)
    ok = sum(o.ok for o in outcomes)
    requests = sum(int(o.api.get("requests", 0)) for o in outcomes)
    write(f"{_n(len(outcomes), 'repository')}: {ok} ok, {len(outcomes) - ok} need attention; "
          f"{_n(requests, 'GitHub request')}")
    for o in outcomes:
        if o.projection is not None:
            write(f"{printable(o.name, 80)}: {o.projection.describe()}")
        for line in attention(o):
            write(error(line) if line.startswith(f"{o.name}: {o.status}") else line)


def attention(o: RepoOutcome) -> list[str]:
    """Lines about ``o`` a person should read: failure and next step, warnings, gaps."""
    name = printable(o.name, 80)
    lines = []
    if not o.ok and o.status != "ok":
        # o.message is cut to a few hundred characters where it is made (secrets.clean);
        # escaping may lengthen it up to six times, and its end says why the run stopped
        lines.append(f"{name}: {o.status}: {printable(o.message, MESSAGE_WIDTH)}; "
                     f"{next_step(o)}")
    for warning in o.fetch_warnings:
        lines.append(f"{name}: warning: {printable(warning_text(warning), 500)}")
    for note in o.notes:
        lines.append(f"{name}: {printable(note, 300)}")
    if o.update_pending and not any("still pending" in n for n in o.notes):
        lines.append(f"{name}: {pending_update_note()}")
    for number, why in o.quarantined[:20]:
        lines.append(f"{name}#{number}: quarantined: {printable(why, 300)}")
    if len(o.quarantined) > 20:
        lines.append(f"{name}: and {len(o.quarantined) - 20} more quarantined PRs")
    if o.quarantined:
        lines.append(f"{name}: {next_step(o)}")
    return lines


def outcome_json(o: RepoOutcome) -> dict[str, Any]:
    """The machine-readable form of ``o`` (``--json``)."""
    p = o.projection
    return {
        "repo": o.repo, "name": o.name, "team": o.team, "status": str(o.status),
        "ok": o.ok, "message": o.message, "next_step": None if o.ok else next_step(o),
        "fetched_prs": o.fetched_prs, "ci_events": o.ci_events, "api": o.api,
        "projection": None if p is None else {
            "in_window": p.in_window, "created": p.created, "updated": p.updated,
            "unchanged": p.unchanged, "removed": p.removed, "records": p.records},
        "warnings": [*o.warnings, *(warning_text(w) for w in o.fetch_warnings)],
        "incomplete_prs": incomplete_list(o.incomplete),
        "quarantined_prs": [{"number": n, "reason": r} for n, r in o.quarantined],
        "update_pending": o.update_pending,
    }


def incomplete_list(incomplete: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"number": int(n), "missing": entry.get("missing", {}),
             "tries": entry.get("tries", 0)}
            for n, entry in sorted(incomplete.items(), key=lambda kv: int(kv[0]))]


def _n(count: int, noun: str) -> str:
    plural = "repositories" if noun == "repository" else f"{noun}s"
    return f"{count:,} {noun if count == 1 else plural}"

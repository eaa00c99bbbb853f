"""The end-of-run summary: one row per repository and what to do about failures."""

from __future__ import annotations

from .service import RepoOutcome

COLUMNS = ("repo", "team", "status", "fetched", "requests", "points", "waits", "created",
           "updated", "unchanged")


def summary_rows(outcomes: list[RepoOutcome]) -> list[tuple[str, ...]]:
    rows = []
    for o in outcomes:
        p = o.projection
        rows.append((o.repo, o.team, o.status, str(o.fetched_prs),
                     str(int(o.api.get("requests", 0))), str(int(o.api.get("points", 0))),
                     str(int(o.api.get("waits", 0))), str(p.created if p else "-"),
                     str(p.updated if p else "-"), str(p.unchanged if p else "-")))
    return rows


def print_summary(stdout, style, outcomes: list[RepoOutcome]) -> None:
    """Write the summary table, then one line per repo that needs attention."""
    rows = [COLUMNS, *summary_rows(outcomes)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    stdout.write("")
    for i, row in enumerate(rows):
        text = "  ".join(cell.ljust(w) if j < 3 else cell.rjust(w)
                         for j, (cell, w) in enumerate(zip(row, widths, strict=True)))
        stdout.write(style.MIGRATE_HEADING(text) if i == 0 else text)
    ok = sum(o.ok for o in outcomes)
    stdout.write(f"{len(outcomes)} repositories: {ok} ok, {len(outcomes) - ok} not finished; "
                 f"{sum(int(o.api.get('requests', 0)) for o in outcomes)} GitHub requests")
    for o in outcomes:
        if o.projection is not None:
            stdout.write(f"{o.repo}: {o.projection.describe()}")
        if not o.ok:
            stdout.write(style.ERROR(f"{o.repo}: {o.status}: {o.message}"))

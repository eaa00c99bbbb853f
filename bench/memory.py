"""Benchmark 3: peak memory of projecting a log, small against 5x larger.

Each projection runs in a fresh process (``child.py``) into a fresh SQLite database; the figure
is that process's peak RSS at the end (``VmHWM``; ``ru_maxrss`` is recorded too, but on Linux
it inherits the parent's RSS at exec, see ``child.peak_rss_kb``). A streaming projector's peak
does not depend on the log's length: goal, the large log's peak within 20% of the small one's.
The growth over the process's RSS just before projecting (Django set up, team created) is shown
for context.
"""

from __future__ import annotations

from .context import Context
from .report import Row, Section, rate, times

GOAL = 1.2


def run(ctx: Context) -> Section:
    small, large = ctx.log(ctx.options.prs), ctx.log(ctx.options.large_prs)
    section = Section("memory")
    peaks = {}
    for log in (small, large):
        result = ctx.project("sqlite", log)
        peaks[log.summary.prs] = result["peak_rss_kb"]
        growth = result["peak_rss_kb"] - result["rss_setup_kb"]
        section.raw[str(log.summary.prs)] = result
        section.rows.append(Row("memory", f"peak RSS projecting {log.summary.prs:,} PRs: "
                                f"{mb(result['peak_rss_kb'])} (+{mb(growth)} over setup)"))
    ratio = peaks[large.summary.prs] / peaks[small.summary.prs]
    section.rows.append(Row("memory", f"{large.summary.prs:,} PRs: {mb(peaks[large.summary.prs])}",
                            f"{small.summary.prs:,} PRs: {mb(peaks[small.summary.prs])}",
                            times(ratio), f"<= {GOAL:g}x", ratio <= GOAL))
    section.rows.append(speed_row(section.raw[str(small.summary.prs)],
                                  section.raw[str(large.summary.prs)]))
    section.notes.append(f"logs of {small.summary.bytes / 1e6:,.0f} MB and "
                         f"{large.summary.bytes / 1e6:,.0f} MB; SQLite; fresh process each")
    return section


def speed_row(small: dict, large: dict) -> Row:
    """Context: does the projector slow down as the tables grow? (no goal)"""
    s, g = (r["prs"] / r["seconds"] for r in (small, large))
    return Row("memory (speed)", f"projector at {large['prs']:,} PRs: {rate(g, 'PR/s')}",
               f"at {small['prs']:,} PRs: {rate(s, 'PR/s')}", times(g / s))


def mb(kib: float) -> str:
    return f"{kib / 1024:,.0f} MiB"

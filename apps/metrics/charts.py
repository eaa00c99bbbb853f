"""Merged pull requests per week and their median cycle time, for the chart above the admin's
PR list. Two queries whatever the data (the weeks are grouped in the database with
``TruncWeek``; the median reads at most two values at its offset), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

WEEKS, HEIGHT, STEP = 26, 80, 14   # bars, chart height and bar pitch in SVG units


def week_start(now: datetime, weeks_back: int = WEEKS - 1) -> datetime:
    """Midnight on the Monday ``weeks_back`` weeks before the week of ``now`` (current zone)."""
    now = timezone.localtime(now)
    monday = now - timedelta(days=now.weekday(), weeks=weeks_back)
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def merged_per_week(queryset: QuerySet, now: datetime | None = None) -> dict[str, Any]:
    """PRs of ``queryset`` merged in each of the last ``WEEKS`` weeks (this one included, empty
    weeks as 0) and the median ``cycle_time_hours`` of those with one (None when none has), with
    the bars' SVG geometry. ``queryset`` may be filtered and ordered any way."""
    start = week_start(now or timezone.now())
    merged = queryset.filter(merged_at__gte=start)
    per_week = {row["week"].date(): row for row in merged.annotate(week=TruncWeek("merged_at"))
                .values("week").annotate(n=Count("id"), timed=Count("cycle_time_hours"))
                .order_by("week")}
    weeks = [(start + timedelta(weeks=i)).date() for i in range(WEEKS)]
    counts = [per_week.get(week, {}).get("n", 0) for week in weeks]
    timed = sum(row["timed"] for row in per_week.values())
    return {"bars": _bars(weeks, counts), "merged": sum(counts), "peak": max(counts),
            "timed": timed, "median_hours": _median_cycle_time(merged, timed),
            "start": weeks[0], "width": WEEKS * STEP, "height": HEIGHT}


def _bars(weeks: list[date], counts: list[int]) -> list[dict[str, Any]]:
    scale = HEIGHT / (max(counts) or 1)
    return [{"week": week, "count": n, "x": i * STEP, "height": round(n * scale),
             "y": HEIGHT - round(n * scale)} for i, (week, n) in enumerate(zip(weeks, counts,
                                                                                strict=True))]


def _median_cycle_time(merged: QuerySet, n: int) -> float | None:
    """The median of the ``n`` non-null cycle times of ``merged``, read at its offset."""
    if n == 0:
        return None
    middle = list(merged.exclude(cycle_time_hours=None).order_by("cycle_time_hours")
                  .values_list("cycle_time_hours", flat=True)[(n - 1) // 2: n // 2 + 1])
    return round(sum(middle) / len(middle), 1) if middle else None

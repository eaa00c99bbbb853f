"""Benchmark 8: what re-polling pending CI costs an ``--update``.

A check run finishing does not move its PR's ``updatedAt``, so ``--update`` fetches again, by
head-commit id and ``IDS_PER_REQUEST`` (50) commits per request, the CI of every PR whose logged
CI is not final (``apps.seeding.fetch.ci_repoll``). For each N: a fake GitHub (in process,
``fetchpass.py``) serving ``DATASET_PRS`` typical PRs updated over the last 30 days, CI started
(``start_checks``: an in-progress suite and a pending status) on N PRs still open or closed less
than 3 days ago; a full pass into a new log; then the CI of those N PRs finished
(``finish_checks``, ``updatedAt`` unchanged); then an ``--update``, whose requests are counted.
The generated data has some PRs with running CI of its own: "due" counts every head commit the
re-poll has to ask about. Goal: ``ceil(due / 50)`` re-poll requests (plus follow-ups for check
suites longer than a page, none here) besides the update's one page, where one request per PR
would cost ``due``. The ``--update`` also retries the PRs the full pass recorded incomplete (the
data's random nulls): counted apart.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from .context import Context
from .fetchpass import fake_github, run_pass
from .report import Row, Section

REPO = "bench-org/ci"
DATASET_PRS = 600
DAYS = 30


def candidates(dataset: dict, now: datetime, count: int) -> list[int]:
    """``count`` PR numbers the re-poll would follow: open, or closed less than 3 days ago."""
    from apps.seeding.fetch.ci_repoll import CLOSED_GRACE

    picked = []
    for pr in dataset["repos"][REPO]["pullRequests"]:
        closed = pr.get("closedAt")
        if closed is None or now - datetime.fromisoformat(closed) <= CLOSED_GRACE:
            picked.append(pr["number"])
    if len(picked) < count:
        raise RuntimeError(f"only {len(picked)} PRs qualify for a re-poll, {count} asked")
    return picked[:count]


def measure(ctx: Context, count: int, now: datetime) -> dict[str, Any]:
    from apps.seeding.fetch.ci_repoll import pending_ci
    from eventlog import EventLog
    from tests.fakegithub import finish_checks, generate_dataset, start_checks

    data = generate_dataset({REPO: DATASET_PRS}, seed=ctx.options.seed, now=now, days=DAYS,
                            huge=0)
    numbers = candidates(data, now, count)
    for number in numbers:
        start_checks(data, REPO, number, now=now - timedelta(minutes=5))
    gh = fake_github(data)
    try:
        log_dir = ctx.workspace.scratch(f"repoll-{count}") / "log"
        full = run_pass(gh, REPO, log_dir)
        due = len(pending_ci(EventLog(log_dir), datetime.now(UTC)))
        gh.mutate(lambda d: [finish_checks(d, REPO, n, now=now) for n in numbers])
        update = run_pass(gh, REPO, log_dir, update=True)
        shapes = [r["shape"] for r in gh.stats.records]
    finally:
        gh.stop()
    polls = sum("nodes" in s.split("+") for s in shapes)
    return {"pending": count, "due": due, "full_requests": full.requests,
            "update_requests": update.requests, "update_points": update.points,
            "pages": update.pages, "polls": polls,
            "others": update.requests - update.pages - polls}


def run(ctx: Context) -> Section:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    section = Section("repoll")
    for count in ctx.options.repoll_counts:
        ctx.say(f"repoll: --update with CI pending on {count} PRs")
        section.raw[str(count)] = m = measure(ctx, count, now)
        expected = math.ceil(m["due"] / 50)
        section.rows.append(Row(
            "ci re-poll (--update)", f"{count} PRs pending ({m['due']} due): {m['polls']} "
            f"re-poll requests; the --update sent {m['update_requests']} ({m['pages']} page, "
            f"{m['others']} retrying incomplete PRs), {m['update_points']} points",
            f"one request per PR: {m['due']}", f"{m['polls'] / max(1, m['due']):.2f}x",
            f"<= ceil(due/50) = {expected}", m["polls"] <= expected and m["pages"] == 1))
    section.notes.append(
        f"{DATASET_PRS} typical PRs over the last {DAYS} days, CI started on N PRs before the "
        "full pass and finished before the --update (updatedAt unchanged); due = head commits "
        "whose logged CI is pending (the N plus the data's own running CI); requests counted by "
        "the server")
    return section

"""CI changing on a head commit without the PR's ``updatedAt`` moving, as on GitHub.

Check runs completing and statuses being posted do not touch the pull request, so a client
that only re-reads PRs whose ``updatedAt`` moved keeps stale CI. These helpers change every
copy of the head commit (every PR listing it sees the change) and leave ``updatedAt`` alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .ci import creator
from .cistate import PASSING, refresh_status, refresh_suite
from .editbase import head_commits, max_id, repo_data, unique
from .edits import new_suite
from .ids import node_id
from .timeutil import iso

PENDING_STATES = frozenset({"PENDING", "EXPECTED"})


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def finish_checks(dataset: dict, repo: str, number: int, *, conclusion: str = "SUCCESS",
                  now: datetime | None = None) -> dict:
    """Complete every unfinished check run of PR ``number``'s head commit with ``conclusion``
    (``completedAt`` = ``now``, default: the current time), turn its ``PENDING``/``EXPECTED``
    status contexts to ``SUCCESS`` (``FAILURE`` for a failing ``conclusion``), recompute suite
    and combined states. ``updatedAt`` does not move. Return ``{"runs": n, "statuses": m}``,
    the number of runs and contexts changed."""
    stamp = iso(_now(now))
    heads = head_commits(dataset, repo, number)
    runs = unique(run for head in heads for suite in head.get("checkSuites") or []
                  for run in suite["checkRuns"] if run["status"] != "COMPLETED")
    for run in runs:
        run.update(status="COMPLETED", conclusion=conclusion, completedAt=stamp,
                   startedAt=run.get("startedAt") or stamp)
    state = "SUCCESS" if conclusion in PASSING else "FAILURE"
    contexts = unique(c for head in heads for c in (head.get("status") or {}).get("contexts", ())
                      if c["state"] in PENDING_STATES)
    for context in contexts:
        context.update(state=state, createdAt=stamp)
    _refresh(heads)
    return {"runs": len(runs), "statuses": len(contexts)}


def start_checks(dataset: dict, repo: str, number: int, *, runs: int = 2, statuses: int = 1,
                 now: datetime | None = None) -> dict:
    """Start CI on PR ``number``'s head commit: one new in-progress check suite with ``runs``
    in-progress runs (fresh ids) and ``statuses`` new ``PENDING`` status contexts. States are
    recomputed; ``updatedAt`` does not move. Return the head commit (one copy)."""
    moment = _now(now)
    heads = head_commits(dataset, repo, number)
    repo_db = repo_data(dataset, repo)["databaseId"]
    suite = new_suite(dataset, repo_db, moment, runs) if runs else None
    contexts = [_pending_context(dataset, repo_db, moment, i) for i in range(statuses)]
    for head in heads:
        if suite is not None:
            head["checkSuites"] = [*(head.get("checkSuites") or []), suite]
        if contexts:
            status = head.get("status") or {"state": "PENDING", "contexts": []}
            status["contexts"] = [*status["contexts"], *contexts]
            head["status"] = status
    _refresh(heads)
    return heads[0]


def _pending_context(dataset: dict, repo_db: int, moment: datetime, index: int) -> dict:
    serial = max_id(dataset, "run") + 1 + index
    return {"id": node_id("StatusContext", repo_db, "pending", serial, iso(moment)),
            "context": f"ci/fake: job-{serial}", "state": "PENDING",
            "description": "Your tests are queued behind your running builds",
            "targetUrl": f"https://ci.example.com/jobs/{serial}", "createdAt": iso(moment),
            "creator": creator("circleci")}


def _refresh(heads: list[dict]) -> None:
    for head in heads:
        for suite in head.get("checkSuites") or []:
            refresh_suite(suite)
        refresh_status(head.get("status"))

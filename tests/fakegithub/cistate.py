"""How CI results combine: a check suite's status and conclusion, a legacy combined commit
status, and the ``statusCheckRollup`` of a commit. Pure functions over dataset dicts.

The fake's rules (GitHub documents the outcomes, not the algorithm):

* suite: ``QUEUED`` without runs; ``IN_PROGRESS``/``QUEUED`` while a run is not completed
  (``IN_PROGRESS`` if any run is); else ``COMPLETED`` with the most severe run conclusion.
* combined status and rollup: the most severe of ``ERROR``, ``FAILURE``, ``PENDING``,
  ``EXPECTED``, ``SUCCESS`` over the contexts. A check run counts as ``PENDING`` until
  completed, ``SUCCESS`` for ``SUCCESS``/``NEUTRAL``/``SKIPPED``, else ``FAILURE`` (unknown,
  newer conclusions included).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

SEVERITY = ["FAILURE", "TIMED_OUT", "STARTUP_FAILURE", "CANCELLED", "ACTION_REQUIRED", "STALE",
            "SUCCESS", "NEUTRAL", "SKIPPED"]
STATE_SEVERITY = ["ERROR", "FAILURE", "PENDING", "EXPECTED", "SUCCESS"]
PASSING = frozenset({"SUCCESS", "NEUTRAL", "SKIPPED"})


def _severity(conclusion: str | None) -> int:
    return SEVERITY.index(conclusion) if conclusion in SEVERITY else -1


def suite_outcome(runs: list[dict]) -> tuple[str, str | None]:
    """``(status, conclusion)`` of a check suite holding ``runs``."""
    if not runs:
        return "QUEUED", None
    if any(run["status"] != "COMPLETED" for run in runs):
        busy = any(run["status"] == "IN_PROGRESS" for run in runs)
        return ("IN_PROGRESS" if busy else "QUEUED"), None
    return "COMPLETED", min((run["conclusion"] for run in runs), key=_severity)


def refresh_suite(suite: dict) -> None:
    """Recompute ``status`` and ``conclusion`` of ``suite`` from its runs."""
    suite["status"], suite["conclusion"] = suite_outcome(suite.get("checkRuns") or [])


def run_state(run: dict) -> str:
    """A check run as a ``StatusState``."""
    if run["status"] != "COMPLETED":
        return "PENDING"
    return "SUCCESS" if run.get("conclusion") in PASSING else "FAILURE"


def combined_state(states: Iterable[str]) -> str | None:
    """The most severe of ``states`` (``None`` when there are none)."""
    ranked = [STATE_SEVERITY.index(s) if s in STATE_SEVERITY else 1 for s in states]
    return STATE_SEVERITY[min(ranked)] if ranked else None


def refresh_status(status: dict | None) -> None:
    """Recompute the combined ``state`` of a legacy commit ``status`` from its contexts."""
    if status is not None:
        status["state"] = combined_state(c["state"] for c in status["contexts"]) or "PENDING"


def check_runs(commit: dict) -> Iterator[dict]:
    """Every check run of ``commit``, suite by suite."""
    for suite in commit.get("checkSuites") or ():
        yield from suite.get("checkRuns") or ()


def rollup_contexts(commit: dict) -> list[tuple[str, dict]]:
    """``(typename, dict)`` of every rollup context: check runs, then status contexts."""
    runs = [("CheckRun", run) for run in check_runs(commit)]
    contexts = [("StatusContext", c) for c in (commit.get("status") or {}).get("contexts", ())]
    return runs + contexts


def rollup_state(commit: dict) -> str | None:
    """``statusCheckRollup.state`` of ``commit``; ``None`` when it has no CI at all."""
    states = [run_state(item) if kind == "CheckRun" else item["state"]
              for kind, item in rollup_contexts(commit)]
    return combined_state(states)

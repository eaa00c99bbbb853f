"""Which pass runs next: resume, update, backfill, full, or nothing (0 API calls)."""

from dataclasses import replace
from datetime import UTC, datetime

from apps.seeding.fetch.state import FetchRequest, FetchState

SINCE = datetime(2026, 6, 1, tzinfo=UTC)
EARLIER = datetime(2026, 1, 1, tzinfo=UTC)


def completed(since=SINCE, reason="window", prs=100, max_prs=None):
    """The state after one full pass for (since, max_prs) ended for ``reason``."""
    request = FetchRequest(since=since, max_prs=max_prs)
    state = FetchState().start(FetchState().next_pass(request, update_done=False), request)
    p = replace(state.active, started_at="2026-11-20T00:00:00Z", prs=prs, cursor="c-last")
    return state.finish(p, reason, "c-before-last", "2026-11-20T01:00:00Z")


def started():
    request = FetchRequest(since=SINCE)
    return FetchState().start(FetchState().next_pass(request, update_done=False), request)


def test_empty_log_needs_a_full_pass():
    plan = FetchState().next_pass(FetchRequest(since=SINCE), update_done=False)
    assert (plan.mode, plan.cursor, plan.resume) == ("full", None, False)


def test_complete_log_covering_the_window_needs_nothing():
    state = completed()
    assert state.complete
    assert state.next_pass(FetchRequest(since=SINCE), update_done=False) is None
    later = datetime(2026, 7, 1, tzinfo=UTC)  # a narrower window is covered too
    assert state.next_pass(FetchRequest(since=later), update_done=False) is None


def test_wider_window_backfills_from_the_boundary_cursor():
    plan = completed().next_pass(FetchRequest(since=EARLIER), update_done=False)
    assert (plan.mode, plan.cursor, plan.since) == ("backfill", "c-before-last",
                                                    "2026-01-01T00:00:00Z")


def test_update_fetches_since_the_last_complete_pass_started_once():
    state = completed()
    plan = state.next_pass(FetchRequest(since=SINCE, update=True), update_done=False)
    assert (plan.mode, plan.since, plan.cursor) == ("update", "2026-11-20T00:00:00Z", None)
    assert state.next_pass(FetchRequest(since=SINCE, update=True), update_done=True) is None


def test_an_interrupted_pass_is_resumed_first_and_is_never_complete():
    state = started()
    state = state.interrupted(state.active, "failed", "boom", "2026-11-20T00:00:00Z")
    assert not state.complete
    plan = state.next_pass(FetchRequest(since=EARLIER, update=True), update_done=False)
    assert plan.resume and plan.mode == "full"


def test_max_prs_cut_is_covered_for_the_same_limit_but_backfills_for_more():
    state = completed(reason="limit", prs=20, max_prs=20)
    assert state.limit_prs == 20 and state.covered_since is None
    assert state.next_pass(FetchRequest(since=SINCE, max_prs=20), update_done=False) is None
    plan = state.next_pass(FetchRequest(since=SINCE, max_prs=50), update_done=False)
    assert (plan.mode, plan.max_prs) == ("backfill", 30)


def test_reaching_the_oldest_pr_covers_every_window():
    state = completed(reason="end")
    assert state.next_pass(FetchRequest(since=None), update_done=False) is None


def test_state_round_trips_through_commit_meta():
    state = started()
    meta = state.to_meta()
    assert FetchState.from_meta(meta) == state and meta["complete"] is False
    assert FetchState.from_meta({}) == FetchState()

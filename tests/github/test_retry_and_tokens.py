"""Retry policy (pure) and the sticky token pool."""

import random
import threading

import pytest

from apps.seeding.fetch.github.errors import (
    AuthError,
    BadResponseError,
    ClientConfigError,
    GraphQLError,
    MissingTokenError,
    RateLimitError,
    SecondaryRateLimitError,
    ServerError,
    TransportError,
)
from apps.seeding.fetch.github.retry import Action, Attempts, RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool, parse_tokens, redact

NOW = 1_000_000.0
policy = RetryPolicy(backoff_base=1, backoff_cap=30, secondary_min=60, max_wait=600)


def test_primary_rate_limit_waits_until_reset():
    d = policy.decide(RateLimitError("x", reset_at=NOW + 100), Attempts(), NOW)
    assert d.action is Action.WAIT and 100 <= d.delay <= 102


def test_rate_limit_beyond_max_wait_stops():
    d = policy.decide(RateLimitError("x", reset_at=NOW + 5000), Attempts(), NOW)
    assert d.action is Action.TOO_LONG


def test_secondary_limit_honours_retry_after_else_backs_off_from_a_minute():
    e = SecondaryRateLimitError("x", retry_after=7)
    assert policy.decide(e, Attempts(secondary=1), NOW).delay == 7
    bare = SecondaryRateLimitError("x", retry_after=None)
    assert policy.decide(bare, Attempts(secondary=1), NOW).delay == 60
    assert policy.decide(bare, Attempts(secondary=3), NOW).delay == 240


def test_secondary_limit_with_zero_budget_waits_for_reset():
    e = SecondaryRateLimitError("x", retry_after=None, headers={
        "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW + 300))})
    assert 300 <= policy.decide(e, Attempts(secondary=1), NOW).delay <= 302


def test_repeated_timeouts_ask_to_shrink_only_when_allowed():
    e = ServerError("502", status=502)
    assert policy.decide(e, Attempts(transient=1, timeouts_in_row=1), NOW,
                         can_shrink=True).action is Action.RETRY
    assert policy.decide(e, Attempts(transient=2, timeouts_in_row=2), NOW,
                         can_shrink=True).action is Action.SHRINK
    assert policy.decide(e, Attempts(transient=2, timeouts_in_row=2), NOW,
                         can_shrink=False).action is Action.RETRY


@pytest.mark.parametrize("error", [ServerError("500", status=500), TransportError("drop"),
                                   BadResponseError("html")])
def test_transient_errors_retry_with_capped_jittered_backoff_then_fail(error):
    rng = random.Random(1)
    delays = [policy.decide(error, Attempts(transient=n), NOW, rng=rng).delay
              for n in range(1, 6)]
    assert all(0 < d <= 30 for d in delays)
    assert delays[4] >= 8  # grows: attempt 5 is between 8 and 16
    assert policy.decide(error, Attempts(transient=6), NOW).action is Action.FAIL


def test_final_errors_are_not_retried():
    assert policy.decide(GraphQLError("bad field"), Attempts(transient=1),
                         NOW).action is Action.FAIL
    assert policy.decide(AuthError("401"), Attempts(transient=1), NOW).action is Action.FAIL


def test_pool_without_tokens_is_a_missing_token_error():
    with pytest.raises(MissingTokenError, match="no GitHub token configured"):
        TokenPool(["", "  "])


def test_pool_is_sticky_until_low_then_moves_on_and_recovers_after_reset():
    clock = [NOW]
    pool = TokenPool(["a", "b"], low_water=10, clock=lambda: clock[0])
    first = pool.current()
    pool.observe(first, {"x-ratelimit-remaining": "500", "x-ratelimit-reset": str(int(NOW + 60))})
    assert pool.current() is first
    pool.observe(first, {"x-ratelimit-remaining": "5", "x-ratelimit-reset": str(int(NOW + 60))})
    second = pool.current()
    assert second is not first and second.secret == "b"
    pool.exhausted(second, NOW + 30)
    assert pool.current() is first  # low but not empty beats empty
    pool.exhausted(first, NOW + 60)
    assert pool.current() is None and pool.earliest_reset() == NOW + 30
    clock[0] = NOW + 31
    assert pool.current() is second


def test_rejected_tokens_are_dropped_and_the_last_one_raises():
    pool = TokenPool(["a", "b"])
    pool.reject(pool.tokens[0])
    assert pool.current().secret == "b"
    with pytest.raises(AuthError, match="rejected every token"):
        pool.reject(pool.tokens[1])


def test_labels_never_contain_the_secret_and_redact_hides_it():
    pool = TokenPool(["ghp_secret123"])
    assert "ghp_" not in pool.tokens[0].label
    assert redact("boom ghp_secret123 boom", pool.secrets) == "boom *** boom"


def test_tokens_are_separated_by_commas_spaces_and_newlines_and_deduplicated():
    assert parse_tokens("a,b\nc  d\r\n\ta,") == ["a", "b", "c", "d"]
    assert parse_tokens(None) == parse_tokens("") == []


@pytest.mark.parametrize("raw, detail", [
    ("good,ba\x07d", "token 2 of 2 contains a control character (U+0007 at position 3)"),
    ("\u200bghp_zero_width", "token 1 of 1 contains a non-ASCII character (U+200B at position 1)"),
    ("x,y,caf\u00e9", "token 3 of 3 contains a non-ASCII character (U+00E9 at position 4)"),
])
def test_a_token_with_a_stray_character_is_refused_by_position_never_by_value(raw, detail):
    with pytest.raises(ClientConfigError) as info:
        parse_tokens(raw)
    assert detail in str(info.value) and "ghp_" not in str(info.value)


def test_tokens_of_one_user_share_one_budget():
    clock = [NOW]
    pool = TokenPool(["a", "b", "c"], clock=lambda: clock[0], low_water=10)
    a, b, c = pool.tokens
    for token, user in ((a, "alice"), (b, "alice"), (c, "bob")):
        pool.observe(token, {"x-ratelimit-remaining": "4000"}, user=user)
    pool.exhausted(a, NOW + 60)
    assert pool.budgets()["alice"].remaining == 0 and pool.budgets()["bob"].remaining == 4000
    assert pool.current() is c  # b is alice's too: spent as well


def test_a_token_resting_after_a_secondary_limit_is_avoided_by_every_job():
    clock = [NOW]
    pool = TokenPool(["a", "b"], clock=lambda: clock[0])
    pool.rest(pool.tokens[0], 30)
    assert pool.current() is pool.tokens[1]
    pool.rest(pool.tokens[1], 10)
    assert pool.current() is None and pool.earliest_reset() == NOW + 10
    clock[0] += 11
    assert pool.current() is pool.tokens[1]


def test_at_most_max_in_flight_requests_per_token_wait_for_a_free_slot():
    pool = TokenPool(["a"], max_in_flight=2)
    first, second = pool.acquire(), pool.acquire()
    assert first is second is pool.tokens[0]
    assert pool.acquire(timeout=0.05) is None  # both slots busy
    got = []
    waiter = threading.Thread(target=lambda: got.append(pool.acquire(timeout=5)))
    waiter.start()
    pool.release(first)
    waiter.join(5)
    assert got == [pool.tokens[0]]

"""The client against a scripted transport: retries, waits, token switching, accounting."""

import json

import pytest
import requests

from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.errors import (
    AuthError,
    QueryTimeoutError,
    RetriesExhaustedError,
    WaitTooLongError,
)
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool

NOW = 1_700_000_000.0


class FakeBody:
    """The streamed body of a response, in chunks (what ``requests``' ``raw`` offers)."""

    def __init__(self, content: bytes, chunks: int = 1):
        size = max(1, len(content) // chunks)
        self.parts = [content[i:i + size] for i in range(0, len(content), size)]
        self.read_calls = 0

    def read1(self, amount, decode_content=True):
        self.read_calls += 1
        return self.parts.pop(0) if self.parts else b""


class FakeResponse:
    def __init__(self, status, payload, headers=None, chunks=1):
        self.status_code = status
        self.content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.chunks = chunks
        self.headers = {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": str(int(NOW + 600)),
                        "date": "Sat, 28 Nov 2026 19:00:00 GMT", **(headers or {})}

    @property
    def raw(self):
        if getattr(self, "_raw", None) is None:
            self._raw = FakeBody(self.content, self.chunks)
        return self._raw

    def close(self):
        self.closed = True


class ScriptedSession:
    """Answers each post with the next scripted response (or raises it)."""

    def __init__(self, script):
        self.script = list(script)
        self.sent = []

    def post(self, url, json=None, timeout=None, headers=None, stream=False):
        self.sent.append(headers["Authorization"].split()[1])
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def ok():
    return FakeResponse(200, {"data": {"rateLimit": {"cost": 3}, "x": 1}})


def make(script, tokens=("t1",), max_bytes=1 << 20, **policy):
    clock = [NOW]
    waits = []

    def sleep(seconds, reason):
        waits.append((round(seconds), reason))
        clock[0] += seconds

    session = ScriptedSession(script)
    client = GraphQLClient("http://fake/graphql", TokenPool(list(tokens), clock=lambda: clock[0]),
                           policy=RetryPolicy(backoff_base=0.01, **policy), session=session,
                           clock=lambda: clock[0], sleep=sleep, max_bytes=max_bytes)
    return client, session, waits


def test_success_counts_request_and_points_and_reads_server_date():
    client, _, _ = make([ok()])
    response = client.execute("q", {})
    assert response.data["x"] == 1 and response.cost == 3
    assert client.stats.requests == 1 and client.stats.points == 3
    assert response.server_time.year == 2026


def test_transient_failures_are_retried_then_succeed():
    client, _, waits = make([requests.ConnectionError("reset"), FakeResponse(500, b"oops"), ok()])
    client.execute("q", {})
    assert client.stats.requests == 3 and client.stats.retries == 2 and len(waits) == 2


def test_persistent_failures_exhaust_retries_with_a_clear_error():
    client, _, _ = make([FakeResponse(503, b"down")] * 3, max_attempts=3)
    with pytest.raises(RetriesExhaustedError, match="gave up after 3 attempts"):
        client.execute("q", {})


def test_timeouts_twice_in_a_row_raise_shrink_signal():
    timeout = FakeResponse(502, b"<html>502</html>")
    client, _, _ = make([timeout, timeout])
    with pytest.raises(QueryTimeoutError):
        client.execute("q", {}, can_shrink=True)
    assert client.stats.shrinks == 1


def test_rate_limit_switches_to_a_token_with_budget_without_waiting():
    limited = FakeResponse(200, {"errors": [{"type": "RATE_LIMITED", "message": "limit"}]},
                           {"x-ratelimit-remaining": "0"})
    client, session, waits = make([limited, ok()], tokens=("t1", "t2"))
    client.execute("q", {})
    assert session.sent == ["t1", "t2"] and waits == [] and client.stats.token_switches == 1


def test_rate_limit_with_all_tokens_exhausted_waits_for_reset():
    limited = FakeResponse(200, {"errors": [{"type": "RATE_LIMIT", "code": "graphql_rate_limit",
                                             "message": "limit"}]},
                           {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW + 90))})
    client, _, waits = make([limited, ok()])
    client.execute("q", {})
    assert waits and 90 <= waits[0][0] <= 92 and client.stats.rate_limit_waits == 1


def test_rate_limit_wait_beyond_max_wait_raises_with_resume_time():
    limited = FakeResponse(200, {"errors": [{"type": "RATE_LIMITED", "message": "limit"}]},
                           {"x-ratelimit-remaining": "0",
                            "x-ratelimit-reset": str(int(NOW + 9000))})
    client, _, _ = make([limited], max_wait=60)
    with pytest.raises(WaitTooLongError) as info:
        client.execute("q", {})
    assert info.value.resume_at >= NOW + 9000


def test_a_rejected_token_is_skipped_and_all_rejected_is_auth_error():
    bad = FakeResponse(401, {"message": "Bad credentials"})
    client, session, _ = make([bad, ok()], tokens=("bad", "good"))
    client.execute("q", {})
    assert session.sent == ["bad", "good"]
    client, _, _ = make([bad, bad], tokens=("b1", "b2"))
    with pytest.raises(AuthError, match="rejected every token"):
        client.execute("q", {})


@pytest.mark.parametrize("text", [
    "failed with header Authorization: bearer t1-se/cret",          # raw
    "Invalid header value b'bearer t1-se/cret\\n'",                 # repr-escaped
    "GET https://x.invalid/?token=t1-se%2Fcret",                    # URL-encoded
    "connect to https://user:t1-se/cret@x.invalid/graphql failed",  # in a URL's userinfo
])
def test_transport_errors_never_carry_the_token_in_any_form(text):
    err = requests.ConnectionError(text)
    client, _, _ = make([err] * 2, tokens=("t1-se/cret",), max_attempts=2)
    with pytest.raises(RetriesExhaustedError) as info:
        client.execute("q", {})
    assert "t1-se" not in str(info.value) and "%2F" not in str(info.value)


def test_partial_errors_come_back_with_the_data_and_the_viewer_is_learnt():
    partial = FakeResponse(200, {"data": {"viewer": {"login": "octo"}, "repository": None},
                                 "errors": [{"type": "NOT_FOUND", "path": ["repository"],
                                             "message": "Could not resolve"}]})
    client, _, _ = make([partial])
    response = client.execute("q", {})
    assert response.data["repository"] is None
    assert [(e.type, e.path) for e in response.errors] == [("NOT_FOUND", ("repository",))]
    assert client.pool.tokens[0].user == "octo"


def test_a_body_past_the_maximum_size_is_abandoned_and_retried_as_transient():
    huge = [FakeResponse(200, b"[" * 5000, chunks=50) for _ in range(2)]
    client, _, _ = make(huge, max_bytes=1000, max_attempts=2)
    with pytest.raises(RetriesExhaustedError, match="maximum size of 1,000 bytes"):
        client.execute("q", {})
    assert all(r.raw.read_calls <= 11 and r.closed for r in huge)  # stopped at the limit

"""Building the engine's HTTP responses: rate-limit headers, fault bodies, final rewrites."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import errors
from .accounts import Identity
from .faults import FaultPlan
from .jsontext import encode
from .ratelimit import Budget, RateLimiter
from .request import Prepared
from .responses import HTML_TYPE, HttpResponse, json_response
from .tamper import corrupt_enum
from .transport import hostile_error_body, huge_body_stream, inject_lone_surrogate


@dataclass
class Exchange:
    """Bookkeeping for one request while it is served."""

    number: int
    request_id: str
    identity: Identity | None = None
    prepared: Prepared | None = None
    budget: Budget | None = None
    fault: str | None = None
    charged: int = 0
    simulated_ms: float | None = None
    timed_out: bool = False
    active: bool = False
    error_types: list[str] = field(default_factory=list)

    @property
    def token_key(self) -> str | None:
        """sha256 prefix of the token (what stats show)."""
        return self.identity.token_key if self.identity else None

    @property
    def budget_key(self) -> str | None:
        """Whose budget the request spends (the user behind the token)."""
        return self.identity.budget_key if self.identity else None


def label(error: dict) -> str:
    """How an error is listed in request records: its type, else its message."""
    return error.get("type") or error.get("message", "")[:160]


class Responder:
    """Turns bodies into responses with the headers GitHub sends, and applies body faults."""

    def __init__(self, limiter: RateLimiter, faults: FaultPlan):
        self.limiter = limiter
        self.faults = faults

    def headers(self, exchange: Exchange, remaining: int | None = None) -> dict[str, str]:
        """``x-github-request-id`` plus the caller's ``x-ratelimit-*`` headers."""
        headers = {"x-github-request-id": exchange.request_id}
        if exchange.budget is None and exchange.budget_key:
            exchange.budget = self.limiter.budget(exchange.budget_key)
        if exchange.budget is not None:
            headers.update(exchange.budget.headers(remaining))
        return headers

    def json(self, exchange: Exchange, status: int, body: object, extra: dict | None = None,
             remaining: int | None = None) -> HttpResponse:
        """A JSON response with GitHub's headers."""
        return json_response(status, body, self.headers(exchange, remaining) | (extra or {}))

    def secondary(self, exchange: Exchange, kind: str) -> HttpResponse:
        """A secondary rate limit: 403 (or a GraphQL error at 200 for ``secondary_200``)."""
        retry = self.faults.retry_after
        extra = {} if retry is None else {"retry-after": str(retry)}
        if kind == "secondary_200":
            message = errors.secondary_message(exchange.request_id)
            return self.json(exchange, 200, errors.graphql_errors(message), extra)
        return self.json(exchange, 403, errors.secondary_limited(exchange.request_id), extra)

    def replaced(self, exchange: Exchange, kind: str) -> HttpResponse:
        """The response of a fault that replaces the answer (timeouts, huge or hostile)."""
        if kind == "502_html":
            return HttpResponse(502, errors.PROXY_502_HTML.encode(), {}, HTML_TYPE)
        if kind == "504":
            return self.json(exchange, 504, errors.timeout_504())
        if kind == "huge_body":
            stream = huge_body_stream(self.faults.huge_body_bytes, self.faults.huge_body_pattern)
            return HttpResponse(200, b"", self.headers(exchange), stream=stream)
        if kind == "hostile_error":
            status = self.faults.hostile_error_status
            body = hostile_error_body(status, self.faults.hostile_error_bytes)
            return self.json(exchange, status, body)
        return self.json(exchange, 502, errors.timeout_502(exchange.request_id))

    def tampered(self, exchange: Exchange, body: dict) -> HttpResponse:
        """Apply a response fault (``corrupt_enum``, ``data_null``, ``non_json``,
        ``lone_surrogate``) to an executed body."""
        if exchange.fault == "non_json":
            return HttpResponse(200, errors.MAINTENANCE_HTML.encode(), self.headers(exchange),
                                HTML_TYPE)
        if exchange.fault == "data_null":
            return self.json(exchange, 200, {"data": None})
        if exchange.fault == "lone_surrogate":
            inject_lone_surrogate(body)
        else:
            corrupt_enum(body.get("data"), self.faults.choose, self.faults.corrupt_value)
        return self.json(exchange, 200, body)

    def finish(self, response: HttpResponse, fault: str | None) -> HttpResponse:
        """Last rewrites before sending: a queued ``tamper_next`` and ``slow_drip``."""
        if response.payload is not None and response.body is not None:
            tamper = self.faults.next_tamper()
            if tamper is not None:
                response = _rewritten(response, tamper)
        if fault == "slow_drip" and response.body:
            response.drip_seconds = self.faults.drip_seconds
        return response


def _rewritten(response: HttpResponse, tamper) -> HttpResponse:
    result = tamper(response.payload)
    payload = response.payload if result is None else result
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogatepass")
    if isinstance(payload, bytes):
        response.body, response.payload = payload, None
    else:
        response.body, response.payload = encode(payload), payload
    return response

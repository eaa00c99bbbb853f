"""The request pipeline of the fake GitHub GraphQL endpoint, independent of HTTP plumbing.

Order of checks for ``POST /graphql``: route, credentials, JSON body, fault ``drop``, fault
``slow``, secondary limits, fault ``rate_limited``, query checks (parse, validation, variables,
pagination and node limits), primary budget, charging, timeout faults, execution, response
faults.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from . import errors
from .executor import execute_document
from .faults import RESPONSE_KINDS, SECONDARY_KINDS, TIMEOUT_KINDS, FaultPlan
from .ids import node_id, short_hash
from .ratelimit import Budget, PointsPerMinute, RateLimiter
from .request import Prepared, prepare
from .resolvers import RequestContext
from .stats import Stats
from .store import Store
from .tamper import corrupt_enum

GRAPHQL_PATHS = frozenset({"/graphql", "/api/graphql"})
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"


@dataclass
class HttpRequest:
    """What the HTTP layer hands to the engine."""

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes


@dataclass
class HttpResponse:
    """What the engine answers; ``body=None`` means: drop the connection."""

    status: int
    body: bytes | None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = JSON_TYPE


@dataclass
class Exchange:
    """Bookkeeping for one request while it is served."""

    number: int
    request_id: str
    token_key: str | None = None
    prepared: Prepared | None = None
    budget: Budget | None = None
    fault: str | None = None
    charged: int = 0
    viewer_login: str = ""
    error_types: list[str] = field(default_factory=list)


def json_response(status: int, body: object, headers: dict | None = None) -> HttpResponse:
    """Compact UTF-8 JSON response."""
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return HttpResponse(status, payload, dict(headers or {}))


def request_id(number: int) -> str:
    """A GitHub-looking ``x-github-request-id`` such as ``F83B:06A8:1A61920:508391A:62B0DDA7``."""
    digest = hashlib.sha1(str(number).encode()).hexdigest().upper()
    return ":".join([digest[0:4], digest[4:8], digest[8:15], digest[15:22], digest[22:30]])


class Engine:
    """All server state and behaviour; thread-safe."""

    def __init__(
        self,
        dataset: dict,
        *,
        tokens: Iterable[str] | Mapping[str, str] | None,
        rate_limit: int,
        window_seconds: float,
        faults: FaultPlan,
        clock: Callable[[], float] = time.time,
        secondary_points_per_minute: int | None = 2000,
        max_concurrent: int = 100,
        max_records: int = 10_000,
        sleep: Callable[[float], object] = time.sleep,
    ):
        self.lock = threading.RLock()
        self.store = Store(dataset)
        self.tokens = _token_table(tokens)
        self.limiter = RateLimiter(rate_limit, window_seconds, clock)
        self.per_minute = PointsPerMinute(secondary_points_per_minute, clock)
        self.faults = faults
        self.max_concurrent = max_concurrent
        self.max_records = max_records
        self.stats = Stats(records=deque(maxlen=max_records))
        self.after_request: Callable[[dict], None] | None = None
        self.after_request_records = 200
        self._sleep = sleep
        self._hooks: dict[int, list[Callable[[dict], object]]] = {}
        self._user_ids: dict[str, int] = {}
        self._counter = 0
        self._active = 0

    # --- public helpers used by FakeGitHub ----------------------------------------------------

    def mutate(self, fn: Callable[[dict], object]) -> object:
        """Run ``fn(dataset)`` under the lock, then re-index; return what ``fn`` returned."""
        with self.lock:
            try:
                return fn(self.store.dataset)
            finally:
                self.store.rebuild()

    def on_request(self, n: int, fn: Callable[[dict], object]) -> None:
        """Run ``fn(dataset)`` just before serving request number ``n`` (1-based)."""
        with self.lock:
            self._hooks.setdefault(n, []).append(fn)

    def reset_stats(self) -> None:
        """Forget counters and records; request numbering restarts at 1."""
        with self.lock:
            self.stats = Stats(records=deque(maxlen=self.max_records))
            self._counter = 0

    # --- the pipeline -------------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Serve one HTTP request."""
        with self.lock:
            self._counter += 1
            self._active += 1
            exchange = Exchange(self._counter, request_id(self._counter))
            for fn in self._hooks.pop(exchange.number, []):
                self.mutate(fn)
        try:
            response = self._guarded(request, exchange)
        finally:
            with self.lock:
                self._active -= 1
        self._record(request, exchange, response)
        return response

    def _guarded(self, request: HttpRequest, exchange: Exchange) -> HttpResponse:
        try:
            return self._serve(request, exchange)
        except Exception as exc:  # a bug in the fake must be visible, not a hang
            exchange.error_types.append("FAKE_INTERNAL")
            return json_response(500, {"message": f"fake GitHub internal error: {exc!r}",
                                       "traceback": traceback.format_exc()})

    def _serve(self, request: HttpRequest, exchange: Exchange) -> HttpResponse:
        path = request.path.split("?", 1)[0].rstrip("/") or "/"
        if request.method != "POST" or path not in GRAPHQL_PATHS:
            return json_response(404, errors.not_found_route())
        denied = self._authenticate(request, exchange)
        if denied is not None:
            return denied
        try:
            payload = json.loads(request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            payload = None
        if not isinstance(payload, dict):
            return self._json(exchange, 400, errors.problems_parsing_json())
        exchange.prepared = prepare(payload)
        exchange.budget = self.limiter.budget(exchange.token_key)
        exchange.fault = self.faults.pick(exchange.prepared.pull_request_page_sizes)
        return self._after_fault_pick(exchange)

    def _after_fault_pick(self, exchange: Exchange) -> HttpResponse:
        fault = exchange.fault
        if fault == "drop":
            return HttpResponse(0, None)
        if fault == "slow":
            self._sleep(self.faults.slow_seconds)
        secondary = self._secondary_check(exchange)
        if secondary is not None:
            return secondary
        if fault == "rate_limited":
            return self._primary_limited(exchange, quirk=True)
        prepared = exchange.prepared
        if not prepared.ok:
            if fault in TIMEOUT_KINDS:
                return self._timeout(exchange, fault)
            exchange.error_types += [_label(e) for e in prepared.error_body["errors"]]
            return self._json(exchange, 200, prepared.error_body)
        return self._run(exchange)

    def _run(self, exchange: Exchange) -> HttpResponse:
        cost = exchange.prepared.cost
        with self.lock:  # check and spend atomically
            exchange.budget = self.limiter.budget(exchange.token_key)
            if cost.cost > exchange.budget.remaining:
                return self._primary_limited(exchange, quirk=self.faults.quirk_remaining)
            exchange.budget = self.limiter.charge(exchange.token_key, cost.cost)
            exchange.charged = cost.cost
            self.per_minute.record(exchange.token_key, cost.cost)
        if exchange.fault in TIMEOUT_KINDS:
            return self._timeout(exchange, exchange.fault)
        body = self._execute(exchange)
        exchange.error_types += [_label(e) for e in body.get("errors", [])]
        if exchange.fault in RESPONSE_KINDS:
            return self._tampered(exchange, body)
        return self._json(exchange, 200, body)

    # --- steps --------------------------------------------------------------------------------

    def _authenticate(self, request: HttpRequest, exchange: Exchange) -> HttpResponse | None:
        header = (request.headers.get("Authorization") or "").strip()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        anonymous = Budget(60, 1, int(self.limiter.clock()) + 3600).headers()
        if not header:
            return json_response(401, errors.requires_authentication(), anonymous)
        valid_scheme = scheme.lower() in ("bearer", "token")
        if not valid_scheme or not token or (self.tokens is not None and token not in self.tokens):
            return json_response(401, errors.bad_credentials(), anonymous)
        exchange.token_key = short_hash(token)
        with self.lock:
            self._user_ids.setdefault(exchange.token_key, len(self._user_ids) + 1)
        exchange.viewer_login = (self.tokens or {}).get(token, "")
        return None

    def _secondary_check(self, exchange: Exchange) -> HttpResponse | None:
        kind = exchange.fault if exchange.fault in SECONDARY_KINDS else None
        prepared = exchange.prepared
        if kind is None and self._active > self.max_concurrent:
            kind = exchange.fault = "secondary_concurrency"
        points = prepared.cost.cost if prepared.ok else 0
        if kind is None and points and self.per_minute.would_exceed(exchange.token_key, points):
            kind = exchange.fault = "secondary_points"
        if kind is None:
            return None
        headers = {} if self.faults.retry_after is None else {
            "retry-after": str(self.faults.retry_after)}
        if kind == "secondary_200":
            message = errors.secondary_message(exchange.request_id)
            return self._json(exchange, 200, errors.graphql_errors(message), headers)
        return self._json(exchange, 403, errors.secondary_limited(exchange.request_id), headers)

    def _primary_limited(self, exchange: Exchange, *, quirk: bool) -> HttpResponse:
        style = self.faults.next_rate_limit_style()
        user_id = self._user_ids.get(exchange.token_key, 1)
        body = errors.rate_limited(style, user_id)
        exchange.error_types.append(body["errors"][0]["type"])
        remaining = None if quirk else 0
        return self._json(exchange, 200, body, remaining=remaining)

    def _timeout(self, exchange: Exchange, kind: str) -> HttpResponse:
        if kind == "502_html":
            return HttpResponse(502, errors.PROXY_502_HTML.encode(), {}, HTML_TYPE)
        if kind == "504":
            return self._json(exchange, 504, errors.timeout_504())
        return self._json(exchange, 502, errors.timeout_502(exchange.request_id))

    def _execute(self, exchange: Exchange) -> dict:
        prepared, budget = exchange.prepared, exchange.budget
        rate = {"cost": prepared.cost.cost, "limit": budget.limit,
                "nodeCount": prepared.cost.node_count, "remaining": budget.remaining,
                "resetAt": budget.reset_at, "used": budget.used}
        with self.lock:
            ctx = RequestContext(self.store, rate, self._viewer(exchange))
            return execute_document(prepared.document, ctx, prepared.variables,
                                    prepared.operation_name)

    def _viewer(self, exchange: Exchange) -> dict:
        user_id = self._user_ids.get(exchange.token_key, 1)
        login = exchange.viewer_login or f"fake-user-{user_id}"
        return {"__typename": "User", "id": node_id("User", user_id), "databaseId": user_id,
                "login": login, "name": login, "url": f"https://github.com/{login}",
                "avatarUrl": f"https://avatars.githubusercontent.com/u/{user_id}?v=4"}

    def _tampered(self, exchange: Exchange, body: dict) -> HttpResponse:
        if exchange.fault == "non_json":
            return HttpResponse(200, errors.MAINTENANCE_HTML.encode(), self._headers(exchange),
                                HTML_TYPE)
        if exchange.fault == "data_null":
            return self._json(exchange, 200, {"data": None})
        corrupt_enum(body.get("data"), self.faults.choose, self.faults.corrupt_value)
        return self._json(exchange, 200, body)

    # --- responses and records ----------------------------------------------------------------

    def _headers(self, exchange: Exchange, remaining: int | None = None) -> dict[str, str]:
        headers = {"x-github-request-id": exchange.request_id}
        if exchange.budget is not None:
            headers.update(exchange.budget.headers(remaining))
        return headers

    def _json(self, exchange: Exchange, status: int, body: object,
              extra: dict | None = None, remaining: int | None = None) -> HttpResponse:
        if exchange.budget is None and exchange.token_key:
            exchange.budget = self.limiter.budget(exchange.token_key)
        headers = self._headers(exchange, remaining) | (extra or {})
        return json_response(status, body, headers)

    def _record(self, request: HttpRequest, exchange: Exchange, response: HttpResponse) -> None:
        prepared = exchange.prepared or Prepared()
        record = {
            "n": exchange.number, "time": time.time(), "token": exchange.token_key,
            "shape": prepared.shape if exchange.prepared else "unparsed",
            "query": prepared.query, "variables": prepared.variables,
            "operation_name": prepared.operation_name, "status": response.status,
            "fault": exchange.fault, "cost": exchange.charged,
            "errors": list(exchange.error_types),
            "request_id": exchange.request_id, "path": request.path,
        }
        with self.lock:
            self.stats.add(record)
            callback = self.after_request
            summary = self.stats.as_dict(self.after_request_records) if callback else None
        if callback is not None:
            callback(summary)


def _label(error: dict) -> str:
    """How an error is listed in request records: its type, else its message."""
    return error.get("type") or error.get("message", "")[:160]


def _token_table(tokens: Iterable[str] | Mapping[str, str] | None) -> dict[str, str] | None:
    if tokens is None:
        return None
    if isinstance(tokens, Mapping):
        return dict(tokens)
    return {token: "" for token in tokens}

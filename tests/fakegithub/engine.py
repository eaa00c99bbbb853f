"""The request pipeline of the fake GitHub GraphQL endpoint, independent of HTTP plumbing.

Order for ``POST /graphql``: scheduled ``on_request`` edits, route, credentials, JSON body,
fault pick, fault ``drop``, fault ``slow``, secondary limits, fault ``rate_limited``, query
checks (parse, validation against the schema variant, variables, pagination and node limits),
primary budget, charging, replacing faults (timeouts, ``huge_body``, ``hostile_error``),
execution, simulated-time timeout, response faults; then ``during_request`` edits, queued
``tamper_next`` rewriters, ``slow_drip``, added ``latency`` (a sleep outside every lock).

Only dataset access (execution, edits) holds the engine lock: sleeps, slow bodies and
rate-limit bookkeeping never block other clients.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping

from . import errors
from .accounts import Accounts
from .executor import execute_document
from .faults import REPLACING_KINDS, RESPONSE_KINDS, SECONDARY_KINDS, FaultPlan
from .hooks import RequestHooks
from .ratelimit import Budget, PointsPerMinute, RateLimiter
from .registry import DEFAULT_MAX_FILES, RequestContext
from .request import Prepared, prepare
from .respond import Exchange, Responder, label
from .responses import HttpRequest, HttpResponse, json_response, request_id
from .schema import execution_schema, freeze_extras
from .stats import Stats
from .store import Store
from .timing import GITHUB_RESPONSE_TIME, ResponseTime
from .variants import DEFAULT_VARIANT, removed_fields

GRAPHQL_PATHS = frozenset({"/graphql", "/api/graphql"})
__all__ = ["Engine", "Exchange", "HttpRequest", "HttpResponse", "json_response", "request_id"]


class Engine:
    """All server state and behaviour; thread-safe. See ``FakeGitHub`` for the options."""

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
        token_permissions: Mapping[str, Mapping[str, bool]] | None = None,
        max_files: int = DEFAULT_MAX_FILES,
        extra_enum_values: Mapping[str, list[str]] | None = None,
        schema_variant: str = DEFAULT_VARIANT,
        response_time: ResponseTime | None = GITHUB_RESPONSE_TIME,
        latency: float = 0.0,
    ):
        removed_fields(schema_variant)  # fail early on an unknown variant
        self.lock = threading.RLock()
        self.store = Store(dataset)
        self.accounts = Accounts(tokens, token_permissions)
        self.limiter = RateLimiter(rate_limit, window_seconds, clock)
        self.per_minute = PointsPerMinute(secondary_points_per_minute, clock)
        self.faults, self.clock, self.hooks = faults, clock, RequestHooks()
        self.max_concurrent, self.max_records = max_concurrent, max_records
        self.max_files = max_files
        self.variant, self.response_time, self.latency = schema_variant, response_time, latency
        self.schema = execution_schema(schema_variant, freeze_extras(extra_enum_values))
        self.stats = Stats(records=deque(maxlen=max_records))
        self.after_request: Callable[[dict], None] | None = None
        self.after_request_records = 200
        self.respond = Responder(self.limiter, self.faults)
        self._sleep = sleep
        self._counter = 0
        self._active: Counter = Counter()

    @property
    def tokens(self) -> dict[str, str] | None:
        """Valid tokens (``None``: any) mapped to viewer logins."""
        return self.accounts.tokens

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
        self.hooks.before(n, fn)

    def during_request(self, n: int, fn: Callable[[dict], object]) -> None:
        """Run ``fn(dataset)`` once request ``n``'s response is computed, before it is sent."""
        self.hooks.during(n, fn)

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
            exchange = Exchange(self._counter, request_id(self._counter))
        for fn in self.hooks.take_before(exchange.number):
            self.mutate(fn)
        try:
            response = self._guarded(request, exchange)
            for fn in self.hooks.take_during(exchange.number):
                self.mutate(fn)
            response = self.respond.finish(response, exchange.fault)
            if self.latency:
                self._sleep(self.latency)
        finally:
            self._release(exchange)
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
        payload = _json_body(request.body)
        if not isinstance(payload, dict):
            return self.respond.json(exchange, 400, errors.problems_parsing_json())
        exchange.prepared = prepare(payload, self.variant)
        exchange.budget = self.limiter.budget(exchange.budget_key)
        exchange.fault = self.faults.pick(exchange.prepared.pull_request_page_sizes)
        self._acquire(exchange)
        return self._after_fault_pick(exchange)

    def _acquire(self, exchange: Exchange) -> None:
        """Count the request as in flight for its user until ``_release``."""
        with self.lock:
            self._active[exchange.budget_key] += 1
            exchange.active = True

    def _release(self, exchange: Exchange) -> None:
        if exchange.active:
            with self.lock:
                self._active[exchange.budget_key] -= 1
                exchange.active = False

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
            if fault in REPLACING_KINDS:
                return self.respond.replaced(exchange, fault)
            exchange.error_types += [label(e) for e in prepared.error_body["errors"]]
            return self.respond.json(exchange, 200, prepared.error_body)
        return self._run(exchange)

    def _run(self, exchange: Exchange) -> HttpResponse:
        cost = exchange.prepared.cost
        with self.lock:  # check and spend atomically
            exchange.budget = self.limiter.budget(exchange.budget_key)
            if cost.cost > exchange.budget.remaining:
                return self._primary_limited(exchange, quirk=self.faults.quirk_remaining)
            exchange.budget = self.limiter.charge(exchange.budget_key, cost.cost)
            exchange.charged = cost.cost
            self.per_minute.record(exchange.budget_key, cost.cost)
        if exchange.fault in REPLACING_KINDS:
            return self.respond.replaced(exchange, exchange.fault)
        body = self._execute(exchange)
        exchange.error_types += [label(e) for e in body.get("errors", [])]
        if self._too_slow(exchange, body):
            return self.respond.json(exchange, 502, errors.timeout_502(exchange.request_id))
        if exchange.fault in RESPONSE_KINDS:
            return self.respond.tampered(exchange, body)
        return self.respond.json(exchange, 200, body)

    # --- steps --------------------------------------------------------------------------------

    def _authenticate(self, request: HttpRequest, exchange: Exchange) -> HttpResponse | None:
        header = (request.headers.get("Authorization") or "").strip()
        scheme, _, token = header.partition(" ")
        token = token.strip()
        anonymous = Budget(60, 1, int(self.clock()) + 3600).headers()
        if not header:
            return json_response(401, errors.requires_authentication(), anonymous)
        if scheme.lower() not in ("bearer", "token") or not self.accounts.valid(token):
            return json_response(401, errors.bad_credentials(), anonymous)
        exchange.identity = self.accounts.identify(token)
        return None

    def _secondary_check(self, exchange: Exchange) -> HttpResponse | None:
        kind = exchange.fault if exchange.fault in SECONDARY_KINDS else None
        prepared, key = exchange.prepared, exchange.budget_key
        if kind is None and self._active[key] > self.max_concurrent:
            kind = exchange.fault = "secondary_concurrency"
        points = prepared.cost.cost if prepared.ok else 0
        if kind is None and points and self.per_minute.would_exceed(key, points):
            kind = exchange.fault = "secondary_points"
        return None if kind is None else self.respond.secondary(exchange, kind)

    def _primary_limited(self, exchange: Exchange, *, quirk: bool) -> HttpResponse:
        body = errors.rate_limited(self.faults.next_rate_limit_style(),
                                   self.accounts.user_id(exchange.budget_key))
        exchange.error_types.append(body["errors"][0]["type"])
        return self.respond.json(exchange, 200, body, remaining=None if quirk else 0)

    def _execute(self, exchange: Exchange) -> dict:
        prepared, budget = exchange.prepared, exchange.budget
        rate = {"cost": prepared.cost.cost, "limit": budget.limit,
                "nodeCount": prepared.cost.node_count, "remaining": budget.remaining,
                "resetAt": budget.reset_at, "used": budget.used}
        identity = exchange.identity
        with self.lock:
            ctx = RequestContext(self.store, rate, identity.viewer(), identity.permissions,
                                 self.max_files, self.faults.resource_limit_rules())
            return execute_document(prepared.document, ctx, prepared.variables,
                                    prepared.operation_name, schema=self.schema)

    def _too_slow(self, exchange: Exchange, body: dict) -> bool:
        if self.response_time is None:
            return False
        skip = exchange.prepared.introspection_keys
        exchange.simulated_ms = self.response_time.simulated_ms(body.get("data"), skip)
        exchange.timed_out = self.response_time.times_out(exchange.simulated_ms)
        if exchange.timed_out:
            exchange.error_types.append("TIMEOUT")
        return exchange.timed_out

    # --- records ------------------------------------------------------------------------------

    def _record(self, request: HttpRequest, exchange: Exchange, response: HttpResponse) -> None:
        prepared = exchange.prepared or Prepared()
        record = {
            "n": exchange.number, "time": time.time(), "token": exchange.token_key,
            "shape": prepared.shape if exchange.prepared else "unparsed",
            "query": prepared.query, "variables": prepared.variables,
            "operation_name": prepared.operation_name, "status": response.status,
            "fault": exchange.fault, "cost": exchange.charged,
            "errors": list(exchange.error_types), "simulated_ms": exchange.simulated_ms,
            "timed_out": exchange.timed_out,
            "request_id": exchange.request_id, "path": request.path,
        }
        with self.lock:
            self.stats.add(record)
            callback = self.after_request
            summary = self.stats.as_dict(self.after_request_records) if callback else None
        if callback is not None:
            callback(summary)


def _json_body(raw: bytes) -> object:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None

"""``FakeGitHub``: the fake GraphQL endpoint served over HTTP from a daemon thread.

Example::

    with FakeGitHub(generate_dataset({"acme/web": 50}, seed=1, now=NOW)) as gh:
        gh.faults.fail_next(2, "502_json")
        requests.post(gh.url, json={"query": "{ rateLimit { remaining } }"},
                      headers={"Authorization": "bearer t"})
        gh.stats.total  # -> 1
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .engine import Engine
from .faults import FaultPlan
from .registry import DEFAULT_MAX_FILES
from .responses import HttpRequest, HttpResponse
from .stats import Stats
from .timing import GITHUB_RESPONSE_TIME, ResponseTime
from .variants import DEFAULT_VARIANT

CLIENT_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        """``Server`` header value, as sent by api.github.com."""
        return "github.com"

    def date_time_string(self, timestamp: float | None = None) -> str:
        """``Date`` header value, from the server's clock (the one rate limits use)."""
        return formatdate(self.server.engine.clock() if timestamp is None else timestamp,
                          usegmt=True)

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        self._dispatch()

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except ValueError:  # malformed framing: answer like a bad body, then hang up
            body, self.close_connection = b"", True
        request = HttpRequest(self.command, self.path, self.headers, body)
        response = self.server.engine.handle(request)
        if response.body is None:
            self._drop()
        else:
            self._write(response)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _write(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        if response.stream is not None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self._write_body(response)
        except CLIENT_GONE:
            self.close_connection = True

    def _write_body(self, response: HttpResponse) -> None:
        if response.stream is not None:
            for chunk in response.stream:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif response.drip_seconds:
            self._drip(response.body, response.drip_seconds)
        else:
            self.wfile.write(response.body)

    def _drip(self, body: bytes, seconds: float) -> None:
        """Send ``body`` one byte at a time; hang up if the server stops meanwhile."""
        for index in range(len(body)):
            self.wfile.write(body[index:index + 1])
            if self.server.stopping.wait(seconds):
                self.close_connection = True
                return

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silence per-request logging."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # many clients connect at once (default backlog: 5)
    engine: Engine
    stopping: threading.Event


class FakeGitHub:
    """A fake ``api.github.com/graphql`` serving ``dataset`` (see ``dataset.py``).

    ``tokens``: ``None`` accepts any non-empty token; else an iterable of valid tokens or a
    mapping ``token -> viewer login``. ``rate_limit`` points per ``window_seconds`` per *user*
    (tokens mapped to the same login share one budget; otherwise each token is its own user).
    ``faults``: a ``FaultPlan``, a dict of ``FaultPlan`` keyword arguments, or ``None``.
    ``seed`` seeds the fault RNG when ``faults`` is not already a ``FaultPlan``.
    ``secondary_points_per_minute`` (GitHub: 2000, ``None`` disables) and ``max_concurrent``
    (GitHub: 100, concurrent requests per user) trigger 403 secondary limits. ``clock`` drives
    rate-limit windows and the ``Date`` header.
    ``token_permissions``: ``{token: {"checks": bool, "statuses": bool}}`` (fine-grained tokens
    without CI read access; default: everything allowed). ``max_files``: PRs changing more files
    answer ``files: null`` (GitHub: 3000). ``extra_enum_values``: ``{"EnumName": ["VALUE"]}``
    served as is (validation still uses the reference schema). ``schema_variant``:
    ``"github.com"`` or ``"ghes-3.8"`` (see ``variants.py``). ``response_time``: the simulated
    server-time model (``timing.ResponseTime``; ``None`` disables the 10 s timeout).
    ``latency``: seconds added to every response (slept outside every lock).
    The dataset is used in place: change it only through ``mutate``, ``on_request`` or
    ``during_request``.
    """

    def __init__(
        self,
        dataset: dict,
        *,
        tokens: Iterable[str] | Mapping[str, str] | None = None,
        rate_limit: int = 5000,
        window_seconds: float = 3600,
        faults: FaultPlan | dict | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        secondary_points_per_minute: int | None = 2000,
        max_concurrent: int = 100,
        max_records: int = 10_000,
        clock: Callable[[], float] = time.time,
        token_permissions: Mapping[str, Mapping[str, bool]] | None = None,
        max_files: int = DEFAULT_MAX_FILES,
        extra_enum_values: Mapping[str, list[str]] | None = None,
        schema_variant: str = DEFAULT_VARIANT,
        response_time: ResponseTime | None = GITHUB_RESPONSE_TIME,
        latency: float = 0.0,
    ):
        self._stopping = threading.Event()
        self.engine = Engine(
            dataset, tokens=tokens, rate_limit=rate_limit, window_seconds=window_seconds,
            faults=_fault_plan(faults, seed), clock=clock,
            secondary_points_per_minute=secondary_points_per_minute,
            max_concurrent=max_concurrent, max_records=max_records, sleep=self._stopping.wait,
            token_permissions=token_permissions, max_files=max_files,
            extra_enum_values=extra_enum_values, schema_variant=schema_variant,
            response_time=response_time, latency=latency,
        )
        self.host, self.port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeGitHub:
        """Bind and serve in a daemon thread; ``port=0`` picks a free port."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler)
        self._server.engine = self.engine
        self._server.stopping = self._stopping
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fake-github-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (wakes up ``slow``, ``slow_drip`` and latency
        sleeps)."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """GraphQL endpoint, e.g. ``http://127.0.0.1:PORT/graphql``."""
        return f"http://{self.host}:{self.port}/graphql"

    @property
    def enterprise_url(self) -> str:
        """The same endpoint under GitHub Enterprise's path ``/api/graphql``."""
        return f"http://{self.host}:{self.port}/api/graphql"

    # --- control ------------------------------------------------------------------------------

    @property
    def faults(self) -> FaultPlan:
        """The live fault plan."""
        return self.engine.faults

    @property
    def dataset(self) -> dict:
        """The dataset being served (read it; change it via ``mutate``)."""
        return self.engine.store.dataset

    def mutate(self, fn: Callable[[dict], object]) -> object:
        """Apply ``fn(dataset)`` under the server lock and re-index; return its result."""
        return self.engine.mutate(fn)

    def on_request(self, n: int, fn: Callable[[dict], object]) -> None:
        """Run ``fn(dataset)`` just before serving the ``n``-th request (1-based, as counted
        in ``stats.total``; ``reset_stats`` restarts the count)."""
        self.engine.on_request(n, fn)

    def during_request(self, n: int, fn: Callable[[dict], object]) -> None:
        """Change the data while request ``n`` is served: its response is computed from the
        dataset as it was, then ``fn(dataset)`` runs, then the response is sent."""
        self.engine.during_request(n, fn)

    def set_rate_limit(self, limit: int | None = None, window_seconds: float | None = None,
                       reset_windows: bool = False) -> None:
        """Change the primary limit for new windows; optionally drop current windows."""
        limiter = self.engine.limiter
        limiter.limit = limiter.limit if limit is None else limit
        if window_seconds is not None:
            limiter.window_seconds = window_seconds
        if reset_windows:
            limiter.reset()

    @property
    def stats(self) -> Stats:
        """A snapshot: ``total``, ``points``, ``by_token`` (sha256 prefixes), ``by_shape``,
        ``by_status``, ``by_fault`` and ``records`` (one dict per request)."""
        with self.engine.lock:
            return self.engine.stats.snapshot()

    def reset_stats(self) -> None:
        """Zero the stats and restart request numbering."""
        self.engine.reset_stats()


def _fault_plan(faults: FaultPlan | dict | None, seed: int) -> FaultPlan:
    if isinstance(faults, FaultPlan):
        return faults
    options = dict(faults or {})
    options.setdefault("seed", seed)
    return FaultPlan(**options)

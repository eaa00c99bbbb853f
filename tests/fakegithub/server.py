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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .engine import Engine, HttpRequest, HttpResponse
from .faults import FaultPlan
from .stats import Stats


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        """``Server`` header value, as sent by api.github.com."""
        return "github.com"

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
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

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
    engine: Engine


class FakeGitHub:
    """A fake ``api.github.com/graphql`` serving ``dataset`` (see ``dataset.py``).

    ``tokens``: ``None`` accepts any non-empty token; else an iterable of valid tokens or a
    mapping ``token -> viewer login``. ``rate_limit`` points per ``window_seconds`` per token.
    ``faults``: a ``FaultPlan``, a dict of ``FaultPlan`` keyword arguments, or ``None``.
    ``seed`` seeds the fault RNG when ``faults`` is not already a ``FaultPlan``.
    ``secondary_points_per_minute`` (GitHub: 2000, ``None`` disables) and ``max_concurrent``
    (GitHub: 100) trigger 403 secondary limits. ``clock`` drives rate-limit windows.
    The dataset is used in place: change it only through ``mutate`` or ``on_request``.
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
    ):
        self._stopping = threading.Event()
        self.engine = Engine(
            dataset, tokens=tokens, rate_limit=rate_limit, window_seconds=window_seconds,
            faults=_fault_plan(faults, seed), clock=clock,
            secondary_points_per_minute=secondary_points_per_minute,
            max_concurrent=max_concurrent, max_records=max_records, sleep=self._stopping.wait,
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
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fake-github-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (wakes up ``slow`` requests)."""
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

"""Build the GitHub client from the environment (and command-line overrides).

| variable | meaning |
|---|---|
| ``GITHUB_GRAPHQL_URL`` | endpoint (default ``https://api.github.com/graphql``; GitHub |
|                        | Enterprise Server: ``https://HOST/api/graphql``) |
| ``GITHUB_SEEDING_TOKENS`` | tokens, separated by commas, spaces or newlines |
| ``GITHUB_TOKEN`` | a single token (used when ``GITHUB_SEEDING_TOKENS`` is unset) |
| ``SEEDING_HTTP_TIMEOUT`` | seconds a request may take, connect to last byte (default 60) |
| ``SEEDING_MAX_RESPONSE_BYTES`` | largest response body read (default 100 MB) |
| ``SEEDING_MAX_CONCURRENT_PER_TOKEN`` | requests in flight per token (default 2) |
| ``SEEDING_BACKOFF_BASE`` | first retry delay in seconds (default 1; tests use less) |
| ``SEEDING_SECONDARY_MIN_WAIT`` | minimum wait after a secondary limit without retry-after (60) |
| ``SEEDING_ALLOW_INSECURE_HTTP`` | ``1`` to allow plain HTTP to a host other than this machine |

Every value is checked (``eventlog.config``): a malformed one is a one-line ``ConfigError``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from eventlog.config import env_flag, env_number

from .github.client import DEFAULT_MAX_BYTES, DEFAULT_URL, GraphQLClient, Sleeper
from .github.endpoint import check_endpoint
from .github.retry import RetryPolicy
from .github.tokens import DEFAULT_MAX_IN_FLIGHT, TokenPool, parse_tokens


def graphql_url() -> str:
    """The endpoint, checked: HTTPS, or plain HTTP to this machine (or explicitly allowed)."""
    url = (os.environ.get("GITHUB_GRAPHQL_URL") or "").strip() or DEFAULT_URL
    return check_endpoint(url, allow_insecure_http=env_flag("SEEDING_ALLOW_INSECURE_HTTP", False))


def tokens_from_env(explicit: str | None = None) -> list[str]:
    """Tokens from ``--github-token``, else ``GITHUB_SEEDING_TOKENS``, else ``GITHUB_TOKEN``;
    ``ClientConfigError`` (naming "token 2 of 3") for one holding a stray character."""
    raw = explicit or os.environ.get("GITHUB_SEEDING_TOKENS") or os.environ.get("GITHUB_TOKEN")
    return parse_tokens(raw)


def http_timeout() -> float:
    return env_number("SEEDING_HTTP_TIMEOUT", 60.0, minimum=0.1)


def retry_policy(max_wait: float) -> RetryPolicy:
    return RetryPolicy(backoff_base=env_number("SEEDING_BACKOFF_BASE", 1.0, minimum=0),
                       secondary_min=env_number("SEEDING_SECONDARY_MIN_WAIT", 60.0, minimum=0),
                       max_wait=max_wait)


def check_settings() -> None:
    """Read every variable once, so a malformed one fails before any work starts."""
    graphql_url()
    http_timeout()
    retry_policy(0)
    max_in_flight()
    env_number("SEEDING_MAX_RESPONSE_BYTES", DEFAULT_MAX_BYTES, minimum=1024, integer=True)


def max_in_flight() -> int:
    return int(env_number("SEEDING_MAX_CONCURRENT_PER_TOKEN", DEFAULT_MAX_IN_FLIGHT,
                          minimum=1, maximum=16, integer=True))


def token_pool(token: str | None) -> TokenPool:
    """The pool of configured tokens; ``MissingTokenError`` when there is none."""
    return TokenPool(tokens_from_env(token), max_in_flight=max_in_flight())


def default_jobs(tokens: int) -> int:
    """Repositories fetched at once by default: four per token, at most 8, at least 1. A token
    carries ``SEEDING_MAX_CONCURRENT_PER_TOKEN`` (2) requests at once; twice as many jobs keep
    its slots busy while a job parses, commits or projects a page (bench/README.md, parallel:
    4 jobs on 4 request slots were 2.6-2.9x faster than 1, 6-8 jobs 3.0-3.5x), and memory
    grows by about 12 MiB per job, hence the cap."""
    return max(1, min(8, 4 * tokens))


def lazy_pool(token: str | None) -> Callable[[], TokenPool]:
    """The run's one token pool, built on first need (thread-safe), shared by every job."""
    lock, built = threading.Lock(), []

    def get() -> TokenPool:
        with lock:
            if not built:
                built.append(token_pool(token))
            return built[0]

    return get


def client_factory(pool: Callable[[], TokenPool], max_wait: float,
                   sleep: Sleeper | None) -> Callable[[], GraphQLClient]:
    """A function building a client on the shared pool (one per job) on first need, so runs
    with nothing to fetch need no token."""

    def build() -> GraphQLClient:
        return GraphQLClient(
            graphql_url(), pool(), policy=retry_policy(max_wait), timeout=http_timeout(),
            max_bytes=int(env_number("SEEDING_MAX_RESPONSE_BYTES", DEFAULT_MAX_BYTES,
                                     minimum=1024, integer=True)), sleep=sleep)

    return build

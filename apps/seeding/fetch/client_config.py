"""Build the GitHub client from the environment (and command-line overrides).

| variable | meaning |
|---|---|
| ``GITHUB_GRAPHQL_URL`` | endpoint (default ``https://api.github.com/graphql``;          |
|                        | GitHub Enterprise Server: ``https://HOST/api/graphql``)        |
| ``GITHUB_SEEDING_TOKENS`` | comma-separated tokens, used stickily in turn |
| ``GITHUB_TOKEN`` | a single token (used when ``GITHUB_SEEDING_TOKENS`` is unset) |
| ``SEEDING_HTTP_TIMEOUT`` | seconds before a request is abandoned (default 60) |
| ``SEEDING_BACKOFF_BASE`` | first retry delay in seconds (default 1; tests use less) |
| ``SEEDING_SECONDARY_MIN_WAIT`` | minimum wait after a secondary limit without retry-after (60) |
| ``SEEDING_FSYNC`` | ``always`` (default) or ``never``: fsync policy of the logs |
"""

from __future__ import annotations

import os
from collections.abc import Callable

from .github.client import DEFAULT_URL, GraphQLClient, Sleeper
from .github.retry import RetryPolicy
from .github.tokens import TokenPool


def graphql_url() -> str:
    return os.environ.get("GITHUB_GRAPHQL_URL") or DEFAULT_URL


def tokens_from_env(explicit: str | None = None) -> list[str]:
    """Tokens from ``--github-token``, else ``GITHUB_SEEDING_TOKENS``, else ``GITHUB_TOKEN``."""
    raw = explicit or os.environ.get("GITHUB_SEEDING_TOKENS") or os.environ.get("GITHUB_TOKEN")
    return [t.strip() for t in (raw or "").split(",") if t.strip()]


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def retry_policy(max_wait: float) -> RetryPolicy:
    return RetryPolicy(backoff_base=_env_float("SEEDING_BACKOFF_BASE", 1.0),
                       secondary_min=_env_float("SEEDING_SECONDARY_MIN_WAIT", 60.0),
                       max_wait=max_wait)


def fsync_policy() -> str:
    return "never" if os.environ.get("SEEDING_FSYNC", "always") == "never" else "always"


def client_factory(token: str | None, max_wait: float,
                   sleep: Sleeper | None) -> Callable[[], GraphQLClient]:
    """A function building the client on first need (so runs with nothing to fetch need no
    token); raises ``MissingTokenError`` when no token is configured."""

    def build() -> GraphQLClient:
        pool = TokenPool(tokens_from_env(token))
        return GraphQLClient(graphql_url(), pool, policy=retry_policy(max_wait),
                             timeout=_env_float("SEEDING_HTTP_TIMEOUT", 60.0), sleep=sleep)

    return build

"""Classify one HTTP response: return the GraphQL ``data`` or raise the matching GitHubError.

Pure: no I/O, no clock. HTTP 200 is not success (API-NOTES): ``errors`` in the body are errors,
rate limits arrive at 200 in two shapes (``RATE_LIMITED`` and ``RATE_LIMIT``), and a 502/504 may
carry JSON or an HTML proxy page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from .errors import (
    AuthError,
    BadResponseError,
    GitHubError,
    GraphQLError,
    NotFoundError,
    RateLimitError,
    SecondaryRateLimitError,
    ServerError,
)

RATE_LIMIT_TYPES = {"RATE_LIMITED", "RATE_LIMIT"}
RETRYABLE_TYPES = {"INTERNAL", "SERVICE_UNAVAILABLE", "TIMEOUT"}
SECONDARY_MARKERS = ("secondary rate limit", "abuse detection")
TIMEOUT_MARKER = "something went wrong while executing your query"


def classify(status: int, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """Return ``data`` of a successful response; raise a ``GitHubError`` subclass otherwise."""
    headers = {k.lower(): v for k, v in headers.items()}
    text = body[:2000].decode("utf-8", "replace")
    kw = {"status": status, "headers": headers, "body": text}
    payload = _json(body)
    message = _message(payload)
    if any(marker in message.lower() for marker in SECONDARY_MARKERS):
        raise SecondaryRateLimitError(f"secondary rate limit: {message}",
                                      retry_after=_float(headers.get("retry-after")), **kw)
    if status == 401:
        raise AuthError(f"GitHub rejected the token (401 {message or 'Bad credentials'})", **kw)
    if status in (403, 429) and headers.get("x-ratelimit-remaining") == "0":
        raise RateLimitError(f"rate limit exhausted (HTTP {status})",
                             reset_at=_float(headers.get("x-ratelimit-reset")), **kw)
    if status >= 500:
        raise ServerError(f"GitHub returned HTTP {status}" + (f": {message}" if message else ""),
                          **kw)
    if status != 200:
        raise GitHubError(f"GitHub returned HTTP {status}: {message or text[:100]}", **kw)
    if not isinstance(payload, dict):
        raise BadResponseError("GitHub returned a response that is not JSON "
                               f"({text[:60].strip()!r}...)", **kw)
    if payload.get("errors"):
        _raise_graphql_errors(payload["errors"], headers, kw)
    data = payload.get("data")
    if not isinstance(data, dict):
        raise BadResponseError("GitHub returned no data and no error", **kw)
    return data


def _raise_graphql_errors(errors: Any, headers: Mapping[str, str], kw: dict[str, Any]) -> None:
    errors = errors if isinstance(errors, list) else [errors]
    types = tuple(str(e.get("type") or "") for e in errors if isinstance(e, dict))
    messages = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
    if RATE_LIMIT_TYPES & set(types):
        raise RateLimitError(f"rate limit exhausted: {messages}",
                             reset_at=_float(headers.get("x-ratelimit-reset")), **kw)
    if "NOT_FOUND" in types:
        raise NotFoundError(messages, **kw)
    if TIMEOUT_MARKER in messages.lower():
        raise ServerError(f"GitHub timed out executing the query: {messages}", **kw)
    retryable = bool(RETRYABLE_TYPES & set(types))
    raise GraphQLError(f"GitHub GraphQL error: {messages}", types=types, retryable=retryable,
                       **kw)


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def _message(payload: Any) -> str:
    if not isinstance(payload, dict):
        return ""
    if isinstance(payload.get("message"), str):
        return payload["message"]
    errors = payload.get("errors")
    if isinstance(errors, list):
        return "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
    return ""


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None

"""Classify one HTTP response: return the GraphQL ``data`` (with any partial errors) or raise the
matching GitHubError.

Pure: no I/O, no clock. HTTP 200 is not success (API-NOTES): ``errors`` in the body are errors,
rate limits arrive at 200 in two shapes (``RATE_LIMITED`` and ``RATE_LIMIT``), and a 502/504 may
carry JSON or an HTML proxy page. But ``errors`` beside usable ``data``, each with a ``path``, are
*partial* errors (a FORBIDDEN field, a NOT_FOUND node, RESOURCE_LIMITS_EXCEEDED): the data is
returned with them as ``FieldError``s, and the caller decides what each path means.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson

from .errors import (
    AuthError,
    BadResponseError,
    FieldError,
    GitHubError,
    GraphQLError,
    NotFoundError,
    RateLimitError,
    SchemaMismatchError,
    SecondaryRateLimitError,
    ServerError,
)

RATE_LIMIT_TYPES = {"RATE_LIMITED", "RATE_LIMIT"}
RETRYABLE_TYPES = {"INTERNAL", "SERVICE_UNAVAILABLE", "TIMEOUT"}
SECONDARY_MARKERS = ("secondary rate limit", "abuse detection")
TIMEOUT_MARKER = "something went wrong while executing your query"
UNDEFINED_FIELD = "undefinedField"
Classified = tuple[dict[str, Any], tuple[FieldError, ...]]


def classify(status: int, headers: Mapping[str, str], body: bytes) -> Classified:
    """Return ``(data, partial errors)`` of a usable response; raise a ``GitHubError`` subclass
    otherwise."""
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
        raise ServerError(_server_error_text(status, message, payload), **kw)
    if status != 200:
        raise GitHubError(f"GitHub returned HTTP {status}: {message or text[:100]}", **kw)
    if not isinstance(payload, dict):
        raise BadResponseError("GitHub returned a response that is not JSON "
                               f"({text[:60].strip()!r}...)", **kw)
    data = payload.get("data")
    errors = payload.get("errors")
    if errors:
        partial = _partial_errors(errors, data)
        if partial is None:
            _raise_graphql_errors(errors, headers, kw)
        return data, partial
    if not isinstance(data, dict):
        raise BadResponseError("GitHub returned no data and no error", **kw)
    return data, ()


def _partial_errors(errors: Any, data: Any) -> tuple[FieldError, ...] | None:
    """The errors as ``FieldError``s when they are partial (usable ``data``, every error at a
    path, none a rate limit or a timeout); ``None`` when the request as a whole failed."""
    if not isinstance(data, dict) or not data or not isinstance(errors, list):
        return None
    found = []
    for error in errors:
        if not isinstance(error, dict):
            return None
        path, kind = error.get("path"), str(error.get("type") or "")
        message = str(error.get("message") or "")
        if not isinstance(path, list) or not path or kind in RATE_LIMIT_TYPES \
                or TIMEOUT_MARKER in message.lower():
            return None
        found.append(FieldError(kind, tuple(p for p in path if isinstance(p, str | int)),
                                message))
    return tuple(found)


def _server_error_text(status: int, message: str, payload: Any) -> str:
    if TIMEOUT_MARKER in message.lower():
        return f"GitHub timed out executing the query (HTTP {status})"
    if payload is None:
        return f"GitHub's proxy returned HTTP {status} (an HTML error page)"
    return f"GitHub returned HTTP {status}" + (f": {message}" if message else "")


def _raise_graphql_errors(errors: Any, headers: Mapping[str, str], kw: dict[str, Any]) -> None:
    errors = errors if isinstance(errors, list) else [errors]
    types = tuple(str(e.get("type") or "") for e in errors if isinstance(e, dict))
    messages = "; ".join(str(e.get("message", "")) for e in errors if isinstance(e, dict))
    if RATE_LIMIT_TYPES & set(types):
        raise RateLimitError(f"rate limit exhausted: {messages}",
                             reset_at=_float(headers.get("x-ratelimit-reset")), **kw)
    if "NOT_FOUND" in types:
        raise NotFoundError(messages, **kw)
    missing = _undefined_fields(errors)
    if missing:
        raise SchemaMismatchError(f"the server's schema lacks {', '.join(missing)}: {messages}",
                                  fields=missing, types=types, **kw)
    if TIMEOUT_MARKER in messages.lower():
        raise ServerError(f"GitHub timed out executing the query: {messages}", **kw)
    retryable = bool(RETRYABLE_TYPES & set(types))
    raise GraphQLError(f"GitHub GraphQL error: {messages}", types=types, retryable=retryable,
                       **kw)


def _json(body: bytes) -> Any:
    """The decoded body, or ``None`` when it is not JSON. orjson refuses lone surrogates
    (``"\\ud800"``, which GitHub emits for broken text); the standard library accepts them."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
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


def _undefined_fields(errors: list[Any]) -> tuple[str, ...]:
    """``Type.field`` of every validation error saying a field does not exist."""
    found = []
    for error in errors:
        ext = error.get("extensions") if isinstance(error, dict) else None
        if isinstance(ext, dict) and ext.get("code") == UNDEFINED_FIELD:
            found.append(f"{ext.get('typeName')}.{ext.get('fieldName')}")
    return tuple(dict.fromkeys(found))

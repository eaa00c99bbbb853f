"""The ``GitHubError`` family, and ``FieldError``: an error GitHub reported for one path of
otherwise usable data. Messages never contain a token; bodies are truncated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

BODY_LIMIT = 300


@dataclass(frozen=True, slots=True)
class FieldError:
    """A partial error: GitHub answered ``data`` with this path null, and said why."""

    type: str                 # FORBIDDEN, NOT_FOUND, RESOURCE_LIMITS_EXCEEDED, ... or ""
    path: tuple[str | int, ...]
    message: str

    def under(self, *prefix: str | int) -> bool:
        """Whether the error's path starts with ``prefix``."""
        return self.path[: len(prefix)] == prefix


class GitHubError(Exception):
    """Base: a request to GitHub failed. Keeps status, selected headers and a body excerpt."""

    retryable = False

    def __init__(self, message: str, *, status: int | None = None,
                 headers: Mapping[str, str] | None = None, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.headers = {k.lower(): v for k, v in (headers or {}).items()
                        if k.lower() != "authorization"}
        self.body = body[:BODY_LIMIT]


class MissingTokenError(GitHubError):
    """No token is configured."""


class ClientConfigError(GitHubError):
    """The client cannot be used as configured (a malformed token, an endpoint that is not
    HTTPS): nothing was sent."""


class AuthError(GitHubError):
    """GitHub rejected every token (HTTP 401 Bad credentials)."""


class NotFoundError(GitHubError):
    """The repository (or PR) does not exist or the token cannot see it."""


class RateLimitError(GitHubError):
    """Primary rate limit exhausted (RATE_LIMITED / RATE_LIMIT at HTTP 200, or 403 at 0)."""

    retryable = True

    def __init__(self, message: str, *, reset_at: float | None, **kw) -> None:
        super().__init__(message, **kw)
        self.reset_at = reset_at


class SecondaryRateLimitError(GitHubError):
    """Secondary (abuse) rate limit: wait ``retry_after`` seconds, or back off."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(GitHubError):
    """HTTP 5xx. 502/504 are GitHub's query timeouts (``is_timeout``): shrinking helps."""

    retryable = True

    @property
    def is_timeout(self) -> bool:
        return self.status in (502, 504) or "timeout" in str(self).lower()


class TransportError(GitHubError):
    """No usable HTTP response: connection refused or dropped, or the client timed out."""

    retryable = True


class ResponseTooLargeError(TransportError):
    """The response body passed the configured maximum size; it was not read further."""


class BadResponseError(GitHubError):
    """A response that is not what GitHub documents: not JSON, ``data: null`` without errors,
    missing fields, unknown enum values."""

    retryable = True


class GraphQLError(GitHubError):
    """``errors`` in a 200 response that are not rate limits or NOT_FOUND."""

    def __init__(self, message: str, *, types: tuple[str, ...] = (), retryable: bool = False,
                 **kw) -> None:
        super().__init__(message, **kw)
        self.types = types
        self.retryable = retryable


class SchemaMismatchError(GraphQLError):
    """The server's schema lacks a field the query uses (an older GitHub Enterprise Server)."""

    def __init__(self, message: str, *, fields: tuple[str, ...], **kw) -> None:
        super().__init__(message, **kw)
        self.fields = fields


class QueryTimeoutError(ServerError):
    """GitHub timed out on this query repeatedly: the caller should ask for less."""


class RetriesExhaustedError(GitHubError):
    """A retryable failure persisted past the retry budget."""

    def __init__(self, message: str, *, last: GitHubError) -> None:
        super().__init__(message, status=last.status, headers=last.headers, body=last.body)
        self.last = last


class WaitTooLongError(GitHubError):
    """Continuing needs a longer wait (rate limit) than the configured maximum."""

    def __init__(self, message: str, *, resume_at: float) -> None:
        super().__init__(message)
        self.resume_at = resume_at

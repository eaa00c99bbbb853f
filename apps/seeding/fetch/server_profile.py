"""What a GraphQL server supports that the queries depend on, checked once and remembered.

GitHub.com and recent GitHub Enterprise Server (GHES) versions have
``PullRequestReview.fullDatabaseId``; older GHES versions only the deprecated ``databaseId``, and
reject a whole query that names the other. The queries ask for ``fullDatabaseId``; when a server
rejects it, one introspection query (``__type``) confirms what the server has, the queries switch
to ``databaseId``, and the answer is kept per endpoint in a small file of the cache directory, so
later runs ask the right field at once.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .github.client import DEFAULT_URL, GraphQLClient
from .github.endpoint import display_url
from .github.errors import GitHubError, SchemaMismatchError
from .github.queries import INTROSPECTION

PROFILE_FILE = ".servers.json"
MODERN, LEGACY = "fullDatabaseId", "databaseId"


class ServerProfile:
    """The review id field of one endpoint; ``cache_file`` None keeps it in memory only."""

    def __init__(self, cache_file: Path | None, url: str) -> None:
        self.cache_file, self.key = cache_file, display_url(url)
        self.review_id = MODERN if url == DEFAULT_URL else self._load() or MODERN

    def adapt(self, client: GraphQLClient, error: SchemaMismatchError) -> bool:
        """After ``error``, probe the server's schema; True when the queries now use what it
        has (so the request is worth sending again)."""
        if self.review_id != MODERN or not any(MODERN in f for f in error.fields):
            return False
        try:
            data = client.execute(INTROSPECTION, {}).data
        except GitHubError:
            return False
        fields = {f.get("name") for f in ((data.get("review") or {}).get("fields") or [])
                  if isinstance(f, dict)}
        if MODERN in fields or LEGACY not in fields:
            return False
        self.review_id = LEGACY
        self._save()
        return True

    def _load(self) -> str | None:
        try:
            doc = json.loads(self.cache_file.read_text()) if self.cache_file else {}
        except (OSError, ValueError):
            return None
        entry = doc.get(self.key) if isinstance(doc, dict) else None
        value = entry.get("review_id") if isinstance(entry, dict) else None
        return value if value in (MODERN, LEGACY) else None

    def _save(self) -> None:
        if self.cache_file is None:
            return
        try:
            doc = json.loads(self.cache_file.read_text())
        except (OSError, ValueError):
            doc = {}
        doc = doc if isinstance(doc, dict) else {}
        doc[self.key] = {"review_id": self.review_id}
        tmp = self.cache_file.with_name(self.cache_file.name + ".tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump(doc, fh)
            os.replace(tmp, self.cache_file)
        except OSError:
            pass  # only a cache: the next run probes again

"""Loading, caching and validating against GitHub's schema and the fake's supported subset.

The *reference* schema is GitHub's full SDL when available (``GITHUB_SCHEMA_PATH``, else
``<repo>/../shared/github/schema.docs.graphql``), otherwise the bundled subset. Queries are first
validated against the reference schema (GitHub's own verdict), then against the subset the fake
actually serves; a query GitHub would accept but the fake cannot serve gets an error naming
what is unsupported.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from graphql import DocumentNode, GraphQLError, GraphQLSchema, build_schema, parse, validate

SUBSET_PATH = Path(__file__).with_name("schema_subset.graphql")
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA_PATH = REPO_ROOT.parent / "shared" / "github" / "schema.docs.graphql"

_BUILD_LOCK = threading.Lock()


def reference_schema_path() -> Path:
    """Path of the SDL to validate against: env var, shared real schema, else the subset."""
    env = os.environ.get("GITHUB_SCHEMA_PATH")
    if env:
        return Path(env)
    if SHARED_SCHEMA_PATH.is_file():
        return SHARED_SCHEMA_PATH
    return SUBSET_PATH


def real_schema_path() -> Path | None:
    """Path of GitHub's full SDL if one is available, else ``None``."""
    path = reference_schema_path()
    return None if path == SUBSET_PATH else path


@lru_cache(maxsize=4)
def _build(path: str) -> GraphQLSchema:
    # GitHub's own SDL breaks a graphql-js v17 rule (deprecated implementations of
    # non-deprecated interface fields), so it is trusted as is; the subset is fully checked.
    trusted = Path(path) != SUBSET_PATH
    return build_schema(Path(path).read_text(encoding="utf-8"), assume_valid=trusted)


def schema_at(path: Path) -> GraphQLSchema:
    """Build (once per process) and return the schema stored at ``path``."""
    with _BUILD_LOCK:
        return _build(str(path))


def subset_schema() -> GraphQLSchema:
    """The schema the fake executes against (the bundled subset)."""
    return schema_at(SUBSET_PATH)


def reference_schema() -> GraphQLSchema:
    """The schema GitHub would validate against (real SDL if present, else the subset)."""
    return schema_at(reference_schema_path())


def validate_query(document: DocumentNode) -> tuple[list[GraphQLError], bool]:
    """Validate ``document``; return ``(errors, unsupported)``.

    ``unsupported`` is True when the query is valid for GitHub but uses something the fake does
    not serve; the errors then come from validating against the subset.
    """
    errors = validate(reference_schema(), document)
    if errors or real_schema_path() is None:
        return errors, False
    subset_errors = validate(subset_schema(), document)
    return subset_errors, bool(subset_errors)


@lru_cache(maxsize=512)
def parse_and_validate(
    query: str, schema_path: str
) -> tuple[DocumentNode | None, GraphQLError | None, list[GraphQLError], bool]:
    """Parse and validate ``query``, memoised per query text and reference schema.

    Returns ``(document, syntax_error, validation_errors, unsupported)``; callers must not
    mutate the returned document.
    """
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, error, [], False
    errors, unsupported = validate_query(document)
    return document, None, errors, unsupported

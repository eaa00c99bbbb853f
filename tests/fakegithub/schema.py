"""Loading, caching and validating against GitHub's schema and the fake's supported subset.

The *reference* schema is GitHub's full SDL when available (``GITHUB_SCHEMA_PATH``, else
``<repo>/../shared/github/schema.docs.graphql``), otherwise the bundled subset. Queries are first
validated against the reference schema (GitHub's own verdict), then against the subset the fake
actually serves; a query GitHub would accept but the fake cannot serve gets an error naming
what is unsupported.

Every schema exists per *variant* (see ``variants.py``): ``github.com`` is the SDL as is, an
older GitHub Enterprise Server variant is the same SDL with some fields removed. Queries are
*executed* against the reference schema of the variant, extended with any extra enum values the
server was configured with, so introspection answers like GitHub's does for that variant.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    build_ast_schema,
    extend_schema,
    parse,
    validate,
)

from .variants import DEFAULT_VARIANT, enum_extension, removed_fields, without_fields

SUBSET_PATH = Path(__file__).with_name("schema_subset.graphql")
REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SCHEMA_PATH = REPO_ROOT.parent / "shared" / "github" / "schema.docs.graphql"

_BUILD_LOCK = threading.RLock()

EnumExtras = tuple[tuple[str, tuple[str, ...]], ...]


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
def _sdl(path: str) -> DocumentNode:
    return parse(Path(path).read_text(encoding="utf-8"), no_location=True)


@lru_cache(maxsize=8)
def _build(path: str, variant: str = DEFAULT_VARIANT) -> GraphQLSchema:
    # GitHub's own SDL breaks a graphql-js v17 rule (deprecated implementations of
    # non-deprecated interface fields), so it is trusted as is; the subset is fully checked.
    trusted = Path(path) != SUBSET_PATH
    document = without_fields(_sdl(path), removed_fields(variant))
    return build_ast_schema(document, assume_valid=trusted)


@lru_cache(maxsize=8)
def _extended(path: str, variant: str, extras: EnumExtras) -> GraphQLSchema:
    base = _build(path, variant)
    if not extras:
        return base
    return extend_schema(base, enum_extension(extras), assume_valid=True)


def schema_at(path: Path, variant: str = DEFAULT_VARIANT) -> GraphQLSchema:
    """Build (once per process) and return the schema stored at ``path`` for ``variant``."""
    with _BUILD_LOCK:
        return _build(str(path), variant)


def subset_schema(variant: str = DEFAULT_VARIANT) -> GraphQLSchema:
    """The bundled subset: exactly what the fake serves."""
    return schema_at(SUBSET_PATH, variant)


def reference_schema(variant: str = DEFAULT_VARIANT) -> GraphQLSchema:
    """The schema GitHub would validate against (real SDL if present, else the subset)."""
    return schema_at(reference_schema_path(), variant)


def freeze_extras(extra_enum_values: dict[str, list[str]] | None) -> EnumExtras:
    """A hashable, sorted form of ``{"EnumName": ["NEW_VALUE", ...]}``."""
    return tuple(sorted((name, tuple(values)) for name, values in
                        (extra_enum_values or {}).items() if values))


def execution_schema(variant: str = DEFAULT_VARIANT, extras: EnumExtras = ()) -> GraphQLSchema:
    """The schema queries run against: the variant's reference schema plus extra enum values."""
    with _BUILD_LOCK:
        return _extended(str(reference_schema_path()), variant, extras)


def validate_query(document: DocumentNode,
                   variant: str = DEFAULT_VARIANT) -> tuple[list[GraphQLError], bool]:
    """Validate ``document``; return ``(errors, unsupported)``.

    ``unsupported`` is True when the query is valid for GitHub but uses something the fake does
    not serve; the errors then come from validating against the subset.
    """
    errors = validate(reference_schema(variant), document)
    if errors or real_schema_path() is None:
        return errors, False
    subset_errors = validate(subset_schema(variant), document)
    return subset_errors, bool(subset_errors)


@lru_cache(maxsize=512)
def parse_and_validate(
    query: str, schema_path: str, variant: str = DEFAULT_VARIANT,
) -> tuple[DocumentNode | None, GraphQLError | None, list[GraphQLError], bool]:
    """Parse and validate ``query``, memoised per query text, reference schema and variant.

    Returns ``(document, syntax_error, validation_errors, unsupported)``; callers must not
    mutate the returned document.
    """
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, error, [], False
    errors, unsupported = validate_query(document, variant)
    return document, None, errors, unsupported

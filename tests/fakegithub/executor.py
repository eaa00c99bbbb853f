"""Execute a validated query against the dataset and shape the result like GitHub does."""

from __future__ import annotations

from graphql import DocumentNode, GraphQLError, GraphQLSchema, execute

from . import resolvers  # noqa: F401  (importing it registers every resolver)
from .errors import GitHubError
from .registry import RequestContext, resolve_field, resolve_type
from .schema import execution_schema


def execute_document(
    document: DocumentNode,
    ctx: RequestContext,
    variables: dict | None = None,
    operation_name: str | None = None,
    schema: GraphQLSchema | None = None,
) -> dict:
    """Run ``document`` and return the response body ``{"data": ..., "errors": [...]}``.

    ``schema`` defaults to the reference schema GitHub executes with (``execution_schema()``).
    """
    result = execute(
        schema or execution_schema(),
        document,
        context_value=ctx,
        variable_values=variables,
        operation_name=operation_name,
        field_resolver=resolve_field,
        type_resolver=resolve_type,
    )
    body: dict = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(error) for error in result.errors]
    return body


def format_error(error: GraphQLError) -> dict:
    """GitHub's error layout: ``type`` (when known), ``path``, ``locations``, ``message``."""
    formatted: dict = {}
    original = error.original_error
    if isinstance(original, GitHubError) and original.error_type:
        formatted["type"] = original.error_type
    if error.path is not None:
        formatted["path"] = list(error.path)
    if error.locations and getattr(original, "locations", True):
        formatted["locations"] = [{"line": loc.line, "column": loc.column}
                                  for loc in error.locations]
    formatted["message"] = _message(error)
    return formatted


def _message(error: GraphQLError) -> str:
    original = error.original_error
    if original is None or isinstance(original, GitHubError):
        return error.message
    return f"fake GitHub internal error ({type(original).__name__}): {original}"

"""Turning a request body into a runnable query: parse, validate, coerce variables, cost."""

from __future__ import annotations

import json
from dataclasses import dataclass

from graphql import DocumentNode, FieldNode, GraphQLError
from graphql.execution.values import get_variable_values
from graphql.utilities import get_operation_ast

from .cost import QueryCost, analyze
from .errors import graphql_errors
from .executor import format_error
from .schema import parse_and_validate, reference_schema_path, subset_schema
from .stats import query_shape
from .validation import format_validation_error
from .variants import DEFAULT_VARIANT

UNSUPPORTED_PREFIX = "fake GitHub does not serve this (GitHub would accept the query): "


@dataclass
class Prepared:
    """A request body after every check that happens before execution."""

    query: str | None = None
    variables: dict | None = None
    operation_name: str | None = None
    document: DocumentNode | None = None
    coerced: dict | None = None
    cost: QueryCost | None = None
    error_body: dict | None = None
    shape: str = "invalid"
    validation: tuple[list[GraphQLError], bool] = ([], False)
    variant: str = DEFAULT_VARIANT

    @property
    def ok(self) -> bool:
        """Whether the query can be executed."""
        return self.error_body is None

    @property
    def introspection_keys(self) -> list[str]:
        """Response keys of root ``__schema``/``__type`` fields (free of simulated time)."""
        operation = get_operation_ast(self.document, self.operation_name) if self.document \
            else None
        selections = operation.selection_set.selections if operation else ()
        return [(s.alias or s.name).value for s in selections
                if isinstance(s, FieldNode) and s.name.value in ("__schema", "__type")]

    @property
    def pull_request_page_sizes(self) -> list[int]:
        """Page sizes asked of ``pullRequests`` (for the heavy-query rule)."""
        return self.cost.page_sizes("pullRequests") if self.cost else []


def prepare(payload: dict, variant: str = DEFAULT_VARIANT) -> Prepared:
    """Check a decoded JSON body against schema ``variant``; the result carries an error body
    if it cannot run."""
    prepared = Prepared(query=payload.get("query"), operation_name=payload.get("operationName"),
                        variant=variant)
    for step in (_read_fields, _parse, _validate, _coerce, _analyze):
        prepared.error_body = step(prepared, payload)
        if prepared.error_body is not None:
            break
    return prepared


def _read_fields(prepared: Prepared, payload: dict) -> dict | None:
    if not isinstance(prepared.query, str) or not prepared.query.strip():
        return graphql_errors("A query attribute must be specified and must be a string.")
    variables = payload.get("variables")
    if isinstance(variables, str):
        try:
            variables = json.loads(variables) if variables.strip() else None
        except ValueError:
            return graphql_errors("Variables are invalid JSON.")
    if variables is not None and not isinstance(variables, dict):
        return graphql_errors("Variables are invalid JSON.")
    prepared.variables = variables
    name = prepared.operation_name
    return None if name is None or isinstance(name, str) else graphql_errors(
        "operationName must be a string.")


def _parse(prepared: Prepared, payload: dict) -> dict | None:
    document, syntax_error, errors, unsupported = parse_and_validate(
        prepared.query, str(reference_schema_path()), prepared.variant)
    if syntax_error is not None:
        return {"errors": [format_error(syntax_error)]}
    prepared.document = document
    prepared.validation = errors, unsupported
    return None


def _validate(prepared: Prepared, payload: dict) -> dict | None:
    errors, unsupported = prepared.validation
    if not errors:
        prepared.shape = query_shape(prepared.document, prepared.operation_name)
        return None
    if not unsupported:
        return {"errors": [format_validation_error(e, prepared.document) for e in errors]}
    formatted = [format_error(error) for error in errors]
    for item in formatted:
        item["type"] = "FAKE_UNSUPPORTED"
        item["message"] = UNSUPPORTED_PREFIX + item["message"]
    return {"errors": formatted}


def _coerce(prepared: Prepared, payload: dict) -> dict | None:
    operation = get_operation_ast(prepared.document, prepared.operation_name)
    if operation is None:
        name = prepared.operation_name
        return graphql_errors(f"No operation named \"{name}\"" if name else
                              "An operation name is required")
    result = get_variable_values(subset_schema(prepared.variant),
                                 operation.variable_definitions or (),
                                 prepared.variables or {})
    if isinstance(result, list):
        return {"errors": [format_error(error) for error in result]}
    prepared.coerced = result.coerced
    return None


def _analyze(prepared: Prepared, payload: dict) -> dict | None:
    prepared.cost = analyze(subset_schema(prepared.variant), prepared.document, prepared.coerced,
                            prepared.operation_name)
    return {"errors": prepared.cost.errors} if prepared.cost.errors else None

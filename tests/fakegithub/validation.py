"""Validation errors in GitHub's (graphql-ruby's) shape.

GitHub reports an unknown field as::

    {"path": ["query Name", "repository", "... on PullRequest", "mergeQueueEntry"],
     "extensions": {"code": "undefinedField", "typeName": "PullRequest",
                    "fieldName": "mergeQueueEntry"},
     "locations": [{"line": 17, "column": 9}],
     "message": "Field 'mergeQueueEntry' doesn't exist on type 'PullRequest'"}

The path starts with the operation (``query``, ``query Name``) or ``fragment Name``, then
names each field by its response key (alias or name) and each inline fragment as
``... on Type``. Other validation errors keep graphql-core's wording.
"""

from __future__ import annotations

import re

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
)

from .executor import format_error

_UNDEFINED = re.compile(r"^Cannot query field '([^']+)' on type '([^']+)'\.")


def format_validation_error(error: GraphQLError, document: DocumentNode) -> dict:
    """``error`` as GitHub would report it (``undefinedField`` rewritten, others as is)."""
    match = _UNDEFINED.match(error.message)
    if match is None or not error.nodes:
        return format_error(error)
    field_name, type_name = match.groups()
    formatted = {
        "path": ast_path(document, error.nodes[0]) or [],
        "extensions": {"code": "undefinedField", "typeName": type_name, "fieldName": field_name},
    }
    plain = format_error(error)
    if "locations" in plain:
        formatted["locations"] = plain["locations"]
    formatted["message"] = f"Field '{field_name}' doesn't exist on type '{type_name}'"
    return formatted


def ast_path(document: DocumentNode, target: object) -> list[str] | None:
    """graphql-ruby's static-validation path to ``target`` (an AST node) in ``document``."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            label = definition.operation.value
            if definition.name:
                label = f"{label} {definition.name.value}"
        elif isinstance(definition, FragmentDefinitionNode):
            label = f"fragment {definition.name.value}"
        else:
            continue
        found = _search(definition.selection_set, target, [label])
        if found is not None:
            return found
    return None


def _search(selection_set, target: object, path: list[str]) -> list[str] | None:
    for selection in selection_set.selections if selection_set else ():
        step = _step(selection)
        if step is None:
            continue
        here = [*path, step]
        if selection is target:
            return here
        found = _search(selection.selection_set, target, here)
        if found is not None:
            return found
    return None


def _step(selection) -> str | None:
    if isinstance(selection, FieldNode):
        return (selection.alias or selection.name).value
    if isinstance(selection, InlineFragmentNode):
        condition = selection.type_condition
        return f"... on {condition.name.value}" if condition else "..."
    return None

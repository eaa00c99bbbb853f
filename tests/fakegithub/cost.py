"""GitHub's GraphQL node limit and point cost, as pure functions.

GitHub's documented algorithm: every connection must say ``first`` or ``last`` (1..100). The
*node count* is, summed over connections, the page size times the page sizes of all enclosing
connections (limit 500,000). The *request count* of a connection is the number of pages needed
to fill it, i.e. the product of its ancestors' page sizes (1 at the top level). Cost in points
is ``round(total_requests / 100)`` with a minimum of 1.

Two ways in: ``*_for_tree`` take a plain tree ``{"pullRequests": (50, {"files": 100})}`` (handy
for benchmarks); ``analyze`` walks a parsed query against a schema, resolving variables.

As observed on api.github.com (rateLimit.nodeCount in recorded traffic), a connection that only
selects ``totalCount`` needs no ``first``/``last`` and adds neither nodes nor requests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLInt,
    GraphQLSchema,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_object_type,
)
from graphql.utilities import get_operation_ast, value_from_ast

MAX_PAGE_SIZE = 100
NODE_LIMIT = 500_000

Tree = Mapping[str, "int | tuple[int, Tree]"]


def points_for_requests(requests: int) -> int:
    """Points charged for ``requests`` connection fills: requests / 100, rounded, minimum 1."""
    return max(1, math.floor(requests / 100 + 0.5))


def _children(spec: int | tuple[int, Tree]) -> tuple[int, Tree]:
    return (spec, {}) if isinstance(spec, int) else spec


def requests_for_tree(tree: Tree, multiplier: int = 1) -> int:
    """Requests needed to fill every connection of ``tree`` ({name: size | (size, subtree)})."""
    total = 0
    for spec in tree.values():
        size, sub = _children(spec)
        total += multiplier + requests_for_tree(sub, multiplier * size)
    return total


def nodes_for_tree(tree: Tree, multiplier: int = 1) -> int:
    """Maximum number of nodes ``tree`` can return (what GitHub checks against 500,000)."""
    total = 0
    for spec in tree.values():
        size, sub = _children(spec)
        total += multiplier * size + nodes_for_tree(sub, multiplier * size)
    return total


def points_for_tree(tree: Tree) -> int:
    """Rate-limit points GitHub charges for a query shaped like ``tree``."""
    return points_for_requests(requests_for_tree(tree))


@dataclass(frozen=True)
class ConnectionUse:
    """One connection field as selected by a query."""

    name: str
    path: tuple[str, ...]
    first: int | None
    last: int | None
    multiplier: int
    count_only: bool
    location: tuple[int, int]

    @property
    def page_size(self) -> int | None:
        """``first`` or ``last``, whichever was given."""
        return self.first if self.first is not None else self.last

    @property
    def counted(self) -> bool:
        """Whether this connection adds to node count and cost."""
        return not self.count_only and self.page_size is not None


@dataclass
class QueryCost:
    """Result of analysing a query: its connections, node count, cost and limit errors."""

    connections: list[ConnectionUse] = field(default_factory=list)
    node_count: int = 0
    requests: int = 0
    cost: int = 1
    errors: list[dict] = field(default_factory=list)

    def page_sizes(self, name: str) -> list[int]:
        """Page sizes requested for every connection field called ``name``."""
        return [c.page_size for c in self.connections if c.name == name and c.page_size]


def analyze(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping | None = None,
    operation_name: str | None = None,
) -> QueryCost:
    """Analyse a *validated* query: connections, GitHub limit errors, node count and cost."""
    connections = find_connections(schema, document, variables or {}, operation_name)
    counted = [c for c in connections if c.counted]
    result = QueryCost(connections=connections)
    result.node_count = sum(c.multiplier * c.page_size for c in counted)
    result.requests = sum(c.multiplier for c in counted)
    result.cost = points_for_requests(result.requests)
    result.errors = boundary_errors(connections) or node_limit_errors(connections)
    return result


def boundary_errors(connections: list[ConnectionUse]) -> list[dict]:
    """MISSING_PAGINATION_BOUNDARIES / EXCESSIVE_PAGINATION errors, GitHub-shaped."""
    errors = []
    for conn in connections:
        message, error_type = _boundary_problem(conn)
        if message:
            errors.append(_error(conn, message, error_type))
    return errors


def _boundary_problem(conn: ConnectionUse) -> tuple[str | None, str | None]:
    if conn.first is not None and conn.last is not None:
        return (f"Passing both `first` and `last` to paginate the `{conn.name}` connection is "
                "not supported."), "EXCESSIVE_PAGINATION"
    if conn.page_size is None:
        if conn.count_only:
            return None, None
        return (f"You must provide a `first` or `last` value to properly paginate the "
                f"`{conn.name}` connection."), "MISSING_PAGINATION_BOUNDARIES"
    arg = "first" if conn.first is not None else "last"
    if conn.page_size > MAX_PAGE_SIZE:
        return (f"Requesting {conn.page_size} records on the `{conn.name}` connection exceeds "
                f"the `{arg}` limit of {MAX_PAGE_SIZE} records."), "EXCESSIVE_PAGINATION"
    if conn.page_size < 1:
        return (f"Requesting {conn.page_size} records on the `{conn.name}` connection is below "
                f"the `{arg}` minimum of 1 record."), "EXCESSIVE_PAGINATION"
    return None, None


def node_limit_errors(connections: list[ConnectionUse]) -> list[dict]:
    """MAX_NODE_LIMIT_EXCEEDED error once the running node count passes 500,000."""
    total = 0
    for conn in connections:
        if not conn.counted:
            continue
        total += conn.multiplier * conn.page_size
        if total > NODE_LIMIT:
            message = (f"By the time this query traverses to the {conn.name} connection, it is "
                       f"requesting up to {total:,} possible nodes which exceeds the maximum "
                       f"limit of {NODE_LIMIT:,}.")
            return [{"type": "MAX_NODE_LIMIT_EXCEEDED", "message": message}]
    return []


def _error(conn: ConnectionUse, message: str, error_type: str | None) -> dict:
    error = {"type": error_type} if error_type else {}
    line, column = conn.location
    error.update(path=list(conn.path), locations=[{"line": line, "column": column}],
                 message=message)
    return error


# --- walking a query -------------------------------------------------------------------------


@dataclass
class _Walk:
    schema: GraphQLSchema
    variables: Mapping
    fragments: dict[str, FragmentDefinitionNode]
    found: list[ConnectionUse] = field(default_factory=list)


def find_connections(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping,
    operation_name: str | None = None,
) -> list[ConnectionUse]:
    """Every connection field the chosen operation selects, in document order."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, variables, fragments)
    root = schema.get_root_type(operation.operation)
    if root is not None:
        _walk_selections(walk, operation.selection_set, root, (), 1)
    return walk.found


def _walk_selections(walk: _Walk, selection_set, parent, path, multiplier) -> None:
    for node, node_type in _expand(walk, selection_set, parent):
        _walk_field(walk, node, node_type, path, multiplier)


def _expand(walk: _Walk, selection_set: SelectionSetNode | None, parent):
    """Yield ``(field_node, parent_type)`` pairs, flattening fragments and skipped fields."""
    for selection in selection_set.selections if selection_set else ():
        if not _included(walk, selection):
            continue
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            yield from _expand(walk, selection.selection_set, _condition(walk, selection, parent))
        elif isinstance(selection, FragmentSpreadNode):
            fragment = walk.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _expand(walk, fragment.selection_set,
                                   _condition(walk, fragment, parent))


def _condition(walk: _Walk, node, parent):
    if node.type_condition is None:
        return parent
    return walk.schema.get_type(node.type_condition.name.value) or parent


def _included(walk: _Walk, node) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        arg = next((a for a in directive.arguments if a.name.value == "if"), None)
        value = value_from_ast(arg.value, GraphQLBoolean, walk.variables) if arg else None
        if (name == "skip" and value is True) or (name == "include" and value is False):
            return False
    return True


def _walk_field(walk: _Walk, node: FieldNode, parent, path, multiplier) -> None:
    field_def = getattr(parent, "fields", {}).get(node.name.value)
    if field_def is None:
        return
    named = get_named_type(field_def.type)
    key = node.alias.value if node.alias else node.name.value
    child_path = (*path, key)
    if is_object_type(named) and named.name.endswith("Connection"):
        conn = _connection_use(walk, node, named, child_path, multiplier)
        walk.found.append(conn)
        if conn.count_only:
            return
        multiplier *= conn.page_size or 1
    _walk_selections(walk, node.selection_set, named, child_path, multiplier)


def _connection_use(walk: _Walk, node: FieldNode, named, path, multiplier) -> ConnectionUse:
    args = {a.name.value: a.value for a in node.arguments or ()}
    first, last = (_int_arg(walk, args.get(name)) for name in ("first", "last"))
    selected = {f.name.value for f, _ in _expand(walk, node.selection_set, named)}
    location = node.loc.source.get_location(node.loc.start) if node.loc else None
    return ConnectionUse(
        name=node.name.value,
        path=path,
        first=first,
        last=last,
        multiplier=multiplier,
        count_only=selected <= {"totalCount", "__typename"},
        location=(location.line, location.column) if location else (0, 0),
    )


def _int_arg(walk: _Walk, value_node) -> int | None:
    if value_node is None:
        return None
    value = value_from_ast(value_node, GraphQLInt, walk.variables)
    return value if isinstance(value, int) else None

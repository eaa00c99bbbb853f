"""Request accounting: totals per token (hashed), per query shape, points, and request records."""

from __future__ import annotations

import copy
from collections import Counter, deque
from dataclasses import dataclass, field

from graphql import DocumentNode, FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.utilities import get_operation_ast

INTERESTING_REPOSITORY_FIELDS = ("pullRequests", "pullRequest")


@dataclass
class Stats:
    """What the server saw. ``records`` keeps the newest ``max_records`` requests."""

    total: int = 0
    points: int = 0
    by_token: Counter = field(default_factory=Counter)
    by_shape: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_fault: Counter = field(default_factory=Counter)
    records: deque = field(default_factory=lambda: deque(maxlen=10_000))

    def add(self, record: dict) -> None:
        """Count one request record (see ``FakeGitHub`` for its keys)."""
        self.total += 1
        self.points += record.get("cost") or 0
        self.by_token[record.get("token") or "anonymous"] += 1
        self.by_shape[record.get("shape") or "unknown"] += 1
        self.by_status[record.get("status", 0)] += 1
        if record.get("fault"):
            self.by_fault[record["fault"]] += 1
        self.records.append(record)

    def snapshot(self) -> Stats:
        """A deep copy safe to read while the server keeps counting."""
        return copy.deepcopy(self)

    def as_dict(self, last_records: int | None = None) -> dict:
        """JSON-serialisable form; ``last_records`` limits how many records are included."""
        records = list(self.records)
        if last_records is not None:
            records = records[-last_records:] if last_records else []
        return {
            "total": self.total,
            "points": self.points,
            "by_token": dict(self.by_token),
            "by_shape": dict(self.by_shape),
            "by_status": {str(k): v for k, v in self.by_status.items()},
            "by_fault": dict(self.by_fault),
            "records": records,
        }


def query_shape(document: DocumentNode | None, operation_name: str | None = None) -> str:
    """Short name of what a query fetches: ``pullRequests``, ``pullRequest``, ``node``...

    Fields under ``repository`` count as ``pullRequests``/``pullRequest`` when present;
    ``rateLimit`` only counts when it is all the query asks for.
    """
    operation = get_operation_ast(document, operation_name) if document else None
    if operation is None:
        return "invalid"
    parts: set[str] = set()
    roots = _field_names(document, operation.selection_set)
    for node in roots:
        parts.update(_root_parts(document, node))
    if not parts and any(node.name.value == "rateLimit" for node in roots):
        return "rateLimit"
    return "+".join(sorted(parts)) or "empty"


def _root_parts(document: DocumentNode, node: FieldNode) -> list[str]:
    name = node.name.value
    if name == "rateLimit":
        return []
    if name != "repository":
        return [name]
    children = [c.name.value for c in _field_names(document, node.selection_set)]
    return [c for c in children if c in INTERESTING_REPOSITORY_FIELDS] or ["repository"]


def _field_names(document: DocumentNode, selection_set) -> list[FieldNode]:
    fields: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            fields.extend(_field_names(document, selection.selection_set))
        elif isinstance(selection, FragmentSpreadNode):
            fields.extend(_fragment_fields(document, selection.name.value))
    return fields


def _fragment_fields(document: DocumentNode, name: str) -> list[FieldNode]:
    for definition in document.definitions:
        if getattr(definition, "name", None) and definition.name.value == name \
                and hasattr(definition, "type_condition"):
            return _field_names(document, definition.selection_set)
    return []

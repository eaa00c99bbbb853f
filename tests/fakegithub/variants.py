"""Schema variants: GitHub.com and older GitHub Enterprise Server releases.

A variant is GitHub's SDL minus the fields that release did not have yet. ``ghes-3.8`` stands
for a GitHub Enterprise Server from before the 64-bit ``fullDatabaseId`` fields; a query
selecting them gets GitHub's ``undefinedField`` validation error, as on such a server.

Extra enum values (``FakeGitHub(extra_enum_values=...)``) are added with an SDL
``extend enum`` document: GitHub adds values to enums over time and clients built against an
older schema must survive them.
"""

from __future__ import annotations

from graphql import DocumentNode, ObjectTypeDefinitionNode, parse

DEFAULT_VARIANT = "github.com"
VARIANTS: dict[str, frozenset[tuple[str, str]]] = {
    DEFAULT_VARIANT: frozenset(),
    "ghes-3.8": frozenset({("PullRequest", "fullDatabaseId"),
                           ("PullRequestReview", "fullDatabaseId")}),
}


def removed_fields(variant: str) -> frozenset[tuple[str, str]]:
    """``(type, field)`` pairs absent from ``variant``; ``ValueError`` for an unknown one."""
    try:
        return VARIANTS[variant]
    except KeyError:
        raise ValueError(f"unknown schema variant {variant!r}; expected one of "
                         f"{sorted(VARIANTS)}") from None


def without_fields(document: DocumentNode,
                   removed: frozenset[tuple[str, str]]) -> DocumentNode:
    """A copy of the SDL ``document`` without the ``removed`` object fields."""
    if not removed:
        return document
    definitions = tuple(_filtered(d, removed) if isinstance(d, ObjectTypeDefinitionNode) else d
                        for d in document.definitions)
    return DocumentNode(definitions=definitions)


def _filtered(definition: ObjectTypeDefinitionNode,
              removed: frozenset[tuple[str, str]]) -> ObjectTypeDefinitionNode:
    name = definition.name.value
    if not any(type_name == name for type_name, _ in removed):
        return definition
    kwargs = {key: getattr(definition, key) for key in definition.keys}
    kwargs["fields"] = tuple(f for f in definition.fields if (name, f.name.value) not in removed)
    return ObjectTypeDefinitionNode(**kwargs)


def enum_extension(extras: tuple[tuple[str, tuple[str, ...]], ...]) -> DocumentNode:
    """``extend enum NAME { VALUE ... }`` for every ``(NAME, VALUES)`` pair."""
    text = "\n".join(f"extend enum {name} {{ {' '.join(values)} }}" for name, values in extras)
    return parse(text)

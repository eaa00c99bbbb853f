"""The resolver registry and the per-request context shared by every resolver module.

``resolve_field`` dispatches on ``(parent type, field)``; fields without a dedicated resolver
read the same-named key of the dataset dict. A missing key is a loud GraphQL error, never a
silent null. The guards here (token permissions, per-PR resource limits) raise GitHub-shaped
errors that graphql-core turns into ``null`` plus an error at the field's response path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import GitHubError
from .faults import ResourceLimits
from .objects import Obj
from .store import Store

FORBIDDEN_MESSAGE = "Resource not accessible by personal access token"
RESOURCE_LIMITS_MESSAGE = "Resource limits for this query exceeded."
ALL_PERMISSIONS: Mapping[str, bool] = {"checks": True, "statuses": True}
DEFAULT_MAX_FILES = 3000


@dataclass
class RequestContext:
    """Per-request state visible to resolvers."""

    store: Store
    rate_limit: dict
    viewer: dict
    permissions: Mapping[str, bool] = field(default_factory=lambda: dict(ALL_PERMISSIONS))
    max_files: int = DEFAULT_MAX_FILES
    resource_limits: tuple[ResourceLimits, ...] = ()

    def allowed(self, permission: str) -> bool:
        """Whether the token may read ``permission`` (``checks``, ``statuses``)."""
        return self.permissions.get(permission, True)


Resolver = Callable[[Any, dict, RequestContext], Any]
RESOLVERS: dict[tuple[str, str], Resolver] = {}


def resolver(typename: str, *fields: str) -> Callable[[Resolver], Resolver]:
    """Register the decorated function for ``typename.field`` for each of ``fields``."""
    def register(fn: Resolver) -> Resolver:
        for field_name in fields:
            RESOLVERS[(typename, field_name)] = fn
        return fn
    return register


def resolve_field(source: Any, info, **args: Any) -> Any:
    """graphql-core ``field_resolver``: dedicated resolver, else the dataset dict's key."""
    fn = RESOLVERS.get((info.parent_type.name, info.field_name))
    if fn is not None:
        return fn(source, args, info.context)
    data = source.data if isinstance(source, Obj) else source
    if isinstance(data, dict) and info.field_name in data:
        return data[info.field_name]
    raise GitHubError(
        f"fake GitHub cannot resolve {info.parent_type.name}.{info.field_name}: "
        "the field is not supported by the fake server or missing from its dataset",
        "FAKE_UNSUPPORTED",
    )


@dataclass(frozen=True)
class Missing:
    """Placeholder for an unresolvable item of ``Query.nodes``."""

    error: GitHubError


def resolve_type(value: Any, info, abstract_type) -> str:
    """graphql-core ``type_resolver``: the concrete type name carried by the value."""
    if isinstance(value, Missing):
        raise value.error
    return value.typename


def forbidden() -> GitHubError:
    """GitHub's error for data a fine-grained token lacks the permission for."""
    return GitHubError(FORBIDDEN_MESSAGE, "FORBIDDEN")


def require(ctx: RequestContext, *permissions: str) -> None:
    """Raise FORBIDDEN unless the token has every one of ``permissions``."""
    if not all(ctx.allowed(p) for p in permissions):
        raise forbidden()


def check_limits(obj: Obj, args: dict, ctx: RequestContext) -> None:
    """Raise RESOURCE_LIMITS_EXCEEDED if a configured per-PR limit applies to this field."""
    if any(limit.applies(obj, args) for limit in ctx.resource_limits):
        raise GitHubError(RESOURCE_LIMITS_MESSAGE, "RESOURCE_LIMITS_EXCEEDED", locations=False)


def limited(fn: Resolver) -> Resolver:
    """Decorate a nested connection resolver with ``check_limits``."""
    def guarded(obj: Obj, args: dict, ctx: RequestContext) -> Any:
        check_limits(obj, args, ctx)
        return fn(obj, args, ctx)
    guarded.__name__ = fn.__name__
    guarded.__doc__ = fn.__doc__
    return guarded

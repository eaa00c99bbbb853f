"""GraphQL field resolvers serving the dataset dicts through graphql-core.

Importing this module registers every resolver. The registry, the request context and the
guards live in ``registry``; resolvers are grouped by topic: ``resolve_repo`` (query root,
repositories, leaf objects), ``resolve_pr`` (pull requests, reviews, commit lists),
``resolve_checks`` (commits, check suites and runs), ``resolve_status`` (legacy statuses and
``statusCheckRollup``).
"""

from __future__ import annotations

from . import resolve_checks, resolve_pr, resolve_repo, resolve_status
from .registry import (
    RESOLVERS,
    Missing,
    RequestContext,
    ResourceLimits,
    resolve_field,
    resolve_type,
)
from .resolve_pr import REVIEW_CODEC

__all__ = ["REVIEW_CODEC", "RESOLVERS", "Missing", "RequestContext", "ResourceLimits",
           "resolve_checks", "resolve_field", "resolve_pr", "resolve_repo", "resolve_status",
           "resolve_type"]

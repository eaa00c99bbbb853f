"""Resolvers of the query root, repositories, their pull request list and small leaf objects."""

from __future__ import annotations

from .cursors import KeysetCodec, typed_list
from .errors import GitHubError
from .ids import crc, node_id
from .objects import Obj, RepoRef, pr_obj, repo_obj
from .pagination import keyed, paginate
from .registry import Missing, RequestContext, forbidden, resolver
from .store import repository_id
from .timeutil import iso_seconds

# Which token permission reading a node of each type needs (fine-grained tokens).
NODE_PERMISSIONS = {
    "CheckSuite": ("checks",), "CheckRun": ("checks",),
    "Status": ("statuses",), "StatusContext": ("statuses",),
    "StatusCheckRollup": ("checks", "statuses"),
}

# --- Query ------------------------------------------------------------------------------------


@resolver("Query", "repository")
def _repository(_, args: dict, ctx: RequestContext) -> Obj:
    repo = ctx.store.repository(args["owner"], args["name"], args.get("followRenames", True))
    if repo is None:
        raise GitHubError(
            f"Could not resolve to a Repository with the name '{args['owner']}/{args['name']}'.",
            "NOT_FOUND",
        )
    return repo_obj(repo)


@resolver("Query", "rateLimit")
def _rate_limit(_, args: dict, ctx: RequestContext) -> dict:
    return ctx.rate_limit


@resolver("Query", "viewer")
def _viewer(_, args: dict, ctx: RequestContext) -> Obj:
    return Obj("User", ctx.viewer)


def _node_not_found(global_id: str) -> GitHubError:
    return GitHubError(f"Could not resolve to a node with the global id of '{global_id}'",
                       "NOT_FOUND")


def _lookup(global_id: str, ctx: RequestContext) -> Obj | Missing:
    obj = ctx.store.node(global_id)
    if obj is None:
        return Missing(_node_not_found(global_id))
    if not all(ctx.allowed(p) for p in NODE_PERMISSIONS.get(obj.typename, ())):
        return Missing(forbidden())
    return obj


@resolver("Query", "node")
def _node(_, args: dict, ctx: RequestContext) -> Obj:
    found = _lookup(args["id"], ctx)
    if isinstance(found, Missing):
        raise found.error
    return found


@resolver("Query", "nodes")
def _nodes(_, args: dict, ctx: RequestContext) -> list:
    return [_lookup(i, ctx) for i in args["ids"]]


# --- Repository -------------------------------------------------------------------------------


@resolver("Repository", "id")
def _repo_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return repository_id(obj.repo)


@resolver("Repository", "databaseId")
def _repo_database_id(obj: Obj, args: dict, ctx: RequestContext) -> int:
    return obj.repo.database_id


@resolver("Repository", "name")
def _repo_name(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.repo.name


@resolver("Repository", "nameWithOwner")
def _repo_name_with_owner(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.repo.key


@resolver("Repository", "url")
def _repo_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.repo.url


@resolver("Repository", "owner")
def _repo_owner(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    repo = obj.repo
    typename = repo.data.get("ownerType", "Organization")
    database_id = crc(repo.owner.lower()) % 90_000_000 + 1
    data = {
        "login": repo.owner,
        "id": node_id(typename, database_id),
        "databaseId": database_id,
        "name": repo.owner,
        "url": f"https://github.com/{repo.owner}",
        "avatarUrl": f"https://avatars.githubusercontent.com/u/{database_id}?v=4",
    }
    return Obj(typename, data, repo)


@resolver("Repository", "pullRequest")
def _pull_request(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    pr = obj.repo.prs_by_number.get(args["number"])
    if pr is None:
        raise GitHubError(
            f"Could not resolve to a PullRequest with the number of {args['number']}.",
            "NOT_FOUND",
        )
    return pr_obj(obj.repo, pr)


_ORDER_VALUES = {
    "CREATED_AT": lambda pr: [pr["createdAt"], pr["number"]],
    "UPDATED_AT": lambda pr: [iso_seconds(pr["updatedAt"]) * 1000, pr["number"]],
    "COMMENTS": lambda pr: [len(pr.get("comments") or ()), pr["number"]],
}
_ORDER_KEYS = {
    "CREATED_AT": lambda v: (iso_seconds(typed_list(v, str, int)[0]), v[1]),
    "UPDATED_AT": lambda v: tuple(typed_list(v, int, int)),
    "COMMENTS": lambda v: tuple(typed_list(v, int, int)),
}


def pull_request_codec(field: str, direction: str) -> KeysetCodec:
    """Keyset cursor codec for ``pullRequests`` ordered by ``field`` in ``direction``."""
    sign = -1 if direction == "DESC" else 1
    to_key = _ORDER_KEYS[field]
    return KeysetCodec(
        values=_ORDER_VALUES[field],
        to_key=lambda values: tuple(sign * part for part in to_key(values)),
    )


def _pr_matches(pr: dict, args: dict) -> bool:
    if args.get("states") and pr["state"] not in args["states"]:
        return False
    if args.get("headRefName") is not None and pr.get("headRefName") != args["headRefName"]:
        return False
    if args.get("baseRefName") is not None and pr.get("baseRefName") != args["baseRefName"]:
        return False
    wanted = args.get("labels")
    names = {label["name"] for label in pr.get("labels") or ()}
    return not wanted or bool(names.intersection(wanted))


@resolver("Repository", "pullRequests")
def _pull_requests(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    order = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
    codec = pull_request_codec(order["field"], order["direction"])
    everything = ctx.store.cached(
        ("pullRequests", obj.repo.key, order["field"], order["direction"]),
        lambda: keyed(obj.repo.data.get("pullRequests", []), codec))
    entries = [entry for entry in everything if _pr_matches(entry[2], args)]
    return paginate([], args, codec, lambda pr: pr_obj(obj.repo, pr), entries=entries)


# --- small leaf objects with derived ids ------------------------------------------------------


@resolver("App", "id")
def _app_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data.get("id") or node_id("App", crc(obj.data["slug"]))


@resolver("Label", "id")
def _label_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data.get("id") or obj.repo.scoped_id("Label", crc(obj.data["name"]))


@resolver("Milestone", "id")
def _milestone_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data.get("id") or obj.repo.scoped_id("Milestone", obj.data["number"])


def _issue_repo(obj: Obj, ctx: RequestContext) -> RepoRef:
    key = (obj.data.get("repository") or {}).get("nameWithOwner") or obj.repo.key
    return ctx.store.repo_by_key(key) or ctx.store.renamed(key) or RepoRef(key, {})


@resolver("Issue", "id")
def _issue_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data.get("id") or _issue_repo(obj, ctx).scoped_id("Issue", obj.data["number"])


@resolver("Issue", "url")
def _issue_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{_issue_repo(obj, ctx).url}/issues/{obj.data['number']}"


@resolver("Issue", "repository")
def _issue_repository(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return repo_obj(_issue_repo(obj, ctx))

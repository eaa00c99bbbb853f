"""GraphQL field resolvers serving the dataset dicts through graphql-core.

``resolve_field`` dispatches on ``(parent type, field)``; fields without a dedicated resolver
read the same-named key of the dataset dict. A missing key is a loud GraphQL error, never a
silent null.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .cursors import IndexCodec, KeysetCodec, id_codec, typed_list
from .errors import GitHubError
from .ids import crc, node_id
from .objects import Obj, RepoRef, actor_obj, pr_obj
from .pagination import keyed, paginate
from .store import Store, repository_id


@dataclass
class RequestContext:
    """Per-request state visible to resolvers."""

    store: Store
    rate_limit: dict
    viewer: dict


Resolver = Callable[[Any, dict, RequestContext], Any]
RESOLVERS: dict[tuple[str, str], Resolver] = {}
INDEX = IndexCodec()
SUITE_CODEC = id_codec(lambda suite: suite["databaseId"])
RUN_CODEC = id_codec(lambda run: run["databaseId"])


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


# --- Query ------------------------------------------------------------------------------------


@resolver("Query", "repository")
def _repository(_, args: dict, ctx: RequestContext) -> Obj:
    repo = ctx.store.repository(args["owner"], args["name"], args.get("followRenames", True))
    if repo is None:
        raise GitHubError(
            f"Could not resolve to a Repository with the name '{args['owner']}/{args['name']}'.",
            "NOT_FOUND",
        )
    return Obj("Repository", repo.data, repo)


@resolver("Query", "rateLimit")
def _rate_limit(_, args: dict, ctx: RequestContext) -> dict:
    return ctx.rate_limit


@resolver("Query", "viewer")
def _viewer(_, args: dict, ctx: RequestContext) -> Obj:
    return Obj("User", ctx.viewer)


def _node_not_found(global_id: str) -> GitHubError:
    return GitHubError(f"Could not resolve to a node with the global id of '{global_id}'",
                       "NOT_FOUND")


@resolver("Query", "node")
def _node(_, args: dict, ctx: RequestContext) -> Obj:
    obj = ctx.store.node(args["id"])
    if obj is None:
        raise _node_not_found(args["id"])
    return obj


@resolver("Query", "nodes")
def _nodes(_, args: dict, ctx: RequestContext) -> list:
    return [ctx.store.node(i) or Missing(_node_not_found(i)) for i in args["ids"]]


# --- Repository and owners --------------------------------------------------------------------


def repo_obj(repo: RepoRef) -> Obj:
    """Wrap a repository."""
    return Obj("Repository", repo.data, repo)


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


def iso_seconds(value: str) -> int:
    """Epoch seconds of an ISO 8601 timestamp such as ``2026-01-02T03:04:05Z``."""
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


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


# --- PullRequest ------------------------------------------------------------------------------


def pr_url(repo: RepoRef, pr: dict) -> str:
    """Web URL of a pull request."""
    return f"{repo.url}/pull/{pr['number']}"


@resolver("PullRequest", "author")
@resolver("PullRequestReview", "author")
def _author(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    return actor_obj(obj.data.get("author"), obj.repo)


@resolver("PullRequest", "closed")
def _closed(obj: Obj, args: dict, ctx: RequestContext) -> bool:
    return obj.data["state"] != "OPEN"


@resolver("PullRequest", "merged")
def _merged(obj: Obj, args: dict, ctx: RequestContext) -> bool:
    return obj.data["state"] == "MERGED"


@resolver("PullRequest", "url")
def _pr_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return pr_url(obj.repo, obj.data)


@resolver("PullRequest", "repository")
def _pr_repository(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return repo_obj(obj.repo)


@resolver("PullRequest", "assignees")
def _assignees(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    return paginate(obj.data.get("assignees") or [], args, INDEX, lambda u: Obj("User", u))


def _ordered_labels(labels: list[dict], order: dict | None) -> list[dict]:
    order = order or {"field": "CREATED_AT", "direction": "ASC"}
    ordered = sorted(labels, key=lambda label: label["name"].lower()) \
        if order["field"] == "NAME" else list(labels)
    return ordered[::-1] if order["direction"] == "DESC" else ordered


@resolver("PullRequest", "labels")
def _labels(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    labels = obj.data.get("labels")
    if labels is None:
        return None
    ordered = _ordered_labels(labels, args.get("orderBy"))
    return paginate(ordered, args, INDEX, lambda label: Obj("Label", label, obj.repo))


@resolver("PullRequest", "milestone")
def _milestone(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    milestone = obj.data.get("milestone")
    return None if milestone is None else Obj("Milestone", milestone, obj.repo)


@resolver("PullRequest", "closingIssuesReferences")
def _closing_issues(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    issues = obj.data.get("closingIssuesReferences")
    if issues is None:
        return None
    if args.get("userLinkedOnly"):
        issues = [issue for issue in issues if issue.get("userLinked")]
    return paginate(issues, args, INDEX, lambda issue: Obj("Issue", issue, obj.repo))


@resolver("PullRequest", "commits")
def _commits(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    return paginate(obj.data.get("commits") or [], args, INDEX,
                    lambda item: Obj("PullRequestCommit", item, obj.repo, obj.data))


@resolver("PullRequest", "files")
def _files(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    files = obj.data.get("files")
    if files is None:
        return None
    return paginate(files, args, INDEX, lambda f: Obj("PullRequestChangedFile", f))


def _review_values(review: dict) -> list:
    stamp = review.get("submittedAt")
    return [stamp, stamp, review["databaseId"]]


def _review_key(values: list) -> tuple:
    if not isinstance(values, list) or len(values) != 3 or not isinstance(values[2], int):
        raise ValueError("not a review cursor")
    return (values[2],)


REVIEW_CODEC = KeysetCodec(values=_review_values, to_key=_review_key)


def _review_matches(review: dict, args: dict) -> bool:
    if args.get("states") and review["state"] not in args["states"]:
        return False
    login = (review.get("author") or {}).get("login")
    return args.get("author") is None or login == args["author"]


@resolver("PullRequest", "reviews")
def _reviews(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    reviews = obj.data.get("reviews")
    if reviews is None:
        return None
    chosen = [review for review in reviews if _review_matches(review, args)]
    return paginate(chosen, args, REVIEW_CODEC,
                    lambda review: Obj("PullRequestReview", review, obj.repo, obj.data))


# --- reviews, commits, checks -----------------------------------------------------------------


@resolver("PullRequestReview", "pullRequest")
@resolver("PullRequestCommit", "pullRequest")
def _parent_pr(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return pr_obj(obj.repo, obj.pr)


@resolver("PullRequestReview", "url")
def _review_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{pr_url(obj.repo, obj.pr)}#pullrequestreview-{obj.data['databaseId']}"


@resolver("PullRequestCommit", "commit")
def _pr_commit(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    commit = obj.data["commit"]
    return Obj("Commit", commit, obj.repo, obj.pr, commit)


@resolver("PullRequestCommit", "url")
def _pr_commit_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{pr_url(obj.repo, obj.pr)}/commits/{obj.data['commit']['oid']}"


@resolver("Commit", "abbreviatedOid")
def _abbreviated_oid(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data["oid"][:7]


@resolver("Commit", "url")
def _commit_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{obj.repo.url}/commit/{obj.data['oid']}"


@resolver("Commit", "author")
def _commit_author(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    author = obj.data.get("author")
    return None if author is None else Obj("GitActor", author, obj.repo)


@resolver("GitActor", "user")
def _git_actor_user(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    user = obj.data.get("user")
    return None if user is None else Obj("User", user, obj.repo)


def _suite_matches(suite: dict, filter_by: dict | None) -> bool:
    if not filter_by:
        return True
    app = suite.get("app") or {}
    if filter_by.get("appId") is not None and app.get("databaseId") != filter_by["appId"]:
        return False
    name = filter_by.get("checkName")
    return name is None or any(run["name"] == name for run in suite.get("checkRuns", []))


@resolver("Commit", "checkSuites")
def _check_suites(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    suites = [s for s in obj.data.get("checkSuites", []) if _suite_matches(s, args.get("filterBy"))]
    return paginate(suites, args, SUITE_CODEC,
                    lambda suite: Obj("CheckSuite", suite, obj.repo, obj.pr, obj.commit))


@resolver("CheckSuite", "app")
def _app(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    app = obj.data.get("app")
    return None if app is None else Obj("App", app)


@resolver("CheckSuite", "commit")
def _suite_commit(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return Obj("Commit", obj.commit, obj.repo, obj.pr, obj.commit)


def _run_matches(run: dict, filter_by: dict) -> bool:
    if filter_by.get("checkName") is not None and run["name"] != filter_by["checkName"]:
        return False
    if filter_by.get("status") is not None and run["status"] != filter_by["status"]:
        return False
    if filter_by.get("statuses") and run["status"] not in filter_by["statuses"]:
        return False
    conclusions = filter_by.get("conclusions")
    return not conclusions or run.get("conclusion") in conclusions


def _latest_runs(runs: list[dict]) -> list[dict]:
    latest: dict[str, dict] = {}
    for run in runs:
        if run["name"] not in latest or run["databaseId"] > latest[run["name"]]["databaseId"]:
            latest[run["name"]] = run
    return [run for run in runs if latest[run["name"]] is run]


@resolver("CheckSuite", "checkRuns")
def _check_runs(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    filter_by = args.get("filterBy") or {}
    runs = [run for run in obj.data.get("checkRuns", []) if _run_matches(run, filter_by)]
    if filter_by.get("checkType") == "LATEST":
        runs = _latest_runs(runs)
    return paginate(runs, args, RUN_CODEC, lambda run: Obj("CheckRun", run, obj.repo))


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
    return ctx.store.repo_by_key(key) or RepoRef(key, {})


@resolver("Issue", "id")
def _issue_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return obj.data.get("id") or _issue_repo(obj, ctx).scoped_id("Issue", obj.data["number"])


@resolver("Issue", "url")
def _issue_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{_issue_repo(obj, ctx).url}/issues/{obj.data['number']}"


@resolver("Issue", "repository")
def _issue_repository(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return repo_obj(_issue_repo(obj, ctx))

"""Resolvers of pull requests, their reviews and their commit list.

Nested connections of a PR go through ``limited`` (per-PR ``RESOURCE_LIMITS_EXCEEDED``).
``files`` is ``null`` without any error when the PR changes more than ``max_files`` files
(GitHub: 3000) or its dataset entry says ``filesUnavailable``.
"""

from __future__ import annotations

from .cursors import IndexCodec, KeysetCodec
from .objects import Obj, actor_obj, pr_obj, pr_url, repo_obj
from .pagination import paginate
from .registry import RequestContext, limited, resolver

INDEX = IndexCodec()


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
@limited
def _assignees(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    return paginate(obj.data.get("assignees") or [], args, INDEX, lambda u: Obj("User", u))


def _ordered_labels(labels: list[dict], order: dict | None) -> list[dict]:
    order = order or {"field": "CREATED_AT", "direction": "ASC"}
    ordered = sorted(labels, key=lambda label: label["name"].lower()) \
        if order["field"] == "NAME" else list(labels)
    return ordered[::-1] if order["direction"] == "DESC" else ordered


@resolver("PullRequest", "labels")
@limited
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
@limited
def _closing_issues(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    issues = obj.data.get("closingIssuesReferences")
    if issues is None:
        return None
    if args.get("userLinkedOnly"):
        issues = [issue for issue in issues if issue.get("userLinked")]
    return paginate(issues, args, INDEX, lambda issue: Obj("Issue", issue, obj.repo))


@resolver("PullRequest", "commits")
@limited
def _commits(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    return paginate(obj.data.get("commits") or [], args, INDEX,
                    lambda item: Obj("PullRequestCommit", item, obj.repo, obj.data))


def files_unavailable(pr: dict, max_files: int) -> bool:
    """Whether GitHub answers ``files: null`` for ``pr`` (too many files to list)."""
    return bool(pr.get("filesUnavailable")) or (pr.get("changedFiles") or 0) > max_files


@resolver("PullRequest", "files")
@limited
def _files(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    files = obj.data.get("files")
    if files is None or files_unavailable(obj.data, ctx.max_files):
        return None
    return paginate(files, args, INDEX, lambda f: Obj("PullRequestChangedFile", f))


def review_number(review: dict) -> int:
    """The review's 64-bit database id (``fullDatabaseId``, else ``databaseId``)."""
    full = review.get("fullDatabaseId")
    return int(full) if full is not None else review["databaseId"]


def _review_values(review: dict) -> list:
    stamp = review.get("submittedAt")
    return [stamp, stamp, review_number(review)]


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
@limited
def _reviews(obj: Obj, args: dict, ctx: RequestContext) -> dict | None:
    reviews = obj.data.get("reviews")
    if reviews is None:
        return None
    chosen = [review for review in reviews if _review_matches(review, args)]
    return paginate(chosen, args, REVIEW_CODEC,
                    lambda review: Obj("PullRequestReview", review, obj.repo, obj.data))


@resolver("PullRequestReview", "pullRequest")
@resolver("PullRequestCommit", "pullRequest")
def _parent_pr(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return pr_obj(obj.repo, obj.pr)


@resolver("PullRequestReview", "url")
def _review_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{pr_url(obj.repo, obj.pr)}#pullrequestreview-{review_number(obj.data)}"


@resolver("PullRequestCommit", "commit")
def _pr_commit(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    commit = obj.data["commit"]
    return Obj("Commit", commit, obj.repo, obj.pr, commit)


@resolver("PullRequestCommit", "url")
def _pr_commit_url(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return f"{pr_url(obj.repo, obj.pr)}/commits/{obj.data['commit']['oid']}"

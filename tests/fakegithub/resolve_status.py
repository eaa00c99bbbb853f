"""Resolvers of legacy commit statuses (``Commit.status``) and ``statusCheckRollup``.

A commit's ``status`` dataset entry is ``None`` or ``{"state", "contexts": [StatusContext]}``;
``contexts`` is a plain list, as in GitHub's schema. The rollup is computed on the fly from
the commit's check runs and status contexts (``cistate.py``). Both need the token's
``statuses`` permission (the rollup also ``checks``), else FORBIDDEN at the field's path.
"""

from __future__ import annotations

from .cistate import check_runs, rollup_contexts, rollup_state
from .cursors import IndexCodec
from .ids import node_id
from .objects import Obj, RepoRef
from .pagination import paginate
from .registry import RequestContext, limited, require, resolver
from .store import status_id

INDEX = IndexCodec()


def rollup_id(repo: RepoRef, commit: dict) -> str:
    """Node id of a commit's status check rollup (derived from the commit)."""
    return node_id("StatusCheckRollup", repo.database_id, commit["oid"])


def head_commit(pr: dict) -> dict | None:
    """The PR's head commit (the one named by ``headRefOid``, else the last one)."""
    commits = [item["commit"] for item in pr.get("commits") or ()]
    head = [c for c in commits if c["oid"] == pr.get("headRefOid")]
    return (head or commits or [None])[-1]


@resolver("Commit", "status")
def _status(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    require(ctx, "statuses")
    status = obj.data.get("status")
    if status is None:
        return None
    return Obj("Status", status, obj.repo, obj.pr, obj.data)


@resolver("Status", "id")
def _status_id(obj: Obj, args: dict, ctx: RequestContext) -> str:
    return status_id(obj.repo, obj.commit)


@resolver("Status", "commit")
@resolver("StatusContext", "commit")
@resolver("StatusCheckRollup", "commit")
def _commit_of(obj: Obj, args: dict, ctx: RequestContext) -> Obj:
    return Obj("Commit", obj.commit, obj.repo, obj.pr, obj.commit)


def _context_obj(obj: Obj, context: dict) -> Obj:
    return Obj("StatusContext", context, obj.repo, obj.pr, obj.commit)


@resolver("Status", "contexts")
def _contexts(obj: Obj, args: dict, ctx: RequestContext) -> list[Obj]:
    return [_context_obj(obj, context) for context in obj.data["contexts"]]


@resolver("Status", "context")
def _context(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    found = [c for c in obj.data["contexts"] if c["context"] == args["name"]]
    return _context_obj(obj, found[-1]) if found else None


@resolver("StatusContext", "creator")
def _creator(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    creator = obj.data.get("creator")
    return None if creator is None else Obj(creator.get("__typename", "User"), creator, obj.repo)


@resolver("StatusContext", "avatarUrl")
def _avatar(obj: Obj, args: dict, ctx: RequestContext) -> str | None:
    creator = obj.data.get("creator")
    if creator is None or not creator.get("avatarUrl"):
        return None
    return f"{creator['avatarUrl'].split('?')[0]}?s={args.get('size') or 40}&v=4"


def _rollup(repo: RepoRef, pr: dict | None, commit: dict | None,
            ctx: RequestContext) -> Obj | None:
    require(ctx, "checks", "statuses")
    if commit is None or rollup_state(commit) is None:
        return None
    data = {"id": rollup_id(repo, commit), "state": rollup_state(commit)}
    return Obj("StatusCheckRollup", data, repo, pr, commit)


@resolver("Commit", "statusCheckRollup")
def _commit_rollup(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    return _rollup(obj.repo, obj.pr, obj.data, ctx)


@resolver("PullRequest", "statusCheckRollup")
def _pr_rollup(obj: Obj, args: dict, ctx: RequestContext) -> Obj | None:
    return _rollup(obj.repo, obj.data, head_commit(obj.data), ctx)


@resolver("StatusCheckRollup", "contexts")
@limited
def _rollup_contexts(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    items = rollup_contexts(obj.commit)
    connection = paginate(items, args, INDEX,
                          lambda item: Obj(item[0], item[1], obj.repo, obj.pr, obj.commit))
    connection["checkRunCount"] = sum(1 for _ in check_runs(obj.commit))
    connection["statusContextCount"] = len(items) - connection["checkRunCount"]
    return connection

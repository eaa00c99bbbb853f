"""Resolvers of commits, their git actors, check suites and check runs.

``Commit.checkSuites`` needs the token's ``checks`` permission (else FORBIDDEN at that path)
and, under a PR configured with resource limits, is limited like every nested connection.
"""

from __future__ import annotations

from .cursors import id_codec
from .objects import Obj
from .pagination import paginate
from .registry import RequestContext, limited, require, resolver

SUITE_CODEC = id_codec(lambda suite: suite["databaseId"])
RUN_CODEC = id_codec(lambda run: run["databaseId"])


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
@limited
def _check_suites(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    require(ctx, "checks")
    wanted = args.get("filterBy")
    suites = [s for s in obj.data.get("checkSuites") or [] if _suite_matches(s, wanted)]
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
@limited
def _check_runs(obj: Obj, args: dict, ctx: RequestContext) -> dict:
    filter_by = args.get("filterBy") or {}
    runs = [run for run in obj.data.get("checkRuns", []) if _run_matches(run, filter_by)]
    if filter_by.get("checkType") == "LATEST":
        runs = _latest_runs(runs)
    return paginate(runs, args, RUN_CODEC,
                    lambda run: Obj("CheckRun", run, obj.repo, obj.pr, obj.commit))

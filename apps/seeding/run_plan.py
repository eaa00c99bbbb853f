"""``seed_real_projects --plan``: what a run would do, and what it would cost, before spending.

Per repository: the action (nothing, resume, update, backfill, full, retry of incomplete PRs),
the PRs it would fetch (GitHub's ``totalCount``, one aliased query for up to 50 repositories;
"at most" when a window will stop the pass earlier) and the requests and points that takes
(from GitHub's cost formula for the page query). Per GitHub user: the budget left, from one
``rateLimit`` query per token. Without a token the plan still shows what it can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from eventlog import EventLog, repo_dir

from .fetch.github.client import GraphQLClient
from .fetch.github.errors import GitHubError
from .fetch.github.queries import NestedSizes
from .fetch.retries import PRS_PER_REQUEST
from .fetch.state import FetchState, Mode
from .registry import Project
from .service import SeedOptions

COUNT_BATCH = 50
FOLLOW_UP_SHARE = 0.1   # requests for nested pages, per page (measured in bench/, heavy-tailed)
PR_CONNECTIONS = 6      # labels, assignees, closing issues, reviews, commits, files


@dataclass(slots=True)
class RepoPlan:
    key: str                # the project's key
    repo: str
    team: str
    action: str
    prs: int | None = None
    at_most: bool = False
    requests: int = 0
    points: int = 0
    note: str = ""


def page_points(page_size: int, ci: bool, suites: int = NestedSizes().suites) -> int:
    """GitHub's points for one page query: requests to fill every connection / 100."""
    per_pr = PR_CONNECTIONS + (2 + suites if ci else 0)  # CI: head commit, suites, runs
    return max(1, math.floor((1 + page_size * per_pr) / 100 + 0.5))


def plan_repo(cache_dir, project: Project, repo: str, options: SeedOptions) -> RepoPlan:
    """What seeding ``repo`` would do, from its log alone (counts are filled in later)."""
    log = EventLog(repo_dir(cache_dir, repo))
    last = log.last_commit() if log.exists() else None
    state = FetchState.from_meta(last.meta if last else {})
    plan = state.next_pass(options.fetch, update_done=False)
    entry = RepoPlan(project.key, repo, project.team_slug, "nothing")
    if options.refresh and not state.refreshing:
        entry.action = "refresh (full)"
    elif plan is not None:
        entry.action = "resume " + str(plan.mode) if plan.resume else str(plan.mode)
    retries = state.retry_due()
    if retries:
        entry.note = f"{len(retries)} incomplete PRs fetched again"
        entry.requests += math.ceil(len(retries) / PRS_PER_REQUEST)
        entry.points += math.ceil(len(retries) / PRS_PER_REQUEST)
        if entry.action == "nothing":
            entry.action = "retry"
    if plan is not None and plan.mode == Mode.UPDATE and not plan.resume:
        entry.requests += 1
        entry.points += page_points(options.fetch.page_size, options.fetch.check_runs)
        entry.note = (entry.note + "; " if entry.note else "") + "1 page if nothing changed"
    return entry


def fill_costs(plans: list[RepoPlan], options: dict[str, SeedOptions],
               totals: dict[str, int]) -> None:
    """Requests and points of full/backfill passes from GitHub's PR counts."""
    for entry in plans:
        if not any(word in entry.action for word in ("full", "backfill")):
            continue
        opts = options[entry.key]
        total = totals.get(entry.repo.lower())
        if total is None:
            entry.note = "PR count unknown (no token): cost depends on the PRs in the window"
            continue
        limit = opts.fetch.max_prs
        entry.prs = min(total, limit) if limit else total
        entry.at_most = opts.fetch.since is not None
        pages = max(1, math.ceil(entry.prs / opts.fetch.page_size))
        entry.requests += math.ceil(pages * (1 + FOLLOW_UP_SHARE))
        entry.points += pages * page_points(opts.fetch.page_size, opts.fetch.check_runs) + \
            math.ceil(pages * FOLLOW_UP_SHARE)


def pr_counts(client: GraphQLClient, repos: list[str]) -> dict[str, int]:
    """``totalCount`` of PRs per repository (lower-cased name), 50 repositories per request."""
    counts: dict[str, int] = {}
    for start in range(0, len(repos), COUNT_BATCH):
        chunk = repos[start:start + COUNT_BATCH]
        fields, variables = [], {}
        for i, repo in enumerate(chunk):
            owner, name = repo.split("/")
            variables |= {f"o{i}": owner, f"n{i}": name}
            fields.append(f"r{i}: repository(owner: $o{i}, name: $n{i}) "
                          "{ pullRequests { totalCount } }")
        params = ", ".join(f"$o{i}: String!, $n{i}: String!" for i in range(len(chunk)))
        query = f"query PullRequestCounts({params}) {{ rateLimit {{ cost }} {' '.join(fields)} }}"
        data = client.execute(query, variables).data
        for i, repo in enumerate(chunk):
            found = data.get(f"r{i}")
            if isinstance(found, dict):
                counts[repo.lower()] = (found.get("pullRequests") or {}).get("totalCount") or 0
    return counts


BUDGET_QUERY = "query Budget { rateLimit { limit remaining resetAt } viewer { login } }"


def budgets(client: GraphQLClient) -> list[dict[str, Any]]:
    """Each token's user and remaining budget (one cheap query per token; users deduplicated:
    tokens of one user share one budget on GitHub)."""
    users: dict[str, dict[str, Any]] = {}
    for token in client.pool.tokens:
        try:
            data = client.execute_with(token, BUDGET_QUERY)
        except GitHubError as e:
            users[token.label] = {"user": None, "tokens": [token.label], "error": str(e)}
            continue
        login = (data.get("viewer") or {}).get("login") or token.label
        rate = data.get("rateLimit") or {}
        entry = users.setdefault(login, {"user": login, "tokens": [], "limit": rate.get("limit"),
                                         "remaining": rate.get("remaining"),
                                         "reset_at": rate.get("resetAt")})
        entry["tokens"].append(token.label)
    return list(users.values())


def render(plans: list[RepoPlan], users: list[dict[str, Any]] | None) -> list[str]:
    """The plan as text: one line per repository, totals, and each user's budget."""
    lines = []
    for e in plans:
        prs = "" if e.prs is None else f", {'at most ' if e.at_most else ''}{e.prs:,} PRs"
        cost = f", ~{e.requests:,} requests, ~{e.points:,} points" if e.requests else ""
        note = f" ({e.note})" if e.note else ""
        lines.append(f"{e.repo} (team {e.team}): {e.action}{prs}{cost}{note}")
    requests, points = sum(e.requests for e in plans), sum(e.points for e in plans)
    lines.append(f"total: ~{requests:,} requests, ~{points:,} points")
    if users is None:
        lines.append("budget: unknown (no GitHub token configured)")
        return lines
    for u in users:
        tokens = ", ".join(u["tokens"])
        if u.get("error"):
            lines.append(f"budget of {tokens}: unknown ({u['error']})")
        else:
            lines.append(f"budget of {u['user']} ({tokens}): {u['remaining']:,} of "
                         f"{u['limit']:,} points left, resets at {u['reset_at']}")
    left = sum(u.get("remaining") or 0 for u in users)
    per_hour = sum(u.get("limit") or 0 for u in users)
    if points and per_hour:
        if points <= left:
            lines.append("the budget left covers this run")
        else:
            hours = (points - left) / per_hour
            lines.append(f"the budget left covers {left:,} points: about {hours:.1f} more hours "
                         f"of waiting for resets ({per_hour:,} points per hour)")
    return lines


def as_json(plans: list[RepoPlan], users: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {"repos": [{"repo": e.repo, "team": e.team, "action": e.action, "prs": e.prs,
                       "prs_at_most": e.at_most, "requests": e.requests, "points": e.points,
                       "note": e.note} for e in plans],
            "requests": sum(e.requests for e in plans), "points": sum(e.points for e in plans),
            "budgets": users}

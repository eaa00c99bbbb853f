"""One generated pull request, from its repository's context and its own index.

``RepoContext`` holds what every PR of a repository shares (all derived from the dataset seed
and the repository name); ``build_pr(ctx, index, sizes)`` builds PR number ``index`` from an
RNG seeded with ``(seed, repository, index)`` and from id blocks reserved for its ordinal, so
any PR can be regenerated alone, in constant memory.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import textgen
from .ci import CI_STYLES, make_status, make_suites
from .ids import node_id, stable_int
from .people import People
from .prparts import MAX_PRS, Gen, make_commits, make_files, make_reviews
from .sizes import Sizes
from .timeutil import iso

BASE_LABELS = [("bug", "d73a4a"), ("enhancement", "a2eeef"), ("documentation", "0075ca"),
               ("dependencies", "0366d6"), ("good first issue", "7057ff"),
               ("help wanted", "008672"), ("🚀 release", "ededed"), ("área: cli", "c5def5"),
               ("needs review", "fbca04"), ("wontfix", "ffffff"), ("python", "2b67c6"),
               ("javascript", "168700"), ("breaking change", "b60205"), ("size/XS", "3cbf00")]
AREAS = ["api", "ui", "db", "ci", "auth", "infra", "docs", "perf", "security", "billing",
         "search", "mobile", "cli", "sdk", "i18n", "a11y", "build", "release", "tests", "deps",
         "infra/k8s", "observability", "payments", "export", "import", "notifications",
         "onboarding", "admin"]
DAY = 86_400


@dataclass(frozen=True)
class RepoContext:
    """What every PR of one repository shares. ``n`` is the repository's PR count (PR
    creation times spread over ``days`` by index); ``id_base`` is the ordinal of its first PR
    in the dataset (keeps database ids unique across repositories)."""

    key: str
    seed: int
    now: datetime
    n: int
    database_id: int
    days: int = 365
    id_base: int = 0
    ci: str = "both"
    nulls: bool = True
    other_repos: tuple[str, ...] = ()
    people: People = field(default=None, compare=False)  # type: ignore[assignment]
    labels: tuple[tuple[str, str], ...] = ()
    milestones: tuple[tuple[str, int], ...] = ()


def repo_context(key: str, n: int, *, seed: int, now: datetime, days: int = 365,
                 database_id: int | None = None, id_base: int = 0, ci: str | None = None,
                 nulls: bool = True, other_repos: tuple[str, ...] = ()) -> RepoContext:
    """The context of repository ``key``; ``ci`` defaults to a style drawn from the seed."""
    if id_base + n > MAX_PRS:
        raise ValueError(f"at most {MAX_PRS} pull requests per dataset")
    rng = random.Random(stable_int(seed, key, "repo", bits=64))
    labels = BASE_LABELS + [(f"area/{word}", f"{rng.getrandbits(24):06x}") for word in AREAS]
    milestones = tuple((f"v{1 + i // 4}.{i % 4}", i + 1) for i in range(rng.randint(2, 6)))
    style = ci or default_ci(seed, key)
    if style not in CI_STYLES:
        raise ValueError(f"ci must be one of {sorted(CI_STYLES)}")
    return RepoContext(
        key, seed, now, n, database_id or repo_database_id(seed, key),
        days, id_base, style, nulls, other_repos or (f"{key.split('/')[0]}/tracker",),
        People(random.Random(stable_int(seed, "people", bits=64))), tuple(labels), milestones)


def repo_database_id(seed: int, key: str) -> int:
    """The database id ``generate_dataset(seed=seed)`` gives ``key`` (barring collisions)."""
    return 100_000_000 + stable_int(seed, key) % 900_000_000


def default_ci(seed: int, key: str) -> str:
    """The CI style of repository ``key``: 20% only statuses, 30% only checks, 50% both."""
    return ("statuses", "statuses", "checks", "checks", "checks", "both", "both", "both",
            "both", "both")[stable_int(seed, key, "ci") % 10]


def pr_number(ctx: RepoContext, index: int) -> int:
    """Number of the ``index``-th PR: 2i+1 or 2i+2 (issues take the other number)."""
    return 2 * index + 1 + stable_int(ctx.seed, ctx.key, index, "gap") % 2


def issue_number(ctx: RepoContext, index: int) -> int:
    """The issue number next to the ``index``-th PR's."""
    return 2 * index + 2 - stable_int(ctx.seed, ctx.key, index, "gap") % 2


def creation_time(ctx: RepoContext, index: int, rng: random.Random) -> datetime:
    """Creation time, strictly increasing with ``index``, denser near ``now``."""
    span = max(0, ctx.days * DAY - ctx.n - 60)
    quantile = (index + rng.random()) / max(ctx.n, index + 1)
    age = int(span * (1 - quantile) ** 1.5) + max(ctx.n, index + 1) - index
    return ctx.now - timedelta(seconds=age + 60)


def pr_gen(ctx: RepoContext, index: int) -> Gen:
    """The generation state of PR ``index`` of ``ctx``."""
    rng = random.Random(stable_int(ctx.seed, ctx.key, index, bits=64))
    return Gen(rng, ctx.now, ctx.people, ctx.id_base + index, (ctx.seed, ctx.key, index),
               ctx.nulls)


# --- one pull request -------------------------------------------------------------------------


@dataclass
class Timeline:
    """State and timestamps of one PR."""

    state: str
    created: datetime
    updated: datetime
    closed: datetime | None
    merged: datetime | None

    @property
    def work_end(self) -> datetime:
        """When commits and reviews stop (merge/close, else last update)."""
        return self.closed or self.updated


def timeline(g: Gen, created: datetime, is_bot: bool, state: str | None = None) -> Timeline:
    """State and timestamps; ``state`` forces OPEN/CLOSED/MERGED."""
    age = (g.now - created).total_seconds()
    open_p = 0.5 if age < 7 * DAY else 0.2 if age < 30 * DAY else 0.05 if age < 180 * DAY else 0.02
    if state == "OPEN" or (state is None and g.rng.random() < open_p):
        updated = created + timedelta(seconds=int(age * (1 - g.rng.random() ** 2)))
        return Timeline("OPEN", created, min(updated, g.now), None, None)
    if state is None:
        state = "CLOSED" if g.rng.random() < (0.45 if is_bot else 0.15) else "MERGED"
    hours = min(g.rng.lognormvariate(math.log(20), 1.3), age / 3600 * 0.9)
    closed = min(created + timedelta(hours=hours), g.now)
    updated = closed + timedelta(seconds=g.rng.randint(0, 600))
    if g.rng.random() < 0.1:
        updated = g.between(closed, g.now)
    return Timeline(state, created, min(updated, g.now), closed,
                    closed if state == "MERGED" else None)


def build_pr(ctx: RepoContext, index: int, sizes: Sizes, *, state: str | None = None,
             prolific: bool = False, number: int | None = None) -> dict:
    """PR ``index`` of ``ctx`` with exactly ``sizes`` children (GitHub-shaped dataset dict)."""
    g = pr_gen(ctx, index)
    created = creation_time(ctx, index, g.rng)
    author = ctx.people.prolific(g.rng) if prolific else ctx.people.pr_author(g.rng, ctx.nulls)
    t = timeline(g, created, author is not None and author["__typename"] == "Bot", state)
    pr_db = g.pr_id()
    closing = _closing_issues(g, ctx, index)
    number = pr_number(ctx, index) if number is None else number
    pr = {"number": number, "id": node_id("PullRequest", ctx.database_id, pr_db),
          "fullDatabaseId": str(pr_db), **_texts(g, author, number, closing),
          **_state_fields(t), "author": author}
    pr.update(_content(g, ctx, pr_db, author, t, sizes))
    pr.update(_metadata(g, ctx, author, sizes, closing))
    return pr


def _texts(g: Gen, author: dict | None, number: int, closing: list[dict] | None) -> dict:
    issue = closing[0]["number"] if closing else None
    if author is not None and author["login"] == "dependabot":
        title, package, version = textgen.bump_title(g.rng)
        head = f"dependabot/npm_and_yarn/{package}-{version}"
        return {"title": title, "body": f"Bumps {package} to {version}.\n\n---\nDependabot "
                "will resolve any conflicts with this PR as long as you don't alter it.",
                "headRefName": head, "baseRefName": "main"}
    title = textgen.title(g.rng)
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in title.lower())
    slug = "-".join(filter(None, slug.split("-")))[:30].strip("-") or "change"
    base = g.rng.choices(["main", "develop", "release/1.x"], [85, 10, 5])[0]
    return {"title": title, "body": textgen.body(g.rng, issue),
            "headRefName": f"{g.rng.choice(['feature', 'fix', 'chore'])}/{slug}-{number}",
            "baseRefName": base}


def _state_fields(t: Timeline) -> dict:
    return {"state": t.state, "isDraft": False, "createdAt": iso(t.created),
            "updatedAt": iso(t.updated), "mergedAt": t.merged and iso(t.merged),
            "closedAt": t.closed and iso(t.closed)}


def _content(g: Gen, ctx: RepoContext, pr_db: int, author: dict | None, t: Timeline,
             sizes: Sizes) -> dict:
    files = make_files(g, sizes.files) if sizes.files_listed else []
    first_commit = t.created - timedelta(hours=g.rng.uniform(0, 48))
    commits = make_commits(g, ctx.database_id, pr_db, author, sizes.commits, first_commit,
                           t.work_end)
    head = commits[-1]["commit"]
    busy = t.state == "OPEN" and g.rng.random() < 0.3
    where = {"repo": ctx.key, "repo_db": ctx.database_id}
    checks, statuses = CI_STYLES[ctx.ci]
    head["checkSuites"] = make_suites(g, where, head, sizes.runs if checks else [], busy)
    head["status"] = make_status(g, where, head, sizes.statuses if statuses else 0, busy)
    reviews = make_reviews(g, ctx.database_id, author, sizes.reviews, t.created, t.work_end,
                           t.state == "MERGED")
    draft_p = {"OPEN": 0.3, "CLOSED": 0.1}.get(t.state, 0.0)
    return {
        "isDraft": g.rng.random() < draft_p, **_file_totals(g, files, sizes),
        "headRefOid": head["oid"], "commits": commits,
        "reviews": None if sizes.nullable and g.null(0.005) else reviews,
        "files": None if not sizes.files_listed or (sizes.nullable and sizes.files < 100
                                                     and g.null(0.01)) else files,
    }


def _file_totals(g: Gen, files: list[dict], sizes: Sizes) -> dict:
    if sizes.files_listed:
        return {"additions": sum(f["additions"] for f in files),
                "deletions": sum(f["deletions"] for f in files), "changedFiles": len(files)}
    return {"additions": sizes.files * g.rng.randint(5, 60),
            "deletions": sizes.files * g.rng.randint(1, 20), "changedFiles": sizes.files}


def _metadata(g: Gen, ctx: RepoContext, author: dict | None, sizes: Sizes,
              closing: list[dict] | None) -> dict:
    picked = g.rng.sample(ctx.labels, min(sizes.labels, len(ctx.labels)))
    labels = [{"name": name, "color": color} for name, color in picked]
    if author is not None and author["login"] == "dependabot" and sizes.labels:
        labels = [{"name": "dependencies", "color": "0366d6"}]
    assignees = [ctx.people.any_user(g.rng) for _ in range(g.rng.choices([0, 1, 2],
                                                                          [55, 35, 10])[0])]
    unique_assignees = list({a["login"]: a for a in assignees}.values())
    milestone = None
    if g.rng.random() < 0.2:
        title, number = g.rng.choice(ctx.milestones)
        milestone = {"title": title, "number": number}
    nullable = sizes.nullable and len(labels) < 20
    return {"labels": None if nullable and g.null(0.01) else labels,
            "assignees": unique_assignees, "milestone": milestone,
            "closingIssuesReferences": closing}


def _closing_issues(g: Gen, ctx: RepoContext, index: int) -> list[dict] | None:
    if g.rng.random() >= 0.25:
        return None if g.null(0.01) else []
    first = max(0, index - 50)
    picks = sorted({g.rng.randint(first, index) for _ in range(g.rng.choice([1, 1, 1, 2]))})
    return [{"number": issue_number(ctx, j), "title": textgen.title(g.rng),
             "repository": {"nameWithOwner": ctx.key if g.rng.random() < 0.95
                            else g.rng.choice(ctx.other_repos)}}
            for j in picks]

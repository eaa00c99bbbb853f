"""Deterministic, realistic datasets of pull requests, shaped like GitHub's GraphQL objects.

``generate_dataset({"acme/web": 300}, seed=1, now=datetime(2026, 1, 2))`` returns::

    {"repos": {"acme/web": {"databaseId": int, "pullRequests": [PR, ...]}}}

with every PR carrying the camelCase fields the fake serves (see the project brief or
``invariants.check_dataset`` for the rules they obey). The dataset is plain JSON: save it with
``save_dataset`` and serve it from another process with ``python -m tests.fakegithub serve``.
Helpers that change a dataset the way GitHub would (``touch_pr``, ``add_review``, ``add_pr``,
``add_commit``) live in ``edits`` and are re-exported here.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from . import textgen
from .edits import add_commit, add_pr, add_review, touch_pr
from .ids import node_id
from .people import People
from .prparts import Gen, count, make_commits, make_files, make_reviews, make_suites
from .timeutil import iso, utc

__all__ = ["add_commit", "add_pr", "add_review", "generate_dataset", "load_dataset",
           "save_dataset", "touch_pr"]

HUGE_SIZES = {"files": 250, "commits": 130, "reviews": 105, "runs": [120, 2]}
BASE_LABELS = [("bug", "d73a4a"), ("enhancement", "a2eeef"), ("documentation", "0075ca"),
               ("dependencies", "0366d6"), ("good first issue", "7057ff"),
               ("help wanted", "008672"), ("🚀 release", "ededed"), ("área: cli", "c5def5"),
               ("needs review", "fbca04"), ("wontfix", "ffffff"), ("python", "2b67c6"),
               ("javascript", "168700"), ("breaking change", "b60205"), ("size/XS", "3cbf00")]
DAY = 86_400


@dataclass
class RepoPlan:
    """What every PR of one repository shares."""

    key: str
    database_id: int
    labels: list[dict]
    milestones: list[dict]
    issue_numbers: list[int]
    other_repos: list[str]


def generate_dataset(
    repos: dict[str, int],
    *,
    seed: int,
    now: datetime,
    days: int = 365,
    huge: int = 1,
    check_runs: bool = True,
) -> dict:
    """A dataset with ``repos[key]`` pull requests per repository, deterministic for ``seed``.

    PR activity is spread over the ``days`` before ``now`` (denser recently); ``huge`` PRs per
    repository need nested pagination (250 files, 130 commits, 105 reviews, a 120-run check
    suite, 25-35 labels). ``check_runs=False`` leaves head commits without check suites.
    """
    rng = random.Random(seed)
    g = Gen(rng, utc(now), People(rng), check_runs)
    keys = list(repos)
    used_ids: set[int] = set()
    dataset: dict = {"repos": {}}
    for key, n in repos.items():
        dataset["repos"][key] = _repo(g, key, n, days, huge, keys, used_ids)
    return dataset


def _repo(g: Gen, key: str, n: int, days: int, huge: int, keys: list[str],
          used_ids: set[int]) -> dict:
    database_id = g.rng.randint(100_000_000, 999_999_999)
    while database_id in used_ids:
        database_id += 1
    used_ids.add(database_id)
    numbers, issues = _numbers(g.rng, n)
    plan = RepoPlan(key, database_id, _label_pool(g.rng), _milestones(g.rng), issues,
                    [k for k in keys if k != key] or [f"{key.split('/')[0]}/tracker"])
    huge_indexes = set(g.rng.sample(range(n), min(huge, n)))
    created = _creation_times(g, n, days)
    prs = [_pr(g, plan, numbers[i], created[i], i in huge_indexes) for i in range(n)]
    return {"databaseId": database_id, "pullRequests": prs}


def _numbers(rng: random.Random, n: int) -> tuple[list[int], list[int]]:
    """PR numbers with gaps (issues share the number space) and the issue numbers in them."""
    numbers, issues, current = [], [], 0
    for _ in range(n):
        current += 1
        while rng.random() < 0.3:
            issues.append(current)
            current += 1
        numbers.append(current)
    return numbers, issues or [current + 1]


def _creation_times(g: Gen, n: int, days: int) -> list[datetime]:
    """Ascending creation times over ``days``, denser near ``now``."""
    offsets = sorted((int(days * DAY * g.rng.random() ** 1.5) for _ in range(n)), reverse=True)
    times, previous = [], None
    for offset in offsets:
        moment = g.now - timedelta(seconds=offset + 60)
        if previous is not None and moment <= previous:
            moment = previous + timedelta(seconds=1)
        times.append(moment)
        previous = moment
    return times


def _label_pool(rng: random.Random) -> list[dict]:
    extra = [(f"area/{word}", f"{rng.getrandbits(24):06x}") for word in
             ["api", "ui", "db", "ci", "auth", "infra", "docs", "perf", "security", "billing",
              "search", "mobile", "cli", "sdk", "i18n", "a11y", "build", "release", "tests",
              "deps", "infra/k8s", "observability", "payments", "export", "import",
              "notifications", "onboarding", "admin"]]
    return [{"name": name, "color": color} for name, color in [*BASE_LABELS, *extra]]


def _milestones(rng: random.Random) -> list[dict]:
    return [{"title": f"v{1 + i // 4}.{i % 4}", "number": i + 1}
            for i in range(rng.randint(2, 6))]


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


def _timeline(g: Gen, created: datetime, is_bot: bool) -> Timeline:
    age = (g.now - created).total_seconds()
    open_p = 0.5 if age < 7 * DAY else 0.2 if age < 30 * DAY else 0.05 if age < 180 * DAY else 0.02
    if g.rng.random() < open_p:
        updated = created + timedelta(seconds=int(age * (1 - g.rng.random() ** 2)))
        return Timeline("OPEN", created, min(updated, g.now), None, None)
    state = "CLOSED" if g.rng.random() < (0.45 if is_bot else 0.15) else "MERGED"
    hours = min(g.rng.lognormvariate(math.log(20), 1.3), age / 3600 * 0.9)
    closed = min(created + timedelta(hours=hours), g.now)
    updated = closed + timedelta(seconds=g.rng.randint(0, 600))
    if g.rng.random() < 0.1:
        updated = g.between(closed, g.now)
    return Timeline(state, created, min(updated, g.now), closed,
                    closed if state == "MERGED" else None)


def _sizes(g: Gen, huge: bool) -> dict:
    if huge:
        return {**HUGE_SIZES, "labels": g.rng.randint(25, 35)}
    suites = g.rng.choices([1, 2, 3], [50, 35, 15])[0]
    runs = [count(g.rng, 4, 12, 1)] + [g.rng.randint(1, 2) for _ in range(suites - 1)]
    if g.rng.random() < 0.05:
        runs.append(0)
    return {"files": count(g.rng, 4, 80, 1), "commits": count(g.rng, 3, 40, 1),
            "reviews": 0 if g.rng.random() < 0.2 else count(g.rng, 2, 12),
            "runs": runs[:4], "labels": g.rng.choices([0, 1, 2, 3], [45, 30, 15, 10])[0]}


def _pr(g: Gen, plan: RepoPlan, number: int, created: datetime, huge: bool) -> dict:
    author = g.people.prolific() if huge else g.people.pr_author()
    is_bot = author is not None and author["__typename"] == "Bot"
    timeline = _timeline(g, created, is_bot)
    sizes = _sizes(g, huge)
    pr_db = g.next_id("pr")
    closing = _closing_issues(g, plan)
    pr = {"number": number, "id": node_id("PullRequest", plan.database_id, pr_db),
          "fullDatabaseId": str(pr_db), **_texts(g, author, number, closing),
          **_state_fields(timeline), "author": author}
    pr.update(_content(g, plan, pr_db, author, timeline, sizes))
    pr.update(_metadata(g, plan, author, sizes, closing))
    return pr


def _texts(g: Gen, author: dict | None, number: int, closing: list[dict]) -> dict:
    issue = closing[0]["number"] if closing else None
    if author is not None and author["login"] == "dependabot":
        title, package, version = textgen.bump_title(g.rng)
        head = f"dependabot/npm_and_yarn/{package}-{version}"
        return {"title": title, "body": f"Bumps {package} to {version}.\n\n---\nDependabot "
                "will resolve any conflicts with this PR as long as you don't alter it.",
                "headRefName": head, "baseRefName": "main"}
    title = textgen.title(g.rng)
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:30] or "change"
    base = g.rng.choices(["main", "develop", "release/1.x"], [85, 10, 5])[0]
    return {"title": title, "body": textgen.body(g.rng, issue),
            "headRefName": f"{g.rng.choice(['feature', 'fix', 'chore'])}/{slug}-{number}",
            "baseRefName": base}


def _state_fields(t: Timeline) -> dict:
    return {"state": t.state, "isDraft": False, "createdAt": iso(t.created),
            "updatedAt": iso(t.updated), "mergedAt": t.merged and iso(t.merged),
            "closedAt": t.closed and iso(t.closed)}


def _content(g: Gen, plan: RepoPlan, pr_db: int, author: dict | None, t: Timeline,
             sizes: dict) -> dict:
    files = make_files(g, sizes["files"])
    first_commit = t.created - timedelta(hours=g.rng.uniform(0, 48))
    commits = make_commits(g, plan.database_id, pr_db, author, sizes["commits"], first_commit,
                           t.work_end)
    head = commits[-1]["commit"]
    if g.check_runs:
        busy = t.state == "OPEN" and g.rng.random() < 0.3
        ctx = {"repo": plan.key, "repo_db": plan.database_id}
        head["checkSuites"] = make_suites(g, ctx, head, sizes["runs"], busy)
    reviews = make_reviews(g, plan.database_id, author, sizes["reviews"], t.created, t.work_end,
                           t.state == "MERGED")
    draft_p = {"OPEN": 0.3, "CLOSED": 0.1}.get(t.state, 0.0)
    return {
        "isDraft": g.rng.random() < draft_p,
        "additions": sum(f["additions"] for f in files),
        "deletions": sum(f["deletions"] for f in files),
        "changedFiles": len(files), "headRefOid": head["oid"], "commits": commits,
        "reviews": None if g.rng.random() < 0.005 else reviews,
        "files": None if g.rng.random() < 0.01 and sizes["files"] < 100 else files,
    }


def _metadata(g: Gen, plan: RepoPlan, author: dict | None, sizes: dict,
              closing: list[dict]) -> dict:
    labels = [dict(label) for label in g.rng.sample(plan.labels, sizes["labels"])]
    if author is not None and author["login"] == "dependabot":
        labels = [{"name": "dependencies", "color": "0366d6"}]
    assignees = [g.people.any_user() for _ in range(g.rng.choices([0, 1, 2], [55, 35, 10])[0])]
    unique_assignees = list({a["login"]: a for a in assignees}.values())
    milestone = dict(g.rng.choice(plan.milestones)) if g.rng.random() < 0.2 else None
    return {"labels": None if g.rng.random() < 0.01 and len(labels) < 20 else labels,
            "assignees": unique_assignees, "milestone": milestone,
            "closingIssuesReferences": closing}


def _closing_issues(g: Gen, plan: RepoPlan) -> list[dict]:
    if g.rng.random() >= 0.25:
        return []
    numbers = g.rng.sample(plan.issue_numbers, min(len(plan.issue_numbers),
                                                   g.rng.choice([1, 1, 1, 2])))
    return [{"number": number, "title": textgen.title(g.rng),
             "repository": {"nameWithOwner": plan.key if g.rng.random() < 0.95
                            else g.rng.choice(plan.other_repos)}}
            for number in numbers]


# --- files ------------------------------------------------------------------------------------


def save_dataset(dataset: dict, path: str | Path) -> None:
    """Write ``dataset`` as UTF-8 JSON."""
    Path(path).write_text(json.dumps(dataset, ensure_ascii=False, indent=1), encoding="utf-8")


def load_dataset(path: str | Path) -> dict:
    """Read a dataset written by ``save_dataset``; ``ValueError`` if it is not one."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("repos"), dict):
        raise ValueError(f"{path}: not a fake GitHub dataset (expected a 'repos' object)")
    return data

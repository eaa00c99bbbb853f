"""Generators for the parts of one pull request: files, commits, reviews, check suites."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import textgen
from .ids import node_id
from .people import People
from .timeutil import git_timestamp, iso

CHANGE_TYPES = [("MODIFIED", 70), ("ADDED", 18), ("DELETED", 6), ("RENAMED", 5), ("COPIED", 0.5),
                ("CHANGED", 0.5)]
REVIEW_STATES = [("APPROVED", 45), ("COMMENTED", 35), ("CHANGES_REQUESTED", 12),
                 ("DISMISSED", 5), ("PENDING", 3)]
CONCLUSIONS = [("SUCCESS", 80), ("FAILURE", 8), ("SKIPPED", 5), ("CANCELLED", 3),
               ("NEUTRAL", 2), ("TIMED_OUT", 1), ("ACTION_REQUIRED", 0.5),
               ("STARTUP_FAILURE", 0.5), ("STALE", 0.3)]
SEVERITY = ["FAILURE", "TIMED_OUT", "STARTUP_FAILURE", "CANCELLED", "ACTION_REQUIRED", "STALE",
            "SUCCESS", "NEUTRAL", "SKIPPED"]
APPS = [{"name": "GitHub Actions", "slug": "github-actions"},
        {"name": "Codecov", "slug": "codecov"},
        {"name": "Vercel", "slug": "vercel"},
        {"name": "CircleCI Checks", "slug": "circleci-checks"}]
RUN_NAMES = ["build", "lint", "test (3.11)", "test (3.12)", "typecheck", "e2e", "docker",
             "codecov/patch", "codecov/project", "deploy-preview", "CodeQL", "analyze (python)"]
ID_STEPS = {"pr": 5000, "review": 97, "suite": 31, "run": 53}


def weighted(rng: random.Random, options: list[tuple[str, float]]) -> str:
    """Pick a value from ``(value, weight)`` pairs."""
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def count(rng: random.Random, median: float, cap: int, minimum: int = 0) -> int:
    """A long-tailed count with roughly the given median."""
    return max(minimum, min(cap, round(rng.lognormvariate(0, 0.8) * median)))


@dataclass
class Gen:
    """Shared generation state: RNG, id counters and the people pool."""

    rng: random.Random
    now: datetime
    people: People
    check_runs: bool = True
    counters: dict[str, int] = field(default_factory=lambda: {
        "pr": 2_200_000_000, "review": 1_000_000_000, "suite": 1_400_000_000,
        "run": 1_600_000_000})
    oids: set[str] = field(default_factory=set)

    def next_id(self, kind: str) -> int:
        """A fresh, increasing database id of ``kind`` (pr, review, suite, run)."""
        self.counters[kind] += self.rng.randint(1, ID_STEPS[kind])
        return self.counters[kind]

    def oid(self) -> str:
        """A fresh 40-hex commit oid, unique in the dataset."""
        while True:
            value = f"{self.rng.getrandbits(160):040x}"
            if value not in self.oids:
                self.oids.add(value)
                return value

    def between(self, start: datetime, end: datetime) -> datetime:
        """A uniformly random moment in ``[start, end]`` (``start`` if the range is empty)."""
        span = max(0, int((end - start).total_seconds()))
        return start + timedelta(seconds=self.rng.randint(0, span))


# --- files ------------------------------------------------------------------------------------


def make_files(g: Gen, n: int) -> list[dict]:
    """``n`` changed files with consistent additions/deletions per change type."""
    return [_file(g, path) for path in textgen.file_paths(g.rng, n)]


def _file(g: Gen, path: str) -> dict:
    change = weighted(g.rng, CHANGE_TYPES)
    additions = count(g.rng, 12, 4000)
    deletions = count(g.rng, 5, 2000)
    if change == "ADDED":
        deletions = 0
    elif change == "DELETED":
        additions = 0
    elif change == "RENAMED" and g.rng.random() < 0.6:
        additions = deletions = 0
    return {"path": path, "additions": additions, "deletions": deletions, "changeType": change}


# --- commits ----------------------------------------------------------------------------------


def git_author(g: Gen, author: dict | None) -> tuple[dict, int]:
    """``(GitActor dict without date, utc offset minutes)`` for commits by ``author``."""
    offset = g.rng.choice([-420, -300, -240, 0, 60, 120, 330, 480, 540])
    if author is None or author["__typename"] == "Mannequin":
        return {"name": "Former Contributor", "email": "former@example.com", "user": None}, offset
    if author["__typename"] == "Bot":
        login = f"{author['login']}[bot]"
        email = f"{author['databaseId']}+{login}@users.noreply.github.com"
        return {"name": login, "email": email, "user": None}, 0
    mapped = g.rng.random() < 0.8
    email = f"{author['databaseId']}+{author['login']}@users.noreply.github.com" if mapped \
        else f"{author['login'].split('-')[0]}@corp.example"
    actor = {"name": author["name"] or author["login"], "email": email,
             "user": _user_ref(author) if mapped else None}
    return actor, offset


def _user_ref(user: dict) -> dict:
    return {key: user[key] for key in
            ("__typename", "id", "login", "databaseId", "name", "url", "avatarUrl")}


def make_commits(g: Gen, repo_db: int, pr_db: int, author: dict | None, n: int,
                 start: datetime, end: datetime) -> list[dict]:
    """``n`` PullRequestCommit items committed between ``start`` and ``end``, in order."""
    moments = sorted(g.between(start, end) for _ in range(n))
    git_actor, offset = git_author(g, author)
    return [_commit_item(g, repo_db, pr_db, git_actor, offset, moment) for moment in moments]


def _commit_item(g: Gen, repo_db: int, pr_db: int, git_actor: dict, offset: int,
                 committed: datetime) -> dict:
    oid = g.oid()
    authored = committed - timedelta(minutes=g.rng.choice([0, 0, 0, 5, 90, 3000]))
    co_author = None if g.rng.random() < 0.9 else "Pair Programmer <pair@example.com>"
    message = textgen.commit_message(g.rng, co_author)
    headline, body = textgen.split_message(message)
    commit = {
        "id": node_id("Commit", repo_db, oid), "oid": oid, "message": message,
        "messageHeadline": headline, "messageBody": body, "committedDate": iso(committed),
        "authoredDate": iso(authored), "additions": count(g.rng, 20, 5000),
        "deletions": count(g.rng, 8, 3000),
        "author": {**git_actor, "date": git_timestamp(authored, offset)}, "checkSuites": [],
    }
    return {"id": node_id("PullRequestCommit", repo_db, pr_db, oid), "commit": commit}


# --- reviews ----------------------------------------------------------------------------------


def make_reviews(g: Gen, repo_db: int, author: dict | None, n: int, start: datetime,
                 end: datetime, merged: bool) -> list[dict]:
    """``n`` reviews submitted in ``[start, end]``; pending ones last with no submittedAt."""
    states = [weighted(g.rng, REVIEW_STATES) for _ in range(n)]
    if merged and states and "APPROVED" not in states:
        states[-1] = "APPROVED"
    moments = sorted(g.between(start, end) for _ in range(n))
    reviews = [make_review(g, repo_db, g.people.reviewer(author), state, moment)
               for state, moment in zip(sorted(states, key=lambda s: s == "PENDING"), moments,
                                        strict=True)]
    return reviews


def make_review(g: Gen, repo_db: int, reviewer: dict | None, state: str,
                submitted: datetime) -> dict:
    """One review; ``submittedAt`` is null when pending."""
    database_id = g.next_id("review")
    text = "" if state == "APPROVED" and g.rng.random() < 0.6 else textgen.body(g.rng)
    return {
        "id": node_id("PullRequestReview", repo_db, database_id),
        "databaseId": database_id, "fullDatabaseId": str(database_id), "state": state,
        "body": text, "submittedAt": None if state == "PENDING" else iso(submitted),
        "author": reviewer,
    }


# --- check suites -----------------------------------------------------------------------------


def make_suites(g: Gen, ctx: dict, head: dict, runs_per_suite: list[int],
                in_progress: bool) -> list[dict]:
    """Check suites for the head commit ``head``; ``ctx`` has ``repo`` and ``repo_db``."""
    started = datetime.fromisoformat(head["committedDate"].replace("Z", "+00:00"))
    apps = [APPS[0], *g.rng.sample(APPS[1:], len(runs_per_suite) - 1)]
    return [_suite(g, ctx, app, n, started, in_progress and i == 0)
            for i, (app, n) in enumerate(zip(apps, runs_per_suite, strict=True))]


def _suite(g: Gen, ctx: dict, app: dict, n: int, started: datetime, in_progress: bool) -> dict:
    database_id = g.next_id("suite")
    names = [_run_name(app, i) for i in range(n)]
    runs = [_run(g, ctx, (database_id, app["slug"]), name, started, in_progress)
            for name in names]
    status, conclusion = _suite_outcome(runs)
    return {
        "id": node_id("CheckSuite", ctx["repo_db"], database_id), "databaseId": database_id,
        "status": status, "conclusion": conclusion,
        "app": None if g.rng.random() < 0.03 else dict(app), "checkRuns": runs,
    }


def _suite_outcome(runs: list[dict]) -> tuple[str, str | None]:
    if not runs:
        return "QUEUED", None
    if any(run["status"] != "COMPLETED" for run in runs):
        busy = any(run["status"] == "IN_PROGRESS" for run in runs)
        return ("IN_PROGRESS" if busy else "QUEUED"), None
    return "COMPLETED", min((run["conclusion"] for run in runs), key=SEVERITY.index)


def _run_name(app: dict, index: int) -> str:
    if app["slug"] != "github-actions":
        return f"{app['slug']}/{['patch', 'project', 'deploy', 'lint'][index % 4]}" + (
            f"-{index // 4}" if index >= 4 else "")
    return RUN_NAMES[index] if index < len(RUN_NAMES) else f"test-shard-{index - len(RUN_NAMES)}"


def _run(g: Gen, ctx: dict, suite: tuple[int, str], name: str, after: datetime,
         in_progress: bool) -> dict:
    database_id = g.next_id("run")
    suite_db, app_slug = suite
    status = g.rng.choice(["IN_PROGRESS", "QUEUED", "COMPLETED"]) if in_progress else "COMPLETED"
    started = min(g.now, after + timedelta(seconds=g.rng.randint(5, 600)))
    completed = min(g.now, started + timedelta(seconds=g.rng.randint(20, 1800)))
    return {
        "id": node_id("CheckRun", ctx["repo_db"], database_id), "databaseId": database_id,
        "name": name, "status": status,
        "conclusion": weighted(g.rng, CONCLUSIONS) if status == "COMPLETED" else None,
        "startedAt": None if status == "QUEUED" else iso(started),
        "completedAt": iso(completed) if status == "COMPLETED" else None,
        "detailsUrl": _details_url(ctx["repo"], app_slug, suite_db, database_id),
    }


def _details_url(repo: str, slug: str, suite_db: int, run_db: int) -> str | None:
    urls = {
        "github-actions": f"https://github.com/{repo}/actions/runs/{suite_db}/job/{run_db}",
        "codecov": f"https://app.codecov.io/gh/{repo}/commit/{run_db}",
        "circleci-checks": f"https://app.circleci.com/pipelines/github/{repo}/{run_db}",
    }
    return urls.get(slug)

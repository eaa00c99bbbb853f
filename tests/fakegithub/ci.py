"""Generated CI results of a head commit: check suites with check runs, and legacy statuses.

Repositories differ in how they report CI (``CI_STYLES``): only check runs (GitHub Actions
and other apps), only legacy commit statuses (CircleCI, Buildkite, Jenkins, Vercel, Codecov
of old), or both. Open PRs sometimes have CI still running: queued/in-progress runs, ``PENDING``
or ``EXPECTED`` status contexts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from .cistate import refresh_status, suite_outcome
from .ids import node_id
from .people import user
from .prparts import Gen, weighted
from .timeutil import iso, parse_iso

CI_STYLES = {"checks": (True, False), "statuses": (False, True), "both": (True, True),
             "none": (False, False)}
CONCLUSIONS = [("SUCCESS", 80), ("FAILURE", 8), ("SKIPPED", 5), ("CANCELLED", 3),
               ("NEUTRAL", 2), ("TIMED_OUT", 1), ("ACTION_REQUIRED", 0.5),
               ("STARTUP_FAILURE", 0.5), ("STALE", 0.3)]
STATUS_STATES = [("SUCCESS", 86), ("FAILURE", 8), ("ERROR", 4), ("PENDING", 2)]
APPS = [{"name": "GitHub Actions", "slug": "github-actions"},
        {"name": "Codecov", "slug": "codecov"},
        {"name": "Vercel", "slug": "vercel"},
        {"name": "CircleCI Checks", "slug": "circleci-checks"}]
RUN_NAMES = ["build", "lint", "test (3.11)", "test (3.12)", "typecheck", "e2e", "docker",
             "codecov/patch", "codecov/project", "deploy-preview", "CodeQL", "analyze (python)"]
STATUS_SERVICES = [
    ("ci/circleci: build", "circleci", "https://circleci.com/gh/{repo}/{n}",
     "Your tests passed on CircleCI!", "Your tests are queued behind your running builds"),
    ("ci/circleci: test", "circleci", "https://circleci.com/gh/{repo}/{n}",
     "Your tests passed on CircleCI!", "CircleCI is running your tests"),
    ("buildkite/app", "buildkite-bot", "https://buildkite.com/acme/app/builds/{n}",
     "Build #{n} passed (5 minutes, 12 seconds)", "Build #{n} is running"),
    ("codecov/patch", "codecov-io", "https://app.codecov.io/gh/{repo}/commit/{n}",
     "87.50% of diff hit (target 80.00%)", "Waiting for coverage reports"),
    ("codecov/project", "codecov-io", "https://app.codecov.io/gh/{repo}/commit/{n}",
     "91.20% (+0.04%) compared to base", "Waiting for coverage reports"),
    ("Vercel", "vercel", "https://vercel.com/acme/app/{n}",
     "Deployment has completed", "Vercel is deploying your app"),
    ("continuous-integration/jenkins/pr-head", "jenkins",
     "https://jenkins.example.com/job/app/view/change-requests/job/PR-{n}/1/display/redirect",
     "This commit looks good", "This commit is being built"),
]
CREATOR_IDS = {"circleci": 8_111_001, "buildkite-bot": 8_111_002, "codecov-io": 8_111_003,
               "vercel": 8_111_004, "jenkins": 8_111_005}


# --- check suites -----------------------------------------------------------------------------


def make_suites(g: Gen, ctx: dict, head: dict, runs_per_suite: list[int],
                in_progress: bool) -> list[dict]:
    """Check suites for the head commit ``head``; ``ctx`` has ``repo`` and ``repo_db``."""
    if not runs_per_suite:
        return []
    started = parse_iso(head["committedDate"])
    extra = len(runs_per_suite) - 1
    apps = [APPS[0], *g.rng.sample(APPS[1:], min(extra, len(APPS) - 1))]
    apps += [APPS[0]] * (len(runs_per_suite) - len(apps))
    suite_ids = g.ids("suite", len(runs_per_suite))
    return [_suite(g, ctx, app, n, started, in_progress and i == 0, suite_id)
            for i, (app, n, suite_id) in enumerate(zip(apps, runs_per_suite, suite_ids,
                                                       strict=True))]


def _suite(g: Gen, ctx: dict, app: dict, n: int, started: datetime, in_progress: bool,
           database_id: int) -> dict:
    names = [_run_name(app, i) for i in range(n)]
    runs = [_run(g, ctx, (database_id, app["slug"]), name, started, in_progress, run_id)
            for name, run_id in zip(names, g.ids("run", n), strict=True)]
    status, conclusion = suite_outcome(runs)
    return {
        "id": node_id("CheckSuite", ctx["repo_db"], database_id), "databaseId": database_id,
        "status": status, "conclusion": conclusion,
        "app": None if g.rng.random() < 0.03 else dict(app), "checkRuns": runs,
    }


def _run_name(app: dict, index: int) -> str:
    if app["slug"] != "github-actions":
        return f"{app['slug']}/{['patch', 'project', 'deploy', 'lint'][index % 4]}" + (
            f"-{index // 4}" if index >= 4 else "")
    return RUN_NAMES[index] if index < len(RUN_NAMES) else f"test-shard-{index - len(RUN_NAMES)}"


def _run(g: Gen, ctx: dict, suite: tuple[int, str], name: str, after: datetime,
         in_progress: bool, database_id: int) -> dict:
    suite_db, app_slug = suite
    status = g.rng.choice(["IN_PROGRESS", "QUEUED", "COMPLETED"]) if in_progress else "COMPLETED"
    started = min(g.now, after + timedelta(seconds=g.rng.randint(5, 600)))
    completed = min(g.now, started + timedelta(seconds=g.rng.randint(20, 1800)))
    done = status == "COMPLETED"
    return {
        "id": node_id("CheckRun", ctx["repo_db"], database_id), "databaseId": database_id,
        "name": name, "status": status,
        "conclusion": weighted(g.rng, CONCLUSIONS) if done else None,
        "startedAt": None if status == "QUEUED" or g.null(0.01) else iso(started),
        "completedAt": iso(completed) if done and not g.null(0.005) else None,
        "detailsUrl": _details_url(ctx["repo"], app_slug, suite_db, database_id),
    }


def _details_url(repo: str, slug: str, suite_db: int, run_db: int) -> str | None:
    urls = {
        "github-actions": f"https://github.com/{repo}/actions/runs/{suite_db}/job/{run_db}",
        "codecov": f"https://app.codecov.io/gh/{repo}/commit/{run_db}",
        "circleci-checks": f"https://app.circleci.com/pipelines/github/{repo}/{run_db}",
    }
    return urls.get(slug)


# --- legacy commit statuses -------------------------------------------------------------------


def creator(login: str) -> dict:
    """The account that posts statuses for a CI service (a ``User``, as on GitHub)."""
    return user(login, CREATOR_IDS.get(login, 8_111_000), None)


def make_status(g: Gen, ctx: dict, head: dict, n: int, pending: bool) -> dict | None:
    """A legacy combined status with ``n`` contexts for ``head`` (``None`` when ``n`` is 0)."""
    if n <= 0:
        return None
    services = g.rng.sample(STATUS_SERVICES, min(n, len(STATUS_SERVICES)))
    services += [STATUS_SERVICES[i % len(STATUS_SERVICES)] for i in range(n - len(services))]
    after = parse_iso(head["committedDate"])
    ids = g.ids("status", n)
    contexts = [_context(g, ctx, service, after, pending and i == 0, context_id, i)
                for i, (service, context_id) in enumerate(zip(services, ids, strict=True))]
    status = {"state": "PENDING", "contexts": contexts}
    refresh_status(status)
    return status


def _context(g: Gen, ctx: dict, service: tuple, after: datetime, pending: bool,
             database_id: int, index: int) -> dict:
    name, login, url, passed, running = service
    state = g.rng.choice(["PENDING", "EXPECTED"]) if pending else weighted(g.rng, STATUS_STATES)
    build = g.rng.randint(1000, 99999)
    description = running if state in ("PENDING", "EXPECTED") else passed
    if state in ("FAILURE", "ERROR"):
        description = f"{name}: {state.lower()} — see details"
    return {
        "id": node_id("StatusContext", ctx["repo_db"], database_id),
        "context": name if index < len(STATUS_SERVICES) else f"{name} #{index}",
        "state": state,
        "description": None if g.null(0.15) else description.format(n=build),
        "targetUrl": None if g.null(0.05) or state == "EXPECTED"
        else url.format(repo=ctx["repo"], n=build),
        "createdAt": iso(min(g.now, after + timedelta(seconds=g.rng.randint(3, 900)))),
        "creator": None if g.null(0.1) else creator(login),
    }

"""The offline demo (``make demo``): the whole pipeline against a local fake GitHub.

1. starts the fake GitHub server (tests/fakegithub) with a generated three-repo dataset and a
   few injected faults, and points ``seed_real_projects`` at it with ``GITHUB_GRAPHQL_URL``;
2. starts seeding and kills the process (SIGKILL) mid-fetch;
3. runs again: it resumes from the last committed page;
4. runs again: only PRs GitHub would not serve completely are asked again, by number;
5. runs once more: the log covers the window, so it makes no GitHub request;
6. prints what landed in the database, and where the logs and the database are.

Uses the default SQLite database and ``.seeding_cache/demo`` for the logs (both reset first).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATASET = "demo-org/storefront=400,demo-org/payments=250,demo-org/mobile-app=150"
REPOS = ["demo-org/storefront", "demo-org/payments", "demo-org/mobile-app"]
SEED_ARGS = [a for r in REPOS for a in ("--repo", r)] + ["--team", "demo", "--days-back", "365",
                                                          "--page-size", "25"]
KILL_AFTER_REQUESTS = 12


def banner(text: str) -> None:
    """A step's heading: bold on a terminal, plain text otherwise (or with NO_COLOR)."""
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    print(f"\n\033[1m== {text}\033[0m" if bold else f"\n== {text}", flush=True)


def start_server(state_file: Path) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakegithub", "serve", "--port", "0", "--generate", DATASET,
         "--seed", "42", "--days", "365", "--fault-rate", "0.03", "--fault-kinds",
         "502_json,504,drop", "--state-file", str(state_file)],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    line = server.stdout.readline().strip()
    if not line.startswith("FAKE_GITHUB_URL="):
        server.kill()
        sys.exit(f"demo: the fake GitHub server did not start ({line!r})")
    return server, line.split("=", 1)[1]


def requests_served(state_file: Path) -> int:
    try:
        return int(json.loads(state_file.read_text())["total"])
    except (OSError, ValueError, KeyError):
        return 0


def seed(env: dict[str, str], *extra: str) -> int:
    cmd = [sys.executable, "manage.py", "seed_real_projects", *SEED_ARGS, *extra]
    return subprocess.call(cmd, cwd=REPO_ROOT, env=env)


def seed_and_kill(env: dict[str, str], state_file: Path) -> None:
    cmd = [sys.executable, "manage.py", "seed_real_projects", *SEED_ARGS, "--clear"]
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env)
    while proc.poll() is None and requests_served(state_file) < KILL_AFTER_REQUESTS:
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        print(f"\n*** killed the seeding process with SIGKILL after "
              f"{requests_served(state_file)} GitHub requests ***", flush=True)


def show_database() -> None:
    code = """
from django.db.models import Avg, Count
from apps.metrics.models import *
from apps.teams.models import Team
team = Team.objects.get(slug="demo")
for model in (TeamMember, PullRequest, PRReview, Commit, PRFile, PRCheckRun):
    print(f"  {model.__name__:<12} {model.objects.filter(team=team).count():>6} rows")
prs = PullRequest.objects.filter(team=team)
print("  PRs by state:", dict(prs.values_list("state").annotate(n=Count("id"))))
print("  average cycle time (h): %.1f" % (prs.aggregate(a=Avg("cycle_time_hours"))["a"] or 0))
print("  files by category:", dict(PRFile.objects.filter(team=team)
      .values_list("file_category").annotate(n=Count("id")).order_by("-n")))
biggest = prs.annotate(n=Count("files")).order_by("-n").first()
print(f"  biggest PR: {biggest} with {biggest.n} files, {biggest.commits.count()} commits, "
      f"{biggest.reviews.count()} reviews, {biggest.check_runs.count()} check runs")
"""
    subprocess.check_call([sys.executable, "manage.py", "shell", "-c", code], cwd=REPO_ROOT)


def closing_hint(cache: Path) -> str:
    """Where the demo left its data and how to look at it (commands for a fresh shell)."""
    where = cache.relative_to(REPO_ROOT)
    db = os.environ.get("DATABASE_URL") or "db.sqlite3 (SQLite, in the project directory)"
    return f"""
The demo's logs:     {where}/  (one directory per repository)
The demo's database: {db}, team "demo"
Look at them from the project directory:
  .venv/bin/eventlog info --cache-dir {where}
  .venv/bin/eventlog tail {REPOS[0]} -n 5 --cache-dir {where}
  .venv/bin/eventlog verify --cache-dir {where}
  SEEDING_CACHE_DIR={where} .venv/bin/python manage.py seed_real_projects --status
  .venv/bin/python manage.py createsuperuser && .venv/bin/python manage.py runserver
      then open http://127.0.0.1:8000/admin/ (the "Ingestion status" page is linked there)"""


def main() -> int:
    cache = REPO_ROOT / ".seeding_cache" / "demo"
    shutil.rmtree(cache, ignore_errors=True)
    state_file = Path(tempfile.mkdtemp()) / "fake-github-state.json"
    banner("starting a fake GitHub (800 PRs in 3 repos, 3% injected faults)")
    server, url = start_server(state_file)
    print(f"fake GitHub at {url}")
    env = {**os.environ, "GITHUB_GRAPHQL_URL": url, "GITHUB_TOKEN": "demo-token",
           "SEEDING_CACHE_DIR": str(cache), "SEEDING_BACKOFF_BASE": "0.05"}
    try:
        banner("1. seed_real_projects, interrupted with kill -9")
        seed_and_kill(env, state_file)
        subprocess.call([sys.executable, "-m", "eventlog", "info", REPOS[0],
                         "--cache-dir", str(cache)], cwd=REPO_ROOT)
        banner("2. run again: it resumes from the last committed page")
        seed(env)
        banner("3. run again: only the PRs GitHub would not serve completely are asked again")
        seed(env)
        banner("4. and again: the log covers the window, so no GitHub request is made")
        before = requests_served(state_file)
        seed(env)
        print(f"\nGitHub requests during this run: {requests_served(state_file) - before}")
        banner("what landed in the database (team 'demo')")
        show_database()
        print(closing_hint(cache))
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())

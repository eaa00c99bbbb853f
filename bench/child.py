"""Run one measurement in a fresh Python process and get its result back as JSON.

Django reads ``DATABASE_URL`` once, at settings import, and peak RSS is per process, so every
database-bound or memory measurement runs in its own child: ``python -m bench.child TASK ARGS``.
The child sets Django up (for tasks that need it), calls the task function with the JSON
arguments, adds its peak RSS (see ``peak_rss_kb``), and prints one JSON line on stdout.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
from typing import Any

from .workspace import PROJECT_ROOT

# task name -> ("module:function", needs Django)
TASKS: dict[str, tuple[str, bool]] = {
    "project": ("bench.replay:project", True),
    "naive": ("bench.naive:seed_sample", True),
    "floor_sqlite": ("bench.floor:sqlite_floor", True),   # Django only for the field lists
    "floor_postgres": ("bench.floor:postgres_floor", True),
    "compact_peak": ("bench.compaction:compact_peak", False),
    "fetch_overhead": ("bench.overhead:measure_fetch", False),
    "fingerprint": ("bench.parity:fingerprint", False),
    "seed": ("bench.seedrun:run_command", True),
    "upsert_compare": ("bench.upsert:project_twice", True),
    "db_digest": ("bench.seedrun:database_digest", True),
}


class TaskError(RuntimeError):
    """A child task exited non-zero or printed no result."""


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of bench children: DEBUG off (no per-query bookkeeping), no tokens."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "GITHUB_SEEDING_TOKENS", "GITHUB_GRAPHQL_URL")}
    env.update(DJANGO_SETTINGS_MODULE="apps.settings", DJANGO_DEBUG="0", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def run_task(task: str, env: dict[str, str] | None = None, **args: Any) -> dict[str, Any]:
    """Run ``task`` with keyword ``args`` in a new process; its result dict."""
    cmd = [sys.executable, "-m", "bench.child", task, json.dumps(args)]
    proc = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env or bench_env(), capture_output=True,
                          text=True, check=False)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise TaskError(f"bench task {task} failed (exit {proc.returncode}):\n{tail}")
    return json.loads(lines[-1])


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def peak_rss_kb() -> int:
    """Peak resident set size of this process, in KiB (``VmHWM``).

    Not ``ru_maxrss``: on Linux a child's ``ru_maxrss`` starts at the RSS its parent had when
    it exec'd (a child of a 500 MB process reports 500 MB), while ``VmHWM`` belongs to the new
    address space only. ``main`` reports both.
    """
    return _status_kb("VmHWM")


def current_rss_kb() -> int:
    """Resident set size of this process now, in KiB (``VmRSS``)."""
    return _status_kb("VmRSS")


def reset_peak_rss() -> None:
    """Make ``peak_rss_kb`` start again from the current RSS (Linux ``clear_refs``)."""
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def main(argv: list[str]) -> int:
    target, needs_django = TASKS[argv[1]]
    if needs_django:
        import django

        django.setup()
    module, function = target.split(":")
    result = getattr(importlib.import_module(module), function)(**json.loads(argv[2]))
    result["peak_rss_kb"] = peak_rss_kb()
    result["ru_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

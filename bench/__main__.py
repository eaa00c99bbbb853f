"""``python -m bench [--quick] [--only NAME] [--prs N] [--no-postgres] ...``: run the benchmarks,
print the table (stdout; progress goes to stderr) and save it in ``bench/results/latest.*``."""

from __future__ import annotations

import importlib
import shlex
import sys
import time
import traceback

from . import report
from .context import RESULTS_DIR, Context
from .options import parse


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    ctx = Context(options)
    sections = []
    try:
        for name in options.only:
            started = time.perf_counter()
            ctx.say(f"== {name}")
            section = run_one(ctx, name)
            section.seconds = time.perf_counter() - started
            sections.append(section)
    finally:
        ctx.close()
    print(report.text_table(sections))
    print()
    print(report.notes_text(sections))
    print(f"\nmachine: {report.machine()}; total {time.perf_counter() - ctx.started:.0f} s")
    if options.save:
        command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else argv)
        saved = report.save(sections, RESULTS_DIR, command.strip())
        print("saved: " + ", ".join(str(p.relative_to(RESULTS_DIR.parent.parent))
                                    for p in saved))
    return 0


def run_one(ctx: Context, name: str) -> report.Section:
    """One benchmark's section; a benchmark that fails becomes a failed row (with the error in
    its notes) and the others still run and are saved."""
    try:
        return importlib.import_module(f"bench.{name}").run(ctx)
    except Exception as error:  # noqa: BLE001 (any failure: report it, keep the rest)
        ctx.say(f"{name} failed: {type(error).__name__}: {error}")
        lines = traceback.format_exception(error)[-6:]
        return report.Section(name, rows=[report.Row(name, f"FAILED: {type(error).__name__}: "
                                                     f"{str(error).splitlines()[0][:150]}",
                                                     met=False)],
                              notes=[line.rstrip() for chunk in lines
                                     for line in chunk.splitlines()])


if __name__ == "__main__":
    sys.exit(main())

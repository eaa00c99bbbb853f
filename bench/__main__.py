"""``python -m bench [--quick] [--only NAME] [--prs N] [--no-postgres] ...``: run the benchmarks,
print the table (stdout; progress goes to stderr) and save it in ``bench/results/latest.*``."""

from __future__ import annotations

import importlib
import shlex
import sys
import time

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
            section = importlib.import_module(f"bench.{name}").run(ctx)
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


if __name__ == "__main__":
    sys.exit(main())

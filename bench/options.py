"""Command-line options of ``python -m bench``."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from .databases import DEFAULT_POSTGRES_URL
from .workspace import DEFAULT_ROOT

BENCHMARKS = ("projection", "upsert", "memory", "log", "api", "overhead", "spend", "repoll",
              "parallel")


@dataclass(frozen=True, slots=True)
class Options:
    """What to run and at which sizes (``--quick`` scales everything down about 5x)."""

    only: tuple[str, ...]
    prs: int
    large_prs: int
    naive_sample: int
    api_prs: int
    spend_prs: int
    upsert_prs: int
    parallel_prs: int
    parallel_jobs: tuple[int, ...]
    budget_window: float
    repoll_counts: tuple[int, ...]
    append_records: int
    compaction_records: int
    compaction_keys: int
    repeats: int
    postgres: bool | None   # None: when available
    postgres_url: str
    profile: bool
    workdir: str
    seed: int
    save: bool


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench", description=(
        "Reproduce the seeding pipeline's performance figures; prints benchmark | figure | "
        "baseline | ratio | goal | met? and saves bench/results/latest.*"))
    p.add_argument("--only", action="append", choices=BENCHMARKS, metavar="NAME",
                   help=f"run only this benchmark (repeatable): {', '.join(BENCHMARKS)}")
    p.add_argument("--quick", action="store_true",
                   help="about 5x smaller sizes, one repeat (1-2 minutes); noisier figures")
    p.add_argument("--prs", type=int, metavar="N",
                   help="PRs in the projection log (default 20000; --quick 4000)")
    p.add_argument("--large-prs", type=int, metavar="N",
                   help="PRs in the large log of the memory and log benchmarks (default 5x --prs)")
    p.add_argument("--naive-sample", type=int, metavar="N",
                   help="PRs the naive ORM seeder writes (default 400; --quick 100)")
    p.add_argument("--api-prs", type=int, metavar="N",
                   help="PRs served by the fake GitHub (default 1000; --quick 400)")
    p.add_argument("--spend-prs", type=int, metavar="N",
                   help="PRs per dataset of the requests-and-points benchmark (default 1000; "
                        "--quick 300)")
    p.add_argument("--upsert-prs", type=int, metavar="N",
                   help="PRs projected by BulkUpsert and by bulk_create (default 2000; --quick "
                        "1000)")
    p.add_argument("--parallel-prs", type=int, metavar="N",
                   help="heavy-tailed PRs over the 12 repositories of the parallel benchmark "
                        "(default 3000; --quick 720)")
    p.add_argument("--parallel-jobs", type=int, action="append", metavar="N",
                   help="--jobs values to time (repeatable; 4 and 1 always; default 4, 1, 8; "
                        "--quick 4, 1)")
    p.add_argument("--repeats", type=int, metavar="N",
                   help="repeats of log read/append timings and fetch passes, best kept "
                        "(default 3; --quick 1)")
    pg = p.add_mutually_exclusive_group()
    pg.add_argument("--postgres", dest="postgres", action="store_true", default=None,
                    help="require PostgreSQL figures (default: when the server answers)")
    pg.add_argument("--no-postgres", dest="postgres", action="store_false",
                    help="SQLite figures only")
    p.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, metavar="URL",
                   help="admin connection used to create and drop bench_* databases")
    p.add_argument("--profile", action="store_true",
                   help="also cProfile each projector run (saved in bench/results/)")
    p.add_argument("--workdir", default=str(DEFAULT_ROOT), metavar="DIR",
                   help="generated logs (cached) and scratch files (default %(default)s)")
    p.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    p.add_argument("--no-save", dest="save", action="store_false",
                   help="do not write bench/results/latest.*")
    return p


def parse(argv: list[str] | None = None) -> Options:
    a = parser().parse_args(argv)
    quick = a.quick
    prs = a.prs or (4000 if quick else 20_000)
    return Options(
        only=tuple(a.only or BENCHMARKS), prs=prs, large_prs=a.large_prs or prs * 5,
        naive_sample=a.naive_sample or (100 if quick else 400),
        api_prs=a.api_prs or (400 if quick else 1000),
        spend_prs=a.spend_prs or (300 if quick else 1000),
        upsert_prs=a.upsert_prs or (1000 if quick else 2000),
        parallel_prs=a.parallel_prs or (720 if quick else 3000),
        parallel_jobs=tuple(dict.fromkeys([4, 1, *(a.parallel_jobs or ([] if quick else [8]))])),
        budget_window=15.0 if quick else 30.0,
        repoll_counts=(10, 100) if quick else (10, 50, 100, 200),
        append_records=2000 if quick else 10_000,
        # not scaled by --quick: at smaller sizes compaction's fixed buffers dominate
        compaction_records=200_000, compaction_keys=20_000,
        repeats=a.repeats or (1 if quick else 3), postgres=a.postgres,
        postgres_url=a.postgres_url, profile=a.profile, workdir=a.workdir, seed=a.seed,
        save=a.save)

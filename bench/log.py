"""Benchmark 4: the event log's read, verify, append and compaction throughput, and compaction's
memory.

* read: ``EventLog.read()`` over the large generated log (every line's CRC checked), and
  ``eventlog.verify()``, against a plain ``orjson.loads`` loop over the same segment files
  (goal >= 0.6x); best of ``--repeats``, interleaved, after one warm-up pass over the bytes.
* compaction: ``compact()`` (durable) of a copy of the large log, against the same plain loop.
* append: 50-record batches of generated PR events, one fsync per batch against none.
* compaction memory: R records over K keys in a fresh process (``compaction.py``); the growth
  of peak RSS must follow keys, not records: R records / K keys within 20% of R/4 / K.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from eventlog import Event, EventLog, compact, open_writer, verify

from .child import bench_env, run_task
from .compaction import write_keyed_log
from .context import Context
from .generate import pr_events
from .report import Row, Section, rate, times
from .workspace import GeneratedLog

READ_GOAL = 0.6
MEMORY_GOAL = 1.2
APPEND_BATCH = 50


def run(ctx: Context) -> Section:
    log = ctx.log(ctx.options.large_prs)
    section = Section("log")
    plain = _read_rows(ctx, log, section)
    _compaction_rows(ctx, log, plain, section)
    _append_rows(ctx, section)
    _compaction_memory_rows(ctx, section)
    return section


# -- reading ----------------------------------------------------------------------------------


def segment_files(path: Path) -> list[Path]:
    return [path / seg.file for seg in EventLog(path).manifest().segments]


def plain_loop(path: Path) -> int:
    """The baseline: ``orjson.loads`` of every line of every segment, nothing else."""
    n = 0
    for file in segment_files(path):
        with open(file, "rb") as fh:
            for line in fh:
                orjson.loads(line)
                n += 1
    return n


def eventlog_read(path: Path) -> int:
    return sum(1 for _ in EventLog(path).read())


def eventlog_verify(path: Path) -> int:
    report = verify(path)
    if not report.ok:
        raise RuntimeError(f"generated log fails verification: {report.problems[:3]}")
    return report.records


def best_of(repeats: int, fns: dict[str, Callable[[], int]]) -> dict[str, tuple[float, int]]:
    """Fastest ``(seconds, records)`` of each function over ``repeats`` interleaved rounds."""
    best: dict[str, tuple[float, int]] = {}
    for _ in range(repeats):
        for name, fn in fns.items():
            started = time.perf_counter()
            n = fn()
            seconds = time.perf_counter() - started
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, n)
    return best


def _read_rows(ctx: Context, log: GeneratedLog, section: Section) -> float:
    """Add the read and verify rows; returns the plain loop's records per second."""
    for file in segment_files(log.path):  # warm the page cache: compare CPU, not the disk
        file.read_bytes()
    ctx.say(f"log read/verify: {log.summary.records:,} records, best of {ctx.options.repeats}")
    best = best_of(ctx.options.repeats, {"plain": lambda: plain_loop(log.path),
                                         "read": lambda: eventlog_read(log.path),
                                         "verify": lambda: eventlog_verify(log.path)})
    section.raw["read"] = best
    mb = log.summary.bytes / 1e6
    plain = best["plain"][1] / best["plain"][0]
    for name, label in (("read", "EventLog.read()"), ("verify", "eventlog.verify()")):
        seconds, n = best[name]
        section.rows.append(Row("log read", f"{label}: {rate(n / seconds, 'rec/s')} "
                                f"({rate(mb / seconds, 'MB/s')})",
                                f"orjson loop {rate(plain, 'rec/s')}",
                                times(n / seconds / plain), f">= {READ_GOAL:g}x",
                                n / seconds / plain >= READ_GOAL))
    section.notes.append(f"read: {log.summary.prs:,}-PR log, {log.summary.records:,} records, "
                         f"{mb:,.0f} MB in {len(segment_files(log.path))} segments, page cache "
                         "warm")
    return plain


# -- compaction throughput ----------------------------------------------------------------------


def _compaction_rows(ctx: Context, log: GeneratedLog, plain: float, section: Section) -> None:
    copy = ctx.workspace.scratch("compact-large") / "log"
    shutil.copytree(log.path, copy)
    ctx.say(f"compaction of {log.summary.records:,} records")
    started = time.perf_counter()
    report = compact(copy)
    seconds = time.perf_counter() - started
    section.raw["compaction"] = {"seconds": seconds, "records_before": report.records_before,
                                 "records_after": report.records_after}
    speed = report.records_before / seconds
    section.rows.append(Row("log compaction", f"compact(): {rate(speed, 'rec/s')} "
                            f"({rate(report.bytes_before / 1e6 / seconds, 'MB/s')})",
                            f"orjson loop {rate(plain, 'rec/s')}", times(speed / plain)))
    section.notes.append(f"compaction: {report.records_before:,} -> {report.records_after:,} "
                         "records (each PR once; superseded commit markers dropped), durable")
    shutil.rmtree(copy.parent)


# -- appending ----------------------------------------------------------------------------------


def append_all(log_dir: Path, events: list[Event], fsync: str) -> float:
    """Seconds to append ``events`` in ``APPEND_BATCH``-event batches."""
    started = time.perf_counter()
    with open_writer(log_dir, fsync=fsync) as writer:
        for i in range(0, len(events), APPEND_BATCH):
            writer.append_batch(events[i:i + APPEND_BATCH], {"cursor": str(i)})
    return time.perf_counter() - started


def _append_rows(ctx: Context, section: Section) -> None:
    n = ctx.options.append_records
    events = [Event("pr", f"pr:{d['number']}", d) for d in pr_events(n, ctx.options.seed)]
    ctx.say(f"append: {n:,} PR events, fsync per batch vs none")
    best: dict[str, float] = {}
    for _ in range(ctx.options.repeats):
        for fsync in ("never", "always"):
            seconds = append_all(ctx.workspace.scratch(f"append-{fsync}"), events, fsync)
            best[fsync] = min(best.get(fsync, seconds), seconds)
    section.raw["append"] = best
    never, always = n / best["never"], n / best["always"]
    section.rows.append(Row("log append", f"fsync per {APPEND_BATCH}-record batch: "
                            f"{rate(always, 'rec/s')}", f"no fsync {rate(never, 'rec/s')}",
                            times(always / never)))
    section.notes.append(f"append: {n:,} generated PR events (~{_event_kb(events):.1f} KB "
                         f"each), {n // APPEND_BATCH} batches")


def _event_kb(events: list[Event]) -> float:
    sample = events[: min(200, len(events))]
    return sum(len(orjson.dumps(e.data)) for e in sample) / len(sample) / 1024


# -- compaction memory -----------------------------------------------------------------------


def keyed_log(ctx: Context, records: int, keys: int) -> Path:
    """A cached log of ``records`` events over ``keys`` keys."""
    home = ctx.workspace.root / "logs" / f"keyed-{records}-{keys}"
    if not (home / "done").exists():
        shutil.rmtree(home, ignore_errors=True)
        ctx.say(f"generating a log of {records:,} records over {keys:,} keys")
        write_keyed_log(home / "log", records, keys)
        (home / "done").touch()
    return home / "log"


def _compaction_memory_rows(ctx: Context, section: Section) -> None:
    r, k = ctx.options.compaction_records, ctx.options.compaction_keys
    growth = {}
    for records, keys in ((r, k), (r, k // 10), (r // 4, k)):
        copy = ctx.workspace.scratch("compact-memory") / "log"
        shutil.copytree(keyed_log(ctx, records, keys), copy)
        result = run_task("compact_peak", bench_env(), log_dir=str(copy))
        growth[(records, keys)] = result["rss_after_kb"] - result["rss_before_kb"]
        section.raw[f"compaction_memory_{records}_{keys}"] = result
        section.rows.append(Row("compaction memory", f"{records:,} records / {keys:,} keys: "
                                f"+{growth[(records, keys)] / 1024:,.1f} MiB peak"))
    ratio = growth[(r, k)] / max(1, growth[(r // 4, k)])
    section.rows.append(Row("compaction memory", f"{r:,} rec / {k:,} keys: "
                            f"+{growth[(r, k)] / 1024:,.1f} MiB",
                            f"{r // 4:,} rec / {k:,} keys: +{growth[(r // 4, k)] / 1024:,.1f} MiB",
                            times(ratio), f"<= {MEMORY_GOAL:g}x", ratio <= MEMORY_GOAL))
    section.notes.append("compaction memory: peak RSS during compact() minus RSS just before, "
                         "in a fresh process per log (peak reset after imports)")

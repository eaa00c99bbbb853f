"""Compaction's peak memory: logs of R records over K keys, compacted in a fresh process.

``write_keyed_log`` writes ``records`` small PR-like events cycling over ``keys`` keys (so each
key is updated ``records / keys`` times), 50 per batch. The child task ``compact_peak`` compacts
a copy and reports the RSS just before and the peak during compaction (the high-water mark is
reset first, so imports do not count): the growth is what compaction needed.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from eventlog import Event, compact, open_writer

from .child import current_rss_kb, peak_rss_kb, reset_peak_rss

BATCH = 50


def write_keyed_log(log_dir: Path, records: int, keys: int) -> None:
    """``records`` events over ``keys`` keys, committed ``BATCH`` at a time."""
    with open_writer(log_dir, fsync="never") as writer:
        batch = []
        for i in range(records):
            number = i % keys + 1
            batch.append(Event("pr", f"pr:{number}", {
                "number": number, "state": "open", "title": f"Change number {number} rev {i}",
                "updated_at": "2026-11-01T10:00:00Z", "additions": i % 97, "labels": ["bug"]}))
            if len(batch) == BATCH:
                writer.append_batch(batch, {"cursor": f"c{i}"})
                batch = []
        if batch:
            writer.append_batch(batch, {"cursor": "end"})


def compact_peak(log_dir: str) -> dict[str, Any]:
    gc.collect()
    reset_peak_rss()
    before = current_rss_kb()
    started = time.perf_counter()
    report = compact(Path(log_dir))
    return {"seconds": time.perf_counter() - started, "rss_before_kb": before,
            "rss_after_kb": peak_rss_kb(), "records_before": report.records_before,
            "records_after": report.records_after, "keys": report.keys}

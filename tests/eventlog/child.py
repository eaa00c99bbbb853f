"""Helper process for the eventlog tests (not a test module).

    python child.py append LOG_DIR FSYNC SEGMENT_BYTES SEED [short]
                                                              append batches until killed
    python child.py hold LOG_DIR                              hold the lock until stdin closes
    python child.py compact LOG_DIR                           compact, print peak RSS growth

``append`` prints ``open NEXT_SEQ`` once the writer is open, then ``commit FIRST COMMIT`` after
every ``append_batch`` returns (flushed), so the parent knows exactly what was committed. With
``short``, ``os.write`` writes at most a few hundred bytes per call and pauses, as a slow disk
returning short writes would, so a kill often lands in the middle of a batch.
"""

from __future__ import annotations

import os
import random
import resource
import sys
import time
from pathlib import Path

from eventlog import Event, compact, open_writer


def append(log_dir: Path, fsync: str, segment_bytes: int, seed: int) -> None:
    rng = random.Random(seed)
    with open_writer(log_dir, fsync=fsync, segment_bytes=segment_bytes) as writer:
        print(f"open {writer.next_seq}", flush=True)
        while True:
            first = writer.next_seq
            events = [Event("pr", f"pr:{(first + i) % 50}",
                            {"seq": first + i, "pad": "x" * rng.randrange(400)})
                      for i in range(rng.randrange(1, 40))]
            commit = writer.append_batch(events, meta={"first": first})
            print(f"commit {commit.first_seq} {commit.commit_seq}", flush=True)


def use_short_writes(rng: random.Random) -> None:
    real_write = os.write

    def short_write(fd: int, data) -> int:
        time.sleep(0.0002)
        return real_write(fd, data[: rng.randrange(1, 600)])

    os.write = short_write


def compact_measured(log_dir: Path) -> None:
    """Compact and print ``records_after`` and how far the peak RSS grew (bytes) meanwhile."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = compact(log_dir, durable=False)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(report.records_after, (after - before) * 1024, flush=True)


def hold(log_dir: Path) -> None:
    with open_writer(log_dir, fsync="never"):
        print("ready", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    mode, path, *rest = sys.argv[1:]
    if mode == "append":
        if rest[3:] == ["short"]:
            use_short_writes(random.Random(rest[2]))
        append(Path(path), rest[0], int(rest[1]), int(rest[2]))
    elif mode == "compact":
        compact_measured(Path(path))
    else:
        hold(Path(path))

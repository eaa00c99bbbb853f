"""Helpers of scenario 5 (test_disk_damage*.py): the pristine logs a case starts from, and the
kinds of damage done to them with the outcome documented for each."""

from __future__ import annotations

import os
import shutil
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
from django.core.management import call_command

from eventlog import Event, EventLog, open_writer
from eventlog.manifest import MANIFEST_NAME, load_manifest
from eventlog.record import encode, now_ts
from eventlog.segment import scan_lines
from tests.fakegithub import generate_dataset

from .support import fetch_log, since_arg
from .support_state import files_under

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "disk/web"
SINCE_DAY = (NOW - timedelta(days=200)).date()
ARGS = ["--repo", REPO, *since_arg(SINCE_DAY), "--page-size", "5"]


def disk_dataset() -> dict:
    return generate_dataset({REPO: 60}, seed=23, now=NOW, days=150, huge=1, ci="both")


def pristine_logs(dataset: dict, root: Path) -> dict[str, Path]:
    """A complete log of REPO in one segment, and the same batches spread over five segments."""
    fetch_log(dataset, REPO, root / "single", page_size=5)
    size = sum(len(b) for b in files_under(root / "single").values())
    resegment(root / "single", root / "multi", segment_bytes=size // 5)
    assert len(load_manifest(root / "multi").segments) >= 4
    return {"single": root / "single", "multi": root / "multi"}


def resegment(source: Path, target: Path, *, segment_bytes: int) -> None:
    """Append the batches of ``source`` (same events, same checkpoints) to a new log that rolls
    to a new segment every ``segment_bytes``, as a long-lived log would have."""
    batch: list[Event] = []
    with open_writer(target, fsync="never", segment_bytes=segment_bytes) as writer:
        for record in EventLog(source).read():
            if record.is_commit:
                writer.append_batch(batch, record.meta)
                batch = []
            else:
                batch.append(Event(record.type, record.key, record.data))


# -- damage -----------------------------------------------------------------------------------


@dataclass
class Expect:
    """The documented outcome of one kind of damage."""

    outcome: str                       # recovered | error
    texts: list[str] = field(default_factory=list)   # in seed's and verify's outputs
    refetch: bool = False              # recovery lost committed batches: the pass resumes
    reader: str = "seed"               # the command that must read the damaged bytes


def segments(log_dir: Path) -> list[Path]:
    return [log_dir / s.file for s in load_manifest(log_dir).segments]


def middle_line(path: Path):
    """A PR record near the middle of a segment, followed by a commit marker."""
    lines = [ln for ln in scan_lines(path) if b'"type":"pr"' in ln.data]
    return lines[len(lines) // 2]


def append(path: Path, data: bytes) -> None:
    with open(path, "ab") as fh:
        fh.write(data)


def torn_tail(log_dir: Path) -> Expect:
    active = segments(log_dir)[-1]
    line = middle_line(active).data
    append(active, line[: len(line) // 2])
    return Expect("recovered", [str(active), "uncommitted bytes"])


def garbage_tail(log_dir: Path) -> Expect:
    active = segments(log_dir)[-1]
    append(active, b"\x00\xff garbage \x93\n{not json}\n" + bytes(range(256)))
    return Expect("recovered", [str(active), "uncommitted bytes"])


def unmarked_batch(log_dir: Path) -> Expect:
    """Complete, valid records whose commit marker never reached the disk."""
    active, seq = segments(log_dir)[-1], EventLog(log_dir).next_seq()
    line = encode({"v": 1, "seq": seq, "type": "pr", "key": "pr:1", "ts": now_ts(),
                   "data": {"number": 1}})
    append(active, line + b"\n")
    return Expect("recovered", [str(active), "uncommitted bytes"])


def flip_byte(path: Path) -> list[str]:
    """Change one byte in the middle of a committed record; the texts locating it."""
    line = middle_line(path)
    offset = line.offset + len(line.data) // 2
    data = bytearray(path.read_bytes())
    data[offset] = ord("#") if data[offset] != ord("#") else ord("%")
    path.write_bytes(bytes(data))
    return [f"byte {line.offset} of {path}"]


def flipped_byte(log_dir: Path) -> Expect:
    return Expect("error", flip_byte(segments(log_dir)[-1]))


def flipped_byte_sealed(log_dir: Path) -> Expect:
    """Old, already projected data: a run that does not read it carries on; any reader of it
    (here a replay from offset 0) is refused."""
    return Expect("error", flip_byte(segments(log_dir)[0]), reader="replay")


def deleted_segment(log_dir: Path) -> Expect:
    middle = segments(log_dir)[1]
    middle.unlink()
    return Expect("error", [str(middle), "missing"])


def truncated_segment(log_dir: Path) -> Expect:
    first = segments(log_dir)[0]
    os.truncate(first, first.stat().st_size - 100)
    return Expect("error", [str(first), "manifest recorded"])


def truncated_manifest(log_dir: Path) -> Expect:
    path = log_dir / MANIFEST_NAME
    os.truncate(path, path.stat().st_size // 2)
    return Expect("error", [str(path), "damaged"])


def truncated_active(log_dir: Path) -> Expect:
    """The file lost its end (mid-record): indistinguishable from a crash before the commit,
    so the cut batches are recovered as a tail and fetched again."""
    active = segments(log_dir)[-1]
    line = middle_line(active)
    os.truncate(active, line.offset + 7)
    return Expect("recovered", [str(active), "uncommitted bytes"], refetch=True)


def future_record(log_dir: Path) -> Expect:
    """A batch appended by a newer version of the tool (format 2, valid checksums)."""
    active, seq = segments(log_dir)[-1], EventLog(log_dir).next_seq()
    offset, ts = active.stat().st_size, now_ts()
    lines = [encode({"v": 2, "seq": seq, "type": "pr", "key": "pr:1", "ts": ts, "data": {}}),
             encode({"v": 2, "seq": seq + 1, "type": "commit", "key": "commit", "ts": ts,
                     "data": {"first_seq": seq, "count": 1, "meta": {}}})]
    append(active, b"\n".join(lines) + b"\n")
    return Expect("error", [f"record at byte {offset} of {active}", "format version 2"])


def future_manifest(log_dir: Path) -> Expect:
    path = log_dir / MANIFEST_NAME
    doc = orjson.loads(path.read_bytes())
    doc["body"]["format"] = 2
    body = orjson.dumps(doc["body"], option=orjson.OPT_SORT_KEYS)
    doc["crc"] = f"{zlib.crc32(body):08x}"
    path.write_bytes(orjson.dumps(doc, option=orjson.OPT_SORT_KEYS))
    return Expect("error", [str(path), "has format 2", "upgrade the tool"])


CASES = {
    "torn tail": ("single", torn_tail),
    "garbage tail": ("single", garbage_tail),
    "unmarked batch": ("single", unmarked_batch),
    "truncated active segment": ("single", truncated_active),
    "flipped byte mid-log": ("single", flipped_byte),
    "flipped byte in a sealed segment": ("multi", flipped_byte_sealed),
    "deleted middle segment": ("multi", deleted_segment),
    "truncated sealed segment": ("multi", truncated_segment),
    "truncated manifest": ("multi", truncated_manifest),
    "record from a future format": ("single", future_record),
    "manifest from a future format": ("multi", future_manifest),
}


def project(log_dir: Path, cache_dir: Path) -> None:
    """Install a pristine log and project it (no request: it covers the window)."""
    shutil.copytree(log_dir, cache_dir / REPO)
    call_command("seed_real_projects", *ARGS, stdout=open(os.devnull, "w"))  # noqa: SIM115

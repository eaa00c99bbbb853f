"""Scenario 5: damaged logs on disk, seen by ``seed_real_projects`` and ``eventlog verify``.

Each case starts from a real, complete log (written by the fetcher against the fake GitHub) that
is already projected, damages it the way disks and crashes do, and runs ``eventlog verify`` and
then the seeding command, as real processes. The documented outcome is either *recovered* (what
follows the last commit marker is not committed data: it is cut, and the run goes on) or a
*clear error* naming the file (and the byte offset, for a damaged record) with exit 1. Either
way nothing committed is ever rewritten: an error leaves every file byte for byte as it was,
and a recovery keeps every committed byte.
"""

from __future__ import annotations

import copy
import os
import shutil
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from django.core.management import call_command

from apps.metrics.models import PRCheckRun
from eventlog import Event, EventLog, open_writer
from eventlog.manifest import MANIFEST_NAME, load_manifest
from eventlog.record import encode, now_ts
from eventlog.segment import scan_lines
from tests.dbdump import dump
from tests.fakegithub import FakeGitHub, generate_dataset, touch_pr

from .support import (
    assert_database_matches,
    assert_failed_cleanly,
    assert_log_matches,
    assert_succeeded,
    chaos_env,
    day_start,
    fetch_log,
    files_under,
    since_arg,
)

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "disk/web"
SINCE_DAY = (NOW - timedelta(days=200)).date()
ARGS = ["--repo", REPO, *since_arg(SINCE_DAY), "--page-size", "5"]


@pytest.fixture(scope="module")
def dataset():
    return generate_dataset({REPO: 60}, seed=23, now=NOW, days=150, huge=1, ci="both")


@pytest.fixture(scope="module")
def pristine(dataset, tmp_path_factory) -> dict[str, Path]:
    """A complete log of REPO in one segment, and the same batches spread over five segments."""
    root = tmp_path_factory.mktemp("pristine")
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


# -- the test ---------------------------------------------------------------------------------


def project(log_dir: Path, cache_dir: Path) -> None:
    """Install a pristine log and project it (no request: it covers the window)."""
    shutil.copytree(log_dir, cache_dir / REPO)
    call_command("seed_real_projects", *ARGS, stdout=open(os.devnull, "w"))  # noqa: SIM115


def committed_prefix(data: bytes) -> bytes:
    """The bytes of ``data`` up to and including its last intact commit marker."""
    end = offset = 0
    for line in data.splitlines(keepends=True):
        offset += len(line)
        if line.endswith(b"\n") and b'"type":"commit"' in line:
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
            end = offset
    return data[:end]


def assert_kept_committed_bytes(before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Every file still starts with the committed bytes it had: recovery only cuts what follows
    the last commit marker (an unfinished batch), and what is appended next may differ."""
    assert before.keys() == after.keys()
    for name, data in before.items():
        kept = committed_prefix(data) if name.endswith(".jsonl") else data
        assert after[name].startswith(kept) or kept.startswith(after[name]), name


def run_on_damaged_log(runner, env, expect: Expect, cache_dir: Path):
    """``eventlog verify``, then the command that must read the damage; returns both results."""
    checked = runner.eventlog("verify", REPO, "--cache-dir", str(cache_dir))
    seeded = runner.seed(*ARGS, env=env)
    if expect.reader == "replay":
        assert_succeeded(seeded)  # does not need the damaged, already projected records
        seeded = runner.eventlog("replay", REPO, "--from-offset", "0", "--cache-dir",
                                 str(cache_dir), env=env)
    return checked, seeded


def assert_refused(expect: Expect, checked, failed) -> None:
    assert checked.returncode == 1 and "problem:" in checked.stdout, checked.stdout
    assert_failed_cleanly(failed, *expect.texts, code=1)


def assert_recovered(checked, seeded) -> None:
    assert checked.returncode == 0 and "problem" not in checked.stdout, checked.stdout
    assert_succeeded(seeded)
    assert "warning" in seeded.stdout and "recovered: truncated" in seeded.stdout


@pytest.mark.parametrize("case", list(CASES))
def test_damaged_logs_are_recovered_or_refused_naming_the_file_and_never_rewritten(
        case, pristine, dataset, runner, process_env, cache_dir):
    """Torn or garbage tails and unmarked batches are recovered (cut at the last commit marker,
    the rest kept byte for byte); damage to committed data (flipped byte, missing or truncated
    segment, damaged manifest, a future format) is refused with the file named, exit 1, files
    and database untouched. ``eventlog verify`` agrees: a warning for a tail, a problem for
    damage."""
    kind, damage = CASES[case]
    project(pristine[kind], cache_dir)
    log_dir, rows = cache_dir / REPO, dump()
    pristine_files = files_under(log_dir)
    expect = damage(log_dir)
    damaged = files_under(log_dir)
    with FakeGitHub(dataset, secondary_points_per_minute=None) as gh:
        checked, seeded = run_on_damaged_log(runner, chaos_env(process_env, gh.url), expect,
                                             cache_dir)
        requests = gh.stats.total
    for text in expect.texts:
        assert text in checked.stdout, checked.stdout
    if expect.outcome == "error":
        assert_refused(expect, checked, seeded)
        assert files_under(log_dir) == damaged and dump() == rows and requests == 0
        return
    assert_recovered(checked, seeded)
    assert_kept_committed_bytes(damaged, files_under(log_dir))
    assert requests > 0 if expect.refetch else files_under(log_dir) == pristine_files
    clean = runner.eventlog("verify", REPO, "--cache-dir", str(cache_dir))
    assert clean.returncode == 0 and "warning" not in clean.stdout, clean.stdout
    since = day_start(SINCE_DAY)
    assert_database_matches(dataset, "disk", [REPO], since)
    assert_log_matches(dataset, cache_dir, [REPO], since)


# -- logs that lost records the database already has -------------------------------------------


def oldest_run(dataset) -> tuple[int, dict]:
    """The oldest PR with a check run, and that run (its event is near the end of the log)."""
    prs = sorted(dataset["repos"][REPO]["pullRequests"], key=lambda p: p["updatedAt"])
    for pr in prs:
        runs = [r for s in pr["commits"][-1]["commit"].get("checkSuites") or []
                for r in s["checkRuns"]]
        if runs:
            return pr["number"], runs[0]
    raise AssertionError("no check run in the dataset")


def lose_the_directory(gh, log_dir: Path) -> None:
    """The cache directory is deleted, and meanwhile a PR is renamed on GitHub."""
    shutil.rmtree(log_dir)
    number = gh.dataset["repos"][REPO]["pullRequests"][0]["number"]
    gh.mutate(lambda d: touch_pr(d, REPO, number, datetime.now(UTC), title="Renamed meanwhile"))


def lose_the_second_half(gh, log_dir: Path) -> None:
    """The active segment loses its second half, and meanwhile a check run of an old PR
    finishes (which does not change the PR's ``updatedAt`` on GitHub)."""
    active = segments(log_dir)[-1]
    os.truncate(active, middle_line(active).offset)
    _, run = oldest_run(gh.dataset)
    gh.mutate(lambda d: run.update(status="COMPLETED", conclusion="CANCELLED",
                                   completedAt=run["startedAt"]))


@pytest.mark.parametrize("lose", [lose_the_directory, lose_the_second_half],
                         ids=["deleted log directory", "second half of the log lost"])
def test_a_log_that_lost_projected_records_is_fetched_again_and_every_change_projected(
        lose, pristine, dataset, runner, process_env, cache_dir):
    """The database is ahead of a log that lost records (a deleted directory, a cut file, a
    crash without fsync): the next run fetches them again at reused seqs, and every row is
    checked against the new events, so what changed meanwhile is projected, not skipped."""
    project(pristine["single"], cache_dir)
    with FakeGitHub(copy.deepcopy(dataset), secondary_points_per_minute=None) as gh:
        lose(gh, cache_dir / REPO)
        result = runner.seed(*ARGS, env=chaos_env(process_env, gh.url))
        served_dataset = gh.dataset
    assert_succeeded(result)
    since = day_start(SINCE_DAY)
    assert_database_matches(served_dataset, "disk", [REPO], since)
    assert_log_matches(served_dataset, cache_dir, [REPO], since)
    _, run = oldest_run(served_dataset)
    row = PRCheckRun.objects.get(github_check_run_id=run["databaseId"])
    assert (row.status, row.conclusion) == (run["status"].lower(),
                                           (run["conclusion"] or "").lower() or None)
    assert "records were lost; every row of disk/web is checked again" in result.stdout

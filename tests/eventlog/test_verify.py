"""``verify`` walks the same scanner as recovery and readers, and reports every problem."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace

import pytest

from eventlog import (
    CorruptRecordError,
    DamagedLogError,
    EventLogError,
    LogLockedError,
    SegmentMissingError,
    UnsupportedVersionError,
    open_writer,
    verify,
)
from eventlog.cli import main
from eventlog.manifest import load_manifest, write_manifest
from eventlog.record import encode, envelope

from .support import (
    FAST,
    active_segment,
    batch_ends,
    damage,
    line_spans,
    segment_paths,
    write_batches,
)


def flip(path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_verify_reports_every_damaged_record_not_only_the_first(log_dir):
    write_batches(log_dir, [2, 2, 2, 2], segment_bytes=600)
    sealed, active = segment_paths(log_dir)[0], segment_paths(log_dir)[-1]
    flip(sealed, line_spans(sealed)[1][0] + 5)   # seq 1
    spans = line_spans(active)
    base = load_manifest(log_dir).active.base_seq
    flip(active, spans[0][0] + 5)                # first record of the active segment
    flip(active, spans[3][0] + 5)                # a record of the next batch
    report = verify(log_dir)
    assert [(p.path, p.byte_offset, p.seq) for p in report.problems] == [
        (sealed, line_spans(sealed)[1][0], 1),
        (active, spans[0][0], base),
        (active, spans[3][0], base + 3),
    ]
    assert all(p.message.startswith("expected crc ") for p in report.problems)
    assert not report.ok and report.warnings == []


def test_an_intact_record_out_of_place_is_reported_once_not_for_every_later_line(log_dir):
    write_batches(log_dir, [1])
    with active_segment(log_dir).open("ab") as fh:
        for seq in (5, 6):
            fh.write(encode(envelope(seq, "pr", f"pr:{seq}", {}, "t")) + b"\n")
        fh.write(encode(envelope(7, "commit", "commit", {"first_seq": 5, "count": 2, "meta": {}},
                                 "t")) + b"\n")
    report = verify(log_dir)
    assert [(p.seq, p.message) for p in report.problems] == [(5, "expected seq 2, found 5")]
    with pytest.raises(CorruptRecordError, match="expected seq 2, found 5"):
        open_writer(log_dir, **FAST)


def test_a_sealed_segment_not_ending_with_a_marker_is_a_problem(log_dir):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    manifest = load_manifest(log_dir)
    sealed = segment_paths(log_dir)[0]
    end = line_spans(sealed)[-1][0]
    sealed.write_bytes(sealed.read_bytes()[:end])  # drop its marker, and fix the manifest up
    first = replace(manifest.segments[0], bytes=end)
    write_manifest(log_dir, replace(manifest, segments=(first, *manifest.segments[1:])),
                   durable=False)
    problems = [(p.path, p.byte_offset, p.message) for p in verify(log_dir).problems]
    assert problems == [(sealed, max(batch_ends(sealed), default=0),
                         "sealed segment does not end with a commit marker")]


def test_a_gap_between_segments_is_a_problem(log_dir):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    manifest = load_manifest(log_dir)
    second = manifest.segments[1]
    moved = replace(second, base_seq=second.base_seq + 1)
    write_manifest(log_dir, replace(manifest, segments=(manifest.segments[0], moved,
                                                        *manifest.segments[2:])), durable=False)
    messages = [p.message for p in verify(log_dir).problems]
    assert (f"segment starts at seq {second.base_seq + 1}, the previous one ends before seq "
            f"{second.base_seq}") in messages


def outcome_of_opening(log_dir):
    """What recovery makes of the log: the refusal, or the truncated byte count."""
    try:
        with open_writer(log_dir, **FAST) as writer:
            return None, writer.recovery.truncated_bytes
    except (CorruptRecordError, UnsupportedVersionError) as e:
        return e, None


def test_verify_and_recovery_agree_on_every_random_damage(tmp_path):
    """One scanner: verify finds a problem exactly when recovery refuses, at the same byte and
    seq; it warns about an unfinished tail exactly when recovery truncates one."""
    rng = random.Random(4242)
    pristine = tmp_path / "pristine"
    write_batches(pristine, [rng.randrange(0, 5) for _ in range(10)])
    data = active_segment(pristine).read_bytes()
    seen = set()
    for round_ in range(60):
        work = tmp_path / f"round{round_}"
        shutil.copytree(pristine, work)
        start = rng.randrange(len(data))
        length = rng.choice([1, 3, len(data) - start, rng.randrange(1, 200)])
        active_segment(work).write_bytes(damage(data, start, length, rng))
        report = verify(work)
        refused, truncated = outcome_of_opening(work)
        seen.add(refused is None)
        if refused is not None:
            assert not report.ok
            first = report.problems[0]
            assert (first.path, first.byte_offset, first.seq) == (
                refused.path, refused.byte_offset, refused.seq)
        else:
            assert report.ok, report.problems
            assert any("uncommitted bytes" in w for w in report.warnings) == bool(truncated)
        shutil.rmtree(work)
    assert seen == {True, False}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", ["info", "verify"])
def test_json_listings_of_an_empty_or_missing_cache_are_empty_objects(capsys, tmp_path,
                                                                      command):
    for cache in (tmp_path / "missing", tmp_path):
        assert run(capsys, command, "--json", "--cache-dir", str(cache)) == (0, "{}\n", "")


def test_verify_json_lists_every_problem_with_its_location(capsys, cache_dir, log_dir):
    write_batches(log_dir, [1, 1])
    path = active_segment(log_dir)
    flip(path, 5)
    with path.open("ab") as fh:
        fh.write(b'{"torn')
    code, out, err = run(capsys, "verify", "--json", "--cache-dir", str(cache_dir))
    assert (code, err) == (1, "")
    doc = json.loads(out)["octo/repo"]
    assert set(doc) == {"ok", "records", "bytes", "problems", "warnings"}
    assert (doc["ok"], doc["records"], doc["bytes"]) == (False, 3, path.stat().st_size)
    [problem] = doc["problems"]
    assert (problem["path"], problem["byte_offset"], problem["seq"]) == (str(path), 0, 0)
    assert problem["message"].startswith("expected crc ")
    torn_at = path.stat().st_size - 6
    assert doc["warnings"] == [
        f"in the unfinished tail: byte {torn_at} of {path} (seq 4): torn line (no newline)",
        f"{path}: 6 uncommitted bytes after byte {torn_at} (0 records of an unfinished batch); "
        "the next writer truncates them"]


DAMAGE = {
    "corrupt record": lambda d: flip(active_segment(d), 5),
    "missing segment": lambda d: segment_paths(d)[0].unlink(),
    "truncated segment": lambda d: segment_paths(d)[0].write_bytes(b"{}\n"),
    "damaged manifest": lambda d: (d / "manifest.json").write_bytes(b"{"),
}


@pytest.mark.parametrize("name", DAMAGE)
def test_damage_errors_state_facts_and_name_no_command(log_dir, name):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    DAMAGE[name](log_dir)
    with pytest.raises(DamagedLogError) as info:
        open_writer(log_dir, **FAST)
    text = str(info.value)
    assert "eventlog" not in text and "seed_real_projects" not in text and "\n" not in text
    assert str(info.value.path) in text


def test_errors_that_are_not_damage_are_no_damaged_log_errors():
    for cls in (UnsupportedVersionError, LogLockedError):
        assert not issubclass(cls, DamagedLogError) and issubclass(cls, EventLogError)


def test_a_missing_segment_error_carries_what_the_manifest_expected(log_dir):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    sealed = segment_paths(log_dir)[0]
    expected = sealed.stat().st_size
    sealed.write_bytes(b"{}\n")
    with pytest.raises(SegmentMissingError) as info:
        open_writer(log_dir, **FAST)
    assert (info.value.path, info.value.expected_bytes, info.value.found_bytes) == (
        sealed, expected, 3)


def test_the_cli_adds_its_own_advice_to_a_damage_error(capsys, cache_dir, log_dir):
    write_batches(log_dir, [1])
    path = active_segment(log_dir)
    flip(path, 5)
    code, out, err = run(capsys, "tail", "octo/repo", "--cache-dir", str(cache_dir))
    assert (code, out) == (1, "")
    assert err.startswith(f"eventlog: error: corrupt record at byte 0 of {path} (seq 0): "
                          "expected crc ")
    assert err.endswith("; run `eventlog verify` to list every problem\n")
    assert err.count("\n") == 1

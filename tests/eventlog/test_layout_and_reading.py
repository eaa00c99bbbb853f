"""Repository names and paths, and the read API's edge cases."""

from __future__ import annotations

from dataclasses import replace

import pytest

from eventlog import (
    CorruptRecordError,
    EventLog,
    InvalidRepoNameError,
    LogNotFoundError,
    list_repos,
    open_writer,
    parse_repo,
    repo_dir,
    verify,
)
from eventlog.manifest import load_manifest, write_manifest
from eventlog.record import encode, envelope

from .support import FAST, active_segment, read_all, snapshot, write_batches


@pytest.mark.parametrize("text", [
    "../x", "x/..", "x/.", "/etc/passwd", "a/b/c", "a", "", "a/", "/b", "-a/b", "a-/b", "a--b/c",
    "a\n/b", "a/b\nc", "a/b c", "ö/b", "a" * 40 + "/b", "a/" + "b" * 101, "a\\b/c",
])
def test_names_that_are_not_github_repositories_are_refused(text):
    with pytest.raises(InvalidRepoNameError, match="invalid repository"):
        parse_repo(text)


@pytest.mark.parametrize(("text", "parts"), [
    ("octo/repo", ("octo", "repo")), ("a-b/c.d_e-f", ("a-b", "c.d_e-f")),
    (" octo/repo\n", ("octo", "repo")), ("o/...", ("o", "...")), ("a" * 39 + "/b", ("a" * 39, "b")),
])
def test_github_repository_names_are_accepted(text, parts):
    assert parse_repo(text) == parts


def test_repo_dir_stays_inside_the_cache_dir(cache_dir):
    assert repo_dir(cache_dir, "octo/repo") == cache_dir / "octo" / "repo"
    with pytest.raises(InvalidRepoNameError):
        repo_dir(cache_dir, "../../etc")


def test_list_repos_lists_only_logs_with_valid_names(cache_dir):
    write_batches(cache_dir / "octo" / "b", [1])
    write_batches(cache_dir / "octo" / "a", [1])
    (cache_dir / "bad owner" / "x").mkdir(parents=True)
    (cache_dir / "bad owner" / "x" / "manifest.json").write_text("{}")
    (cache_dir / "octo" / "not-a-log").mkdir()
    assert list_repos(cache_dir) == ["octo/a", "octo/b"]
    assert list_repos(cache_dir / "missing") == []


def test_negative_offsets_are_refused_when_the_read_is_asked_for(log_dir):
    write_batches(log_dir, [1])
    log = EventLog(log_dir)
    with pytest.raises(ValueError, match="offset must be >= 0"):
        log.read(-1)
    with pytest.raises(ValueError, match="offset must be >= 0"):
        log.follow(-1)
    with pytest.raises(ValueError, match="poll_interval"):
        log.follow(0, poll_interval=0)


def test_reading_past_the_end_yields_nothing_and_tail_never_overflows(log_dir):
    write_batches(log_dir, [2, 1])
    log = EventLog(log_dir)
    assert read_all(log_dir, 100) == []
    assert log.tail(10**30) == read_all(log_dir)
    assert log.tail(0) == [] and log.tail(-3) == []
    assert [r.seq for r in log.tail(2)] == [3, 4]


def test_a_missing_log_is_reported_as_such(log_dir):
    log = EventLog(log_dir)
    assert not log.exists()
    for call in (log.next_seq, log.info, lambda: list(log.read())):
        with pytest.raises(LogNotFoundError, match=str(log_dir)):
            call()


def test_an_empty_log_has_no_records_and_next_seq_zero(log_dir):
    with open_writer(log_dir, **FAST):
        pass
    log = EventLog(log_dir)
    info = log.info()
    assert (info.records, info.first_seq, info.next_seq, info.last_commit) == (0, None, 0, None)
    assert log.last_commit() is None and log.tail(5) == []
    assert verify(log_dir).ok


def test_an_intact_record_out_of_place_is_corruption_not_a_tail(log_dir):
    write_batches(log_dir, [2])
    with active_segment(log_dir).open("ab") as fh:  # a checksummed line with a seq from nowhere
        fh.write(encode(envelope(7, "pr", "pr:7", {}, "t")) + b"\n")
    before = snapshot(log_dir)
    with pytest.raises(CorruptRecordError, match="expected seq 3, found 7"):
        open_writer(log_dir, **FAST)
    assert not verify(log_dir).ok
    assert snapshot(log_dir) == before


def test_verify_checks_sealed_segments_against_the_manifest(log_dir):
    write_batches(log_dir, [2, 2, 2], segment_bytes=300)
    manifest = load_manifest(log_dir)
    first = manifest.segments[0]
    damaged = replace(first, last_seq=first.last_seq + 1, records=99)
    wrong = replace(manifest, segments=(damaged, *manifest.segments[1:]))
    write_manifest(log_dir, wrong, durable=False)
    messages = [p.message for p in verify(log_dir).problems]
    assert f"last seq is {first.last_seq}, manifest recorded {first.last_seq + 1}" in messages
    assert f"{first.records} records, manifest recorded 99" in messages


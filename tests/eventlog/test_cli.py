"""The ``eventlog`` CLI's commands on good logs: ``tail``, ``info``, ``verify`` and ``compact``,
their outputs and exit codes (bad input: test_cli_errors.py; replay: test_cli_replay.py)."""

from __future__ import annotations

import json
import os

from eventlog import Event, open_writer

from .cli_support import run
from .support import active_segment, read_all, write_batches


def test_tail_prints_the_last_records_oldest_first(capsys, cache_dir, repo):
    code, out, err = run(capsys, "tail", "octo/repo", "-n", "3", cache=cache_dir)
    lines = out.splitlines()
    assert code == 0 and err == "" and len(lines) == 3
    assert [line.split()[0] for line in lines] == ["4", "5", "6"]
    assert lines[1].split()[1:3] == ["pr", "pr:1"] and "title=First state=merged" in lines[1]
    assert "commit of 1 record from seq 5 complete=true cursor=c" in lines[2]


def test_tail_json_lines_are_the_records(capsys, cache_dir, repo):
    code, out, _ = run(capsys, "tail", "octo/repo", "-n", "100000000000000000000000", "--json",
                       cache=cache_dir)
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        r.to_dict() for r in read_all(repo)]
    code, out, _ = run(capsys, "tail", "octo/repo", "-n", "0", cache=cache_dir)
    assert (code, out) == (0, "")


def test_tail_prints_markup_in_records_literally(capsys, cache_dir, log_dir):
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([Event("[/]", "[bold]x", {"title": "[red]y[/red]"})])
    code, out, err = run(capsys, "tail", "octo/repo", "-n", "2", cache=cache_dir)
    assert (code, err) == (0, "")
    assert "[/]" in out and "[bold]x" in out and "title=[red]y[/red]" in out


def test_info_summarises_each_log_and_its_json_is_parseable(capsys, cache_dir, repo):
    code, out, _ = run(capsys, "info", cache=cache_dir)
    assert code == 0
    assert out.startswith("octo/repo: 4 events (3 keys), 3 commits, ")
    assert "seqs 0..6, next 7, last fetch complete: yes" in out
    code, out, _ = run(capsys, "info", "octo/repo", "--json", cache=cache_dir)
    doc = json.loads(out)["octo/repo"]
    assert (doc["records"], doc["events"], doc["commits"], doc["keys"]) == (7, 4, 3, 3)
    assert (doc["next_seq"], doc["uncommitted_bytes"], doc["segments"]) == (7, 0, 1)
    assert doc["last_commit"]["data"]["meta"] == {"cursor": "c", "complete": True}
    assert doc["last_fetch_complete"] is True
    assert doc["types"] == {"pr": 3, "review": 1, "commit": 3}


def test_info_reads_the_cache_dir_from_the_environment(capsys, cache_dir, repo, monkeypatch):
    monkeypatch.setenv("SEEDING_CACHE_DIR", str(cache_dir))
    code, out, _ = run(capsys, "info", "--json")
    assert code == 0 and list(json.loads(out)) == ["octo/repo"]


def test_verify_exits_zero_only_when_every_log_is_clean(capsys, cache_dir, repo):
    write_batches(cache_dir / "octo" / "other", [1])
    code, out, _ = run(capsys, "verify", cache=cache_dir)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("octo/other: ok (2 records, ")
    assert lines[1].startswith("octo/repo: ok (7 records, ") and len(lines) == 2
    segment = active_segment(repo)
    data = bytearray(segment.read_bytes())
    data[10] ^= 0x20
    segment.write_bytes(bytes(data))
    code, out, _ = run(capsys, "verify", cache=cache_dir)
    assert code == 1
    assert "octo/other: ok" in out
    assert "octo/repo: 1 problem (6 records, " in out  # the damaged record is not counted
    assert f"  problem: byte 0 of {segment} (seq 0): expected crc" in out
    code, _, _ = run(capsys, "verify", "octo/other", cache=cache_dir)
    assert code == 0


def test_verify_warns_about_an_unfinished_tail_but_passes(capsys, cache_dir, repo):
    with active_segment(repo).open("ab") as fh:
        fh.write(b'{"torn')
    code, out, _ = run(capsys, "verify", "octo/repo", cache=cache_dir)
    assert code == 0 and "warning:" in out and "uncommitted bytes" in out


def test_compact_reports_before_and_after_and_compact_all_does_every_log(capsys, cache_dir,
                                                                          repo):
    write_batches(cache_dir / "octo" / "other", [1, 1], keys=1)
    code, out, _ = run(capsys, "compact", "octo/repo", cache=cache_dir)
    assert code == 0
    assert out.startswith("octo/repo: 7 -> 4 records, ") and "3 keys, next seq 7" in out
    code, out, _ = run(capsys, "compact", "--all", cache=cache_dir)
    assert code == 0
    other, again = out.splitlines()
    assert other.startswith("octo/other: 4 -> 2 records, ") and other.endswith("next seq 4")
    assert again == "octo/repo: nothing to compact (4 records)"


def test_compact_while_a_writer_runs_fails_naming_the_holder(capsys, cache_dir, repo):
    with open_writer(repo, fsync="never"):
        code, _, err = run(capsys, "compact", "octo/repo", cache=cache_dir)
    assert code == 1 and "is locked by process" in err and err.count("\n") == 1


def test_info_of_an_empty_log_says_it_has_no_records(capsys, cache_dir, log_dir):
    with open_writer(log_dir, fsync="never"):
        pass
    code, out, _ = run(capsys, "info", "octo/repo", cache=cache_dir)
    assert code == 0
    assert out == ("octo/repo: 0 events (0 keys), 0 commits, 0 bytes in 1 segment, "
                   "no records, next 0, last fetch complete: unknown\n")


def test_compact_all_compacts_every_log_it_can_and_names_the_locked_one(capsys, cache_dir,
                                                                         repo):
    write_batches(cache_dir / "octo" / "other", [1, 1], keys=1)
    with open_writer(repo, fsync="never"):
        code, out, err = run(capsys, "compact", "--all", cache=cache_dir)
    assert code == 1
    assert out.startswith("octo/other: 4 -> 2 records, ")
    assert err == (f"eventlog: error: octo/repo: log {repo} is locked by process {os.getpid()}; "
                   "wait for it to finish or stop it\n")

"""The ``eventlog`` CLI on bad input and hostile text: one-line errors with a non-zero exit,
never a traceback, and every character a terminal would interpret printed escaped."""

from __future__ import annotations

import json

import pytest

from eventlog import Event, open_writer
from eventlog.text import UNSAFE_RE

from .cli_support import run
from .support import active_segment, read_all, write_batches

BAD_INPUT = [
    (["tail", "nonsense"], 2, "invalid repository 'nonsense': expected OWNER/NAME"),
    (["tail", "../x"], 2, "invalid repository '../x': bad owner '..'"),
    (["info", "octo/.."], 2, "invalid repository 'octo/..': bad name '..'"),
    (["verify", "/etc/passwd"], 2, "invalid repository '/etc/passwd': expected OWNER/NAME"),
    (["compact", "octo/re po"], 2, "invalid repository 'octo/re po': bad name 're po'"),
    (["tail", "octo/repo", "-n", "-1"], 2, "-n must be >= 0, got -1"),
    (["tail", "octo/repo", "-f", "--poll", "0"], 2, "--poll must be > 0, got 0.0"),
    (["replay", "octo/repo", "--from-offset", "-5", "--dry-run"], 2,
     "--from-offset must be >= 0, got -5"),
    (["compact"], 2, "give either OWNER/NAME or --all"),
    (["compact", "octo/repo", "--all"], 2, "give either OWNER/NAME or --all"),
    (["tail", "octo/repo", "-n", "abc"], 2,
     "Invalid value for '-n' / '--lines': Input should be a valid integer, unable to parse "
     "string as an integer"),
    (["bogus"], 2, "No such command 'bogus'."),
    (["tail"], 2, "Missing argument 'repo'."),
    (["tail", "octo/nope"], 1, "no event log for octo/nope under {cache} (run `python manage.py "
                               "seed_real_projects` first)"),
    (["verify", "octo/nope"], 1, "no event log for octo/nope under {cache} (run `python "
                                 "manage.py seed_real_projects` first)"),
]


@pytest.mark.parametrize(("argv", "code", "message"), BAD_INPUT,
                         ids=[" ".join(argv) or "-" for argv, _, _ in BAD_INPUT])
def test_bad_input_gets_a_one_line_error_and_a_non_zero_exit(capsys, cache_dir, repo, argv,
                                                             code, message):
    got, out, err = run(capsys, *argv, cache=cache_dir)
    assert got == code
    assert err == f"eventlog: error: {message.format(cache=cache_dir)}\n"
    assert out == ""


def test_no_logs_at_all_is_an_error_for_every_listing_command(capsys, tmp_path):
    for command in (["info"], ["verify"], ["compact", "--all"]):
        code, out, err = run(capsys, *command, cache=tmp_path / "empty")
        assert (code, out) == (1, "")
        assert err == f"eventlog: error: no event logs under {tmp_path / 'empty'}\n"


def test_an_unreadable_log_is_a_one_line_error_not_a_traceback(capsys, cache_dir, repo):
    (repo / "manifest.json").unlink()
    (repo / "manifest.json").mkdir()
    code, out, err = run(capsys, "info", "octo/repo", cache=cache_dir)
    assert code == 1 and err.startswith("eventlog: error: ") and err.count("\n") == 1


NASTY = {"title": "\x1b[2J\x1b]0;p\x07 \u202eevil\nx\x9b", "state": "\x00"}


def test_tail_escapes_everything_a_terminal_would_interpret(capsys, cache_dir, log_dir):
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([Event("pr\x1b[1m", "key\nnext", NASTY)], meta={"c": "\x1b"})
    code, out, err = run(capsys, "tail", "octo/repo", cache=cache_dir)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert len(lines) == 2 and not UNSAFE_RE.search(out.replace("\n", ""))
    assert "pr\\x1b[1m" in lines[0] and "key\\nnext" in lines[0]
    assert "title=\\x1b[2J\\x1b]0;p\\x07 \\u202eevil\\nx\\x9b state=\\x00" in lines[0]
    assert "c=\\x1b" in lines[1]
    code, out, _ = run(capsys, "tail", "octo/repo", "--json", cache=cache_dir)
    assert json.loads(out.splitlines()[0])["data"] == NASTY
    assert not UNSAFE_RE.search(out.replace("\n", ""))


def test_a_record_holding_lone_surrogates_is_stored_exactly_and_printed_as_escapes(
        capsys, cache_dir, log_dir):
    data = {"title": "broken \ud800 text é", "files": [{"path": "a\udfffb"}]}
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([Event("pr", "pr:1", data)])
    assert read_all(log_dir)[0].data == data
    code, out, _ = run(capsys, "tail", "octo/repo", "-n", "2", "--json", cache=cache_dir)
    line = out.splitlines()[0]
    assert code == 0 and "\\ud800" in line and json.loads(line)["data"] == data
    code, out, _ = run(capsys, "tail", "octo/repo", "-n", "2", cache=cache_dir)
    assert code == 0 and "title=broken \\ud800 text é" in out
    assert run(capsys, "verify", "octo/repo", cache=cache_dir)[0] == 0


def test_paths_and_errors_with_control_characters_are_printed_on_one_line(capsys, tmp_path):
    cache = tmp_path / "ca\x1bche\nx"
    log_dir = cache / "octo" / "repo"
    write_batches(log_dir, [1])
    data = bytearray(active_segment(log_dir).read_bytes())
    data[5] ^= 1
    active_segment(log_dir).write_bytes(bytes(data))
    code, out, _ = run(capsys, "verify", cache=cache)
    assert code == 1 and "ca\\x1bche\\nx" in out and "\x1b" not in out
    assert len(out.splitlines()) == 2
    code, out, err = run(capsys, "tail", "octo/nope", cache=cache)
    assert code == 1 and err.count("\n") == 1 and "\x1b" not in err


def test_a_bad_environment_variable_is_bad_input(capsys, cache_dir, repo, monkeypatch):
    monkeypatch.setenv("SEEDING_FSYNC", "sometimes")
    code, out, err = run(capsys, "compact", "octo/repo", cache=cache_dir)
    assert (code, out) == (2, "")
    assert err == ("eventlog: error: SEEDING_FSYNC='sometimes' is not a valid choice (expected "
                   "always or never)\n")

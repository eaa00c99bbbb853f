"""The ``eventlog`` CLI: outputs, exit codes, one-line errors for bad input, never a traceback."""

from __future__ import annotations

import importlib.metadata
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import eventlog.cli as cli
import eventlog.replay as replay_module
from eventlog import Event, open_writer
from eventlog.cli import app, main
from eventlog.text import UNSAFE_RE

from .support import active_segment, read_all, write_batches

EVENTLOG = Path(sys.executable).with_name("eventlog")
COMMANDS = [command.callback.__name__ for command in app.registered_commands]


@pytest.fixture
def repo(log_dir):
    """``octo/repo`` with three batches; the last marker says the fetch completed."""
    with open_writer(log_dir, fsync="never") as writer:
        writer.append_batch([Event("pr", "pr:1", {"title": "First", "state": "open"})],
                            meta={"cursor": "a"})
        writer.append_batch([Event("pr", "pr:2", {"title": "Second"}),
                             Event("review", "review:9", {"state": "APPROVED"})])
        writer.append_batch([Event("pr", "pr:1", {"title": "First", "state": "merged"})],
                            meta={"cursor": "c", "complete": True})
    return log_dir


def run(capsys, *argv, cache=None) -> tuple[int, str, str]:
    args = [*argv, "--cache-dir", str(cache)] if cache is not None else list(argv)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


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


class FakeEntryPoint:
    """A registered projector that records its calls and answers with a two-line summary."""

    name, value = "fake", "tests:project"

    def __init__(self, calls: list) -> None:
        self.calls = calls

    def load(self):
        def project(*, repo, log, from_offset, team, force, dry_run):
            self.calls.append({"repo": repo, "log": log, "from_offset": from_offset,
                               "team": team, "force": force, "dry_run": dry_run})
            verb = "would apply" if dry_run else "applied"
            return f"team core: {verb} 2 records\n\x1b[31mred\x1b[0m team"
        return project


@pytest.fixture
def projector(monkeypatch) -> list:
    """Register ``FakeEntryPoint`` as the only projector; returns its calls."""
    calls: list = []
    monkeypatch.setattr(replay_module, "entry_points", lambda group: [FakeEntryPoint(calls)])
    return calls


def test_replay_feeds_the_registered_projector_and_prints_its_summary_escaped(
        capsys, cache_dir, repo, projector):
    code, out, err = run(capsys, "replay", "octo/repo", "--from-offset", "4", "--team", "core",
                         cache=cache_dir)
    assert (code, out, err) == (0, "team core: applied 2 records\n\\x1b[31mred\\x1b[0m team\n",
                                "")
    [call] = projector
    assert (call["repo"], call["from_offset"], call["team"]) == ("octo/repo", 4, "core")
    assert (call["force"], call["dry_run"]) == (False, False)
    assert call["log"].path == repo


def test_replay_dry_run_and_force_are_passed_to_the_projector(capsys, cache_dir, repo,
                                                              projector):
    code, out, _ = run(capsys, "replay", "octo/repo", "--dry-run", "--force", cache=cache_dir)
    assert code == 0 and out.startswith("team core: would apply 2 records\n")
    assert [(c["from_offset"], c["force"], c["dry_run"]) for c in projector] == [(0, True, True)]


@pytest.mark.parametrize(("offset", "message"), [
    (7, "--from-offset 7 is past the end of the log of octo/repo (it holds seqs 0..6; the next "
        "record gets seq 7)"),
    (100, "--from-offset 100 is past the end of the log of octo/repo (it holds seqs 0..6; the "
          "next record gets seq 7)"),
])
def test_replay_from_past_the_end_of_the_log_is_bad_input(capsys, cache_dir, repo, projector,
                                                          offset, message):
    code, out, err = run(capsys, "replay", "octo/repo", "--from-offset", str(offset),
                         cache=cache_dir)
    assert (code, out, err) == (2, "", f"eventlog: error: {message}\n")
    assert projector == []


def test_replay_of_an_empty_log_from_its_start_is_not_past_the_end(capsys, cache_dir, log_dir,
                                                                   projector):
    with open_writer(log_dir, fsync="never"):
        pass
    assert run(capsys, "replay", "octo/repo", cache=cache_dir)[0] == 0
    code, _, err = run(capsys, "replay", "octo/repo", "--from-offset", "1", cache=cache_dir)
    assert (code, err) == (2, "eventlog: error: --from-offset 1 is past the end of the log of "
                              "octo/repo (it holds no records; the next record gets seq 0)\n")


def test_a_dry_run_without_a_projector_counts_records_and_keys_in_range(capsys, cache_dir,
                                                                       repo, monkeypatch):
    monkeypatch.setattr(replay_module, "entry_points", lambda group: [])
    code, out, err = run(capsys, "replay", "octo/repo", "--from-offset", "3", "--dry-run",
                         cache=cache_dir)
    assert code == 0
    assert err == ("eventlog: no projector is registered (entry point group "
                   "eventlog.projectors); counting what the log holds\n")
    assert out == ("octo/repo from seq 3: 4 records (seqs 3..6), 2 events, 2 distinct keys; "
                   "nothing was applied (dry run)\n")


def test_a_replay_without_a_projector_is_an_error(capsys, cache_dir, repo, monkeypatch):
    monkeypatch.setattr(replay_module, "entry_points", lambda group: [])
    code, out, err = run(capsys, "replay", "octo/repo", cache=cache_dir)
    assert (code, out) == (1, "")
    assert err == ("eventlog: error: no projector is registered (entry point group "
                   "eventlog.projectors); nothing can apply the log of octo/repo\n")


class OldEntryPoint:
    name, value = "django", "apps.old:replay"

    def load(self):
        def project(*, repo, log, from_offset, team):
            raise AssertionError("never called")
        return project


class FailingEntryPoint:
    name, value = "django", "apps.failing:replay"

    def load(self):
        def project(**kwargs):
            raise RuntimeError("no such table: teams_team")
        return project


@pytest.mark.parametrize(("entry_point", "message"), [
    (OldEntryPoint(), "the projector 'django' does not take the arguments repo, log, "
                      "from_offset, team, force, dry_run (got an unexpected keyword argument "
                      "'force'); update it to this eventlog"),
    (FailingEntryPoint(), "the projector 'django' failed: RuntimeError: no such table: "
                          "teams_team"),
], ids=["old signature", "unexpected exception"])
def test_a_projector_that_cannot_be_called_or_fails_is_a_one_line_error(
        capsys, cache_dir, repo, monkeypatch, entry_point, message):
    monkeypatch.setattr(replay_module, "entry_points", lambda group: [entry_point])
    code, out, err = run(capsys, "replay", "octo/repo", cache=cache_dir)
    assert (code, out, err) == (1, "", f"eventlog: error: {message}\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_text(capsys, command):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    doc = getattr(cli, command).__doc__
    assert doc and doc.split()[0] in out
    assert "Usage: eventlog " + command in out


def test_the_top_level_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert all(command in out for command in COMMANDS)


def test_the_installed_script_verifies_a_clean_and_a_corrupted_log(cache_dir, repo):
    cmd = [str(EVENTLOG), "verify", "octo/repo", "--cache-dir", str(cache_dir)]
    clean = subprocess.run(cmd, capture_output=True, text=True)
    assert (clean.returncode, clean.stderr) == (0, "")
    assert clean.stdout.startswith("octo/repo: ok (7 records, ")
    segment = active_segment(repo)
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0x01
    segment.write_bytes(bytes(data))
    corrupt = subprocess.run(cmd, capture_output=True, text=True)
    assert corrupt.returncode == 1 and "problem: byte" in corrupt.stdout
    bad = subprocess.run([str(EVENTLOG), "tail", "../etc"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr == "eventlog: error: invalid repository '../etc': bad owner '..'\n"


@pytest.mark.parametrize(("signum", "code", "said"), [
    (signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_the_installed_script_follows_new_commits_until_interrupted_or_terminated(
        cache_dir, repo, signum, code, said):
    proc = subprocess.Popen([str(EVENTLOG), "tail", "octo/repo", "-n", "1", "-f", "--json",
                             "--poll", "0.01", "--cache-dir", str(cache_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert json.loads(proc.stdout.readline())["seq"] == 6
        with open_writer(repo, fsync="never") as writer:
            writer.append_batch([Event("pr", "pr:3", {"title": "Third"})])
        assert [json.loads(proc.stdout.readline())["seq"] for _ in range(2)] == [7, 8]
    finally:
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out, err) == (code, "", f"eventlog: {said}\n")


def test_the_installed_script_stops_quietly_when_its_reader_goes_away(cache_dir, log_dir):
    with open_writer(log_dir, fsync="never") as writer:
        for i in range(1500):
            writer.append_batch([Event("pr", f"pr:{i}", {"title": "x" * 80})])
    proc = subprocess.Popen([str(EVENTLOG), "tail", "octo/repo", "-n", "3000", "--cache-dir",
                             str(cache_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().split()[0] == b"0"
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read()
    assert (proc.wait(), err) == (0, b"")


def test_info_of_an_empty_log_says_it_has_no_records(capsys, cache_dir, log_dir):
    with open_writer(log_dir, fsync="never"):
        pass
    code, out, _ = run(capsys, "info", "octo/repo", cache=cache_dir)
    assert code == 0
    assert out == ("octo/repo: 0 events (0 keys), 0 commits, 0 bytes in 1 segment, "
                   "no records, next 0, last fetch complete: unknown\n")


class BrokenEntryPoint:
    name, value = "django", "apps.missing:replay"

    def load(self):
        raise ModuleNotFoundError("No module named 'apps.missing'")


def test_replay_with_a_broken_projector_registration_is_a_one_line_error(capsys, cache_dir,
                                                                         repo, monkeypatch):
    monkeypatch.setattr(replay_module, "entry_points", lambda group: [BrokenEntryPoint()])
    code, out, err = run(capsys, "replay", "octo/repo", cache=cache_dir)
    assert (code, out) == (1, "")
    assert err == ("eventlog: error: cannot load the projector 'django' (apps.missing:replay): "
                   "No module named 'apps.missing'\n")


def test_every_command_has_a_readme_entry():
    """The README's command table documents every ``eventlog`` command (sqlite-utils style)."""
    from pathlib import Path

    from eventlog.cli import app

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"`eventlog {name} " in readme, name


def test_version_names_the_installed_distribution(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"eventlog {importlib.metadata.version('pr-seeding')}\n"


def complete(words: str, cword: int, cache_dir) -> list[str]:
    env = {**os.environ, "_EVENTLOG_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(cword), "SEEDING_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([str(EVENTLOG)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_completes_commands_and_repositories(cache_dir, repo):
    write_batches(cache_dir / "Octo" / "Other", [1])
    assert complete("eventlog ta", 1, cache_dir) == ["tail"]
    assert complete("eventlog info oc", 2, cache_dir) == ["octo/Other", "octo/repo"]
    shown = subprocess.run([str(EVENTLOG), "--show-completion", "bash"], capture_output=True,
                           text=True, timeout=60)
    assert shown.returncode == 0 and "_EVENTLOG_COMPLETE" in shown.stdout


def test_the_cache_dir_help_shows_the_real_default(tmp_path):
    env = {**os.environ, "SEEDING_CACHE_DIR": str(tmp_path / "my-logs")}
    done = subprocess.run([str(EVENTLOG), "info", "--help"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and str(tmp_path / "my-logs") in "".join(done.stdout.split())


def test_compact_help_says_what_compact_does(capsys):
    assert main(["compact", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for phrase in ("Keep only the latest record of every key", "a log being written is "
                   "refused, naming the process", "with --all the others are still compacted",
                   "Seqs, the next seq and projection offsets stay valid", "--all"):
        assert phrase in help_text


def test_compact_all_compacts_every_log_it_can_and_names_the_locked_one(capsys, cache_dir,
                                                                         repo):
    write_batches(cache_dir / "octo" / "other", [1, 1], keys=1)
    with open_writer(repo, fsync="never"):
        code, out, err = run(capsys, "compact", "--all", cache=cache_dir)
    assert code == 1
    assert out.startswith("octo/other: 4 -> 2 records, ")
    assert err == (f"eventlog: error: octo/repo: log {repo} is locked by process {os.getpid()}; "
                   "wait for it to finish or stop it\n")


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

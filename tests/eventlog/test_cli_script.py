"""The ``eventlog`` CLI's help texts, version and shell completion, and the installed
``eventlog`` script run as a real process (signals, a closed pipe)."""

from __future__ import annotations

import importlib.metadata
import json
import os
import signal
import subprocess

import pytest

import eventlog.cli as cli
from eventlog import Event, open_writer
from eventlog.cli import main

from .cli_support import COMMANDS, EVENTLOG
from .support import active_segment, write_batches


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
    # typer detects the shell from the parent process: run it from bash, whatever runs pytest.
    shown = subprocess.run(["bash", "-c", f"'{EVENTLOG}' --show-completion; exit $?"],
                           capture_output=True, text=True, timeout=60)
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

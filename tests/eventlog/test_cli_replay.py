"""``eventlog replay``: feeding the registered projector, dry runs, offsets past the end of the
log, and one-line errors for a missing, outdated, failing or unloadable projector."""

from __future__ import annotations

import pytest

import eventlog.replay as replay_module
from eventlog import open_writer

from .cli_support import run


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

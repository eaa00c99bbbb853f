"""The fake GitHub server as a standalone process: ``python -m tests.fakegithub`` generating
datasets and serving them, and its one-line errors."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.fakegithub_tests.support import AUTH


def _run_cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.fakegithub", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, **kwargs)


ROOT = Path(__file__).resolve().parents[2]


def test_cli_errors_are_one_line_with_exit_code_2(tmp_path):
    for args in (["serve", "--dataset", str(tmp_path / "missing.json")],
                 ["serve", "--generate", "not-a-spec"],
                 ["serve", "--bogus"],
                 ["generate", "--out", str(tmp_path / "x.json")]):
        result = _run_cli(*args)
        assert result.returncode == 2, args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr


def test_standalone_generate_and_serve(tmp_path):
    data_file, state_file = tmp_path / "data.json", tmp_path / "state.json"
    generated = _run_cli("generate", "--out", str(data_file), "--repos", "o/a=5,o/b=3",
                         "--seed", "4", "--now", "2026-01-02T00:00:00Z")
    assert generated.returncode == 0, generated.stderr
    assert sorted(json.loads(data_file.read_text())["repos"]) == ["o/a", "o/b"]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakegithub", "serve", "--port", "0", "--dataset",
         str(data_file), "--state-file", str(state_file), "--rate-limit", "100"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("FAKE_GITHUB_URL=http://127.0.0.1:")
        url = line.split("=", 1)[1]
        response = requests.post(url, json={"query": '{ repository(owner: "o", name: "a") '
                                                     "{ pullRequests(first: 5) { totalCount } } }"},
                                 headers=AUTH, timeout=10)
        assert response.json()["data"]["repository"]["pullRequests"]["totalCount"] == 5
        assert response.headers["x-ratelimit-limit"] == "100"
        state = json.loads(state_file.read_text())
        assert state["total"] == 1 and state["by_shape"] == {"pullRequests": 1}
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()


def test_cli_generation_flags(tmp_path):
    from tests.fakegithub.invariants import check_dataset

    out = tmp_path / "data.json"
    result = _run_cli("generate", "--out", str(out), "--repos", "o/a=30", "--seed", "2",
                      "--now", "2026-01-02T00:00:00Z", "--profile", "heavy", "--huge-files", "1",
                      "--shared", "1", "--no-statuses", "--no-nulls", "--huge", "0")
    assert result.returncode == 0, result.stderr
    dataset = json.loads(out.read_text())
    prs = dataset["repos"]["o/a"]["pullRequests"]
    assert check_dataset(dataset) == []
    assert sum(pr["changedFiles"] > 3000 and pr["files"] is None for pr in prs) == 1
    assert not any(item["commit"].get("status") for pr in prs for item in pr["commits"])
    assert any(pr["title"] == "Merge release/1.x into main" for pr in prs)

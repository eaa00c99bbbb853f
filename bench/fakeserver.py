"""The fake GitHub (``tests/fakegithub``) as a separate process, serving a generated dataset.

The dataset is ``generate_dataset`` of one repository (``API_REPO``) with a few huge PRs,
saved once in the work directory. The server runs with the secondary rate limit off and a
primary limit too high to be hit, so counts measure the client, not waits. With a state file it
writes its request counters (and its last 200 request records) after every request.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .workspace import PROJECT_ROOT, Workspace

API_REPO = "bench-org/api"
DATASET_NOW = datetime(2026, 11, 1, tzinfo=UTC)  # in the past, so --update finds nothing new
HUGE_EVERY = 500


def dataset(workspace: Workspace, prs: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The fake's dataset of ``prs`` PRs (one huge PR per ``HUGE_EVERY``): its file and data."""
    from tests.fakegithub import generate_dataset, load_dataset, save_dataset

    path = workspace.root / "logs" / f"fakegithub-{prs}-seed{seed}.json"
    if path.exists():
        return path, load_dataset(path)
    data = generate_dataset({API_REPO: prs}, seed=seed, now=DATASET_NOW, days=365,
                            huge=max(1, prs // HUGE_EVERY))
    save_dataset(data, path)
    return path, data


@dataclass
class FakeServer:
    """A running ``python -m tests.fakegithub serve`` process."""

    process: subprocess.Popen
    url: str
    state_file: Path | None

    def stats(self) -> dict[str, Any]:
        """The server's counters: ``total``, ``points``, ``by_shape``, last ``records``."""
        if self.state_file is None:
            raise ValueError("server started without a state file")
        return json.loads(self.state_file.read_text())

    def total(self) -> int:
        try:
            return self.stats()["total"]
        except (OSError, ValueError):  # replaced between listing and reading: try again
            return self.stats()["total"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(dataset_path: Path, stderr_file: Path, state_file: Path | None = None) -> FakeServer:
    """Start a server on a free port (its stderr to ``stderr_file``); returns once it listens."""
    cmd = [sys.executable, "-m", "tests.fakegithub", "serve", "--port", "0", "--dataset",
           str(dataset_path), "--secondary-per-minute", "0", "--rate-limit", "100000000"]
    if state_file is not None:
        cmd += ["--state-file", str(state_file)]
    with open(stderr_file, "wb") as errors:  # killed clients make it log connection resets
        process = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True,
                                   stderr=errors)
    line = process.stdout.readline().strip()
    if not line.startswith("FAKE_GITHUB_URL="):
        process.kill()
        raise RuntimeError(f"the fake GitHub server did not start ({line!r}); see {stderr_file}")
    return FakeServer(process, line.split("=", 1)[1], state_file)

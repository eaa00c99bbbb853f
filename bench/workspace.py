"""Where the benchmarks keep their files: generated logs (cached across runs) and scratch space.

Layout under the work directory (default ``$TMPDIR/prseed-bench``, never inside the project)::

    logs/prs20000-seed1-v1/log/          a generated PR log (see generate.py)
    logs/prs20000-seed1-v1/summary.json  written last: its presence marks the log complete
    scratch/NAME/                        emptied on every use (databases, copies, fetch logs)
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .generate import GENERATOR_VERSION, LogSummary, write_log

DEFAULT_ROOT = Path(tempfile.gettempdir()) / "prseed-bench"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class GeneratedLog:
    """A generated log and what it holds; ``cached`` when an earlier run wrote it."""

    path: Path
    summary: LogSummary
    cached: bool


class Workspace:
    """The bench's files under ``root``."""

    def __init__(self, root: Path = DEFAULT_ROOT) -> None:
        self.root = Path(root).resolve()
        if self.root == PROJECT_ROOT or PROJECT_ROOT in self.root.parents:
            raise ValueError(f"work directory {self.root} is inside the project; pick another")
        self.root.mkdir(parents=True, exist_ok=True)

    def log(self, prs: int, seed: int = 1) -> GeneratedLog:
        """The generated log of ``prs`` PRs, written on first use and reused afterwards."""
        home = self.root / "logs" / f"prs{prs}-seed{seed}-v{GENERATOR_VERSION}"
        marker = home / "summary.json"
        if marker.exists():
            return GeneratedLog(home / "log", LogSummary(**json.loads(marker.read_text())), True)
        shutil.rmtree(home, ignore_errors=True)
        summary = write_log(home / "log", prs, seed)
        marker.write_text(json.dumps(asdict(summary)))
        return GeneratedLog(home / "log", summary, False)

    def scratch(self, name: str) -> Path:
        """An empty directory ``scratch/name`` (its previous content is removed)."""
        path = self.root / "scratch" / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def clean_scratch(self) -> None:
        shutil.rmtree(self.root / "scratch", ignore_errors=True)

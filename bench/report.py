"""The results table: one row per figure, grouped by benchmark, as text or Markdown.

Columns: benchmark | figure | baseline | ratio | goal | met?  A row without a goal is context
(``met`` is ``None``, shown as ``-``). Notes under a section say how the figures were produced.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HEADERS = ("benchmark", "figure", "baseline", "ratio", "goal", "met?")


@dataclass(frozen=True, slots=True)
class Row:
    """One figure, optionally against a baseline and a goal."""

    benchmark: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    goal: str = ""
    met: bool | None = None

    def cells(self) -> tuple[str, ...]:
        met = "-" if self.met is None else "yes" if self.met else "NO"
        return (self.benchmark, self.figure, self.baseline, self.ratio, self.goal, met)


@dataclass(slots=True)
class Section:
    """A benchmark's rows, notes and raw measurements (saved as JSON)."""

    name: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def rate(value: float, unit: str) -> str:
    """``12,345 PR/s``-style formatting with sensible precision."""
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:,.1f} {unit}" if value >= 10 else f"{value:,.2f} {unit}"


def times(value: float) -> str:
    return f"{value:,.1f}x" if value >= 10 else f"{value:.2f}x"


def text_table(sections: list[Section]) -> str:
    """The table as aligned plain text, followed by each section's notes."""
    rows = [HEADERS] + [r.cells() for s in sections for r in s.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = []
    for i, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(sections: list[Section]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for s in sections:
        lines.extend("| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |"
                     for r in s.rows)
    return "\n".join(lines)


def notes_text(sections: list[Section]) -> str:
    out = []
    for s in sections:
        if s.notes:
            out.append(f"[{s.name}] ({s.seconds:.0f} s)")
            out.extend(f"  - {note}" for note in s.notes)
    return "\n".join(out)


def machine() -> dict[str, Any]:
    import os

    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "when": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def save(sections: list[Section], directory: Path, command: str) -> list[Path]:
    """Write ``latest.txt`` (table and notes), ``latest.md`` and ``latest.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    header = f"$ {command}\n{json.dumps(machine())}\n\n"
    text = directory / "latest.txt"
    text.write_text(header + text_table(sections) + "\n\n" + notes_text(sections) + "\n")
    md = directory / "latest.md"
    md.write_text(markdown_table(sections) + "\n")
    raw = directory / "latest.json"
    raw.write_text(json.dumps({"command": command, "machine": machine(),
                               "sections": [asdict(s) for s in sections]}, indent=1,
                              default=str))
    return [text, md, raw]

"""The registry of projects ``seed_real_projects --project KEY`` knows: data, not code.

The shipped registry is ``projects.toml`` beside this module (its header documents the format);
a user's own file (``--projects-file`` or ``SEEDING_PROJECTS_FILE``) adds projects or replaces
shipped ones with the same key. Every entry is checked when loaded: a bad file is one line
naming the file, the project and the problem.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventlog import InvalidRepoNameError, parse_repo

from .errors import RegistryError

SHIPPED = Path(__file__).with_name("projects.toml")
DEFAULT_DAYS_BACK = 180
DEFAULT_PROJECT = "antiwork"
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
FIELDS = {"key", "team_name", "team_slug", "repos", "days_back", "max_prs", "industry",
          "description"}


@dataclass(frozen=True, slots=True)
class Project:
    """A product whose repositories seed one team."""

    key: str
    team_name: str
    team_slug: str
    repos: tuple[str, ...]
    days_back: int = DEFAULT_DAYS_BACK
    description: str = ""
    max_prs: int | None = None
    industry: str = ""


@dataclass(frozen=True, slots=True)
class Registry:
    projects: dict[str, Project]
    industries: dict[str, str]

    def by_industry(self, industry: str) -> list[Project]:
        return [p for p in self.projects.values() if p.industry == industry]


def load_registry(extra: Path | str | None = None) -> Registry:
    """The shipped registry, with the projects of ``extra`` (default ``$SEEDING_PROJECTS_FILE``)
    added or replacing shipped ones."""
    extra = extra or os.environ.get("SEEDING_PROJECTS_FILE") or None
    shipped = _load(str(SHIPPED))
    if extra is None:
        return shipped
    own = _load(str(Path(extra).expanduser()), tuple(sorted(shipped.industries.items())))
    return Registry({**shipped.projects, **own.projects}, {**shipped.industries, **own.industries})


@lru_cache(maxsize=8)
def _load(path: str, known_industries: tuple = ()) -> Registry:
    try:
        with open(path, "rb") as fh:
            doc = tomllib.load(fh)
    except OSError as e:
        raise RegistryError(f"cannot read the projects file {path}: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise RegistryError(f"the projects file {path} is not valid TOML: {e}") from None
    industries = doc.get("industries") or {}
    if not isinstance(industries, dict) or not all(isinstance(v, str)
                                                   for v in industries.values()):
        raise RegistryError(f"{path}: [industries] must map keys to labels")
    allowed = {**dict(known_industries), **industries}
    entries = doc.get("project") or []
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: projects are [[project]] tables")
    projects: dict[str, Project] = {}
    for i, entry in enumerate(entries):
        project = _project(path, i, entry, allowed)
        if project.key in projects:
            raise RegistryError(f"{path}: project {project.key!r} is listed twice")
        projects[project.key] = project
    return Registry(projects, industries)


def _project(path: str, index: int, entry: Any, industries: dict[str, str]) -> Project:
    where = f"{path}: project {index + 1}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where} is not a table")
    where = f"{path}: project {entry.get('key', index + 1)!r}"
    unknown = set(entry) - FIELDS
    if unknown:
        raise RegistryError(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    for name in ("key", "team_name", "team_slug"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise RegistryError(f"{where} needs {name} (a string)")
    if not KEY_RE.match(entry["key"]) or not KEY_RE.match(entry["team_slug"]):
        raise RegistryError(f"{where}: key and team_slug take letters, digits, '-' and '_'")
    repos = entry.get("repos")
    if not isinstance(repos, list) or not repos:
        raise RegistryError(f"{where} needs repos (a list of owner/name)")
    try:
        for repo in repos:
            parse_repo(repo if isinstance(repo, str) else "")
    except InvalidRepoNameError as e:
        raise RegistryError(f"{where}: {e}") from None
    days = entry.get("days_back", DEFAULT_DAYS_BACK)
    max_prs = entry.get("max_prs")
    if not _whole(days, 0) or (max_prs is not None and not _whole(max_prs, 1)):
        raise RegistryError(f"{where}: days_back and max_prs are whole numbers")
    industry = entry.get("industry", "")
    if industry and industry not in industries:
        raise RegistryError(f"{where}: unknown industry {industry!r}")
    return Project(entry["key"], entry["team_name"], entry["team_slug"],
                   tuple(dict.fromkeys(repos)), days, str(entry.get("description", "")),
                   max_prs, industry)


def _whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def project_lines(projects: list[Project], registry: Registry) -> list[str]:
    """``--list-projects``: one line per project (and its description)."""
    lines = []
    for p in projects:
        default = " (default)" if p.key == DEFAULT_PROJECT else ""
        cap = f", max {p.max_prs} PRs" if p.max_prs else ""
        industry = registry.industries.get(p.industry, p.industry)
        lines.append(f"{p.key:<14} team {p.team_slug:<16} {p.days_back:>4} days{cap}  "
                     f"{', '.join(p.repos)}{default}")
        detail = " - ".join(x for x in (industry, p.description) if x)
        if detail:
            lines.append(f"{'':<14} {detail}")
    lines.append(f"{len(projects)} projects, {sum(len(p.repos) for p in projects)} repositories")
    return lines


def project_json(p: Project, registry: Registry) -> dict[str, Any]:
    return {"key": p.key, "team_name": p.team_name, "team_slug": p.team_slug,
            "repos": list(p.repos), "days_back": p.days_back, "max_prs": p.max_prs,
            "industry": p.industry, "industry_label": registry.industries.get(p.industry, ""),
            "description": p.description}

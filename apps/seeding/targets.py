"""Resolve ``--project`` / ``--all-projects`` / ``--industry`` / ``--repo`` / ``--team`` into the
teams and repositories to seed."""

from __future__ import annotations

import re

from .errors import UsageError
from .registry import DEFAULT_PROJECT, Project, Registry

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


def resolve_targets(registry: Registry, projects: list[str], repos: list[str],
                    team: str | None, *, all_projects: bool = False,
                    industries: list[str] | None = None) -> list[Project]:
    """Registered projects first (in the order given), then ad-hoc repos grouped by team, as
    ad-hoc ``Project``s keyed ``team:SLUG``. A repository is seeded once per team whatever
    the case it is typed in (GitHub names are case-insensitive)."""
    if team is not None and not repos:
        raise UsageError("--team applies to --repo; projects have their own team")
    if team is not None and not SLUG_RE.match(team):
        raise UsageError(f"invalid team slug {team!r} (letters, digits, '-' and '_')")
    keys = _project_keys(registry, projects, all_projects, industries or [])
    if not keys and not repos:
        keys = [DEFAULT_PROJECT]
    targets = [registry.projects[key] for key in keys]
    by_team: dict[str, dict[str, str]] = {}
    for repo in repos:
        slug = team or repo.split("/")[0].lower()
        by_team.setdefault(slug, {}).setdefault(repo.lower(), repo)
    for slug, team_repos in by_team.items():
        targets.append(Project(f"team:{slug}", slug, slug, tuple(team_repos.values())))
    return targets


def _project_keys(registry: Registry, projects: list[str], all_projects: bool,
                  industries: list[str]) -> list[str]:
    for key in projects:
        if key not in registry.projects:
            raise UsageError(f"unknown project {key!r} (see --list-projects; "
                             f"{len(registry.projects)} projects are known)")
    for industry in industries:
        if industry not in registry.industries:
            known = ", ".join(sorted(registry.industries))
            raise UsageError(f"unknown industry {industry!r} (known: {known})")
    keys = list(registry.projects) if all_projects else list(projects)
    keys += [p.key for i in industries for p in registry.by_industry(i)]
    return list(dict.fromkeys(keys))

"""Resolve ``--project`` / ``--repo`` / ``--team`` into the teams and repos to seed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.management.base import CommandError

from .projects import DEFAULT_DAYS_BACK, DEFAULT_PROJECT, PROJECTS

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


@dataclass(frozen=True, slots=True)
class Target:
    """One team and the repositories seeded into it."""

    key: str
    team_name: str
    team_slug: str
    repos: tuple[str, ...]
    days_back: int = DEFAULT_DAYS_BACK


def resolve_targets(projects: list[str], repos: list[str], team: str | None) -> list[Target]:
    """Projects first (in the order given), then ad-hoc repos grouped by team."""
    if team is not None and not SLUG_RE.match(team):
        raise CommandError(f"invalid team slug {team!r} (letters, digits, '-' and '_')",
                           returncode=2)
    if not projects and not repos:
        projects = [DEFAULT_PROJECT]
    targets: list[Target] = []
    for key in dict.fromkeys(projects):
        project = PROJECTS.get(key)
        if project is None:
            known = ", ".join(PROJECTS)
            raise CommandError(f"unknown project {key!r} (known: {known}; see --list-projects)",
                               returncode=2)
        targets.append(Target(project.key, project.team_name, project.team_slug, project.repos,
                              project.days_back))
    by_team: dict[str, list[str]] = {}
    for repo in dict.fromkeys(repos):
        slug = team or repo.split("/")[0].lower()
        by_team.setdefault(slug, []).append(repo)
    for slug, team_repos in by_team.items():
        targets.append(Target(f"team:{slug}", slug, slug, tuple(team_repos)))
    return targets

"""Resolve ``--project`` / ``--repo`` / ``--team`` into the teams and repos to seed."""

from __future__ import annotations

import re

from django.core.management.base import CommandError

from .registry import DEFAULT_PROJECT, PROJECTS, Project

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")


def resolve_targets(projects: list[str], repos: list[str], team: str | None) -> list[Project]:
    """Registered projects first (in the order given), then ad-hoc repos grouped by team, as
    ad-hoc ``Project``s keyed ``team:SLUG``."""
    if team is not None and not SLUG_RE.match(team):
        raise CommandError(f"invalid team slug {team!r} (letters, digits, '-' and '_')",
                           returncode=2)
    if not projects and not repos:
        projects = [DEFAULT_PROJECT]
    targets: list[Project] = []
    for key in dict.fromkeys(projects):
        project = PROJECTS.get(key)
        if project is None:
            known = ", ".join(PROJECTS)
            raise CommandError(f"unknown project {key!r} (known: {known}; see --list-projects)",
                               returncode=2)
        targets.append(project)
    by_team: dict[str, list[str]] = {}
    for repo in dict.fromkeys(repos):
        slug = team or repo.split("/")[0].lower()
        by_team.setdefault(slug, []).append(repo)
    for slug, team_repos in by_team.items():
        targets.append(Project(f"team:{slug}", slug, slug, tuple(team_repos)))
    return targets

"""The registry of real projects ``seed_real_projects --project KEY`` knows."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_DAYS_BACK = 180


@dataclass(frozen=True, slots=True)
class Project:
    """A product whose repositories seed one team."""

    key: str
    team_name: str
    team_slug: str
    repos: tuple[str, ...]
    days_back: int = DEFAULT_DAYS_BACK
    description: str = ""


PROJECTS: dict[str, Project] = {p.key: p for p in (
    Project("antiwork", "Antiwork", "antiwork",
            ("antiwork/gumroad", "antiwork/flexile", "antiwork/helper"),
            description="Gumroad, Flexile and Helper (Rails, Next.js)"),
    Project("polar", "Polar", "polar", ("polarsource/polar", "polarsource/polar-adapters"),
            description="Polar payments platform (Python, TypeScript)"),
    Project("posthog", "PostHog", "posthog", ("PostHog/posthog", "PostHog/posthog-js"),
            days_back=90, description="PostHog product analytics (very active: 90 days)"),
    Project("calcom", "Cal.com", "calcom", ("calcom/cal.com",), days_back=90,
            description="Cal.com scheduling (TypeScript monorepo)"),
    Project("sentry", "Sentry", "sentry", ("getsentry/sentry", "getsentry/sentry-javascript"),
            days_back=60, description="Sentry error tracking (very active: 60 days)"),
    Project("django", "Django", "django", ("django/django",),
            description="The Django web framework"),
)}

DEFAULT_PROJECT = "antiwork"

"""Realistic-looking text for generated pull requests: titles, bodies, commit messages, paths.

Deliberately messy: CRLF bodies (as typed in GitHub's web editor), emoji, non-ASCII, empty
bodies, multi-line commit messages with trailers.
"""

from __future__ import annotations

import random

VERBS = ["Fix", "Add", "Update", "Refactor", "Remove", "Improve", "Handle", "Support", "Bump",
         "Document", "Rename", "Speed up", "Simplify", "Revert", "Migrate"]
OBJECTS = ["login redirect", "rate limiter", "CSV export", "dark mode toggle", "flaky test",
           "pagination cursor", "webhook retries", "N+1 query in dashboard", "settings page",
           "timezone handling", "cache invalidation", "CI workflow", "error messages",
           "API client timeouts", "search indexing", "billing emails", "upload size limit",
           "README", "null author crash", "Docker image"]
SCOPES = ["api", "ui", "ci", "deps", "auth", "db", "docs", "core"]
PREFIXES = ["feat", "fix", "chore", "refactor", "docs", "perf", "test"]
EMOJI = ["🐛", "✨", "🚀", "♻️", "📝", "🔥", "✅", "⬆️", "🎉", "🔒"]
FOREIGN_TITLES = ["Überarbeitung der Konfigurationsdatei", "修复登录页面的问题",
                  "Corrige la pagination des résultats", "Исправить утечку памяти",
                  "ログイン処理のリファクタリング", "Añadir validación de correo",
                  "Ενημέρωση τεκμηρίωσης", "إصلاح خطأ في التصدير"]
PACKAGES = ["lodash", "django", "requests", "axios", "webpack", "pytest", "urllib3", "react"]
BODY_LINES = [
    "This PR changes how we handle the edge case described in the issue.",
    "## Summary", "## Test plan", "- [x] Unit tests", "- [ ] Manual QA on staging",
    "Co-authored with the platform team 🙌", "Ça marche enfin — merci à tous!",
    "See the discussion in Slack for context.", "```python\nprint('hello')\n```",
    "Known limitation: does not cover the legacy endpoint yet.", "⚠️ Requires a migration.",
    "Screenshots:", "<img width=\"400\" alt=\"screenshot\" src=\"https://example.invalid/x.png\">",
    "Backport candidate for 2.x.", "Ref: internal ticket ENG-1234", "Zürich office feedback 🇨🇭",
]
FIRST_NAMES = ["Ana", "Bjørn", "Chloé", "Dmitri", "Émilie", "Farah", "Guo", "Hiroshi", "Ines",
               "Jürgen", "Kwame", "Léa", "Mateo", "Nguyễn", "Olu", "Priya", "Quinn", "Raúl",
               "Søren", "Tomás", "Uma", "Valentina", "Wei", "Xiomara", "Yusuf", "Zoë"]
LAST_NAMES = ["Almeida", "Brontë", "Chen", "Dubois", "Eriksson", "Fernández", "García",
              "Håkansson", "Ivanova", "Jensen", "Kowalski", "López", "Müller", "Novák",
              "O'Brien", "Petrov", "Rossi", "Schäfer", "Tanaka", "Ünal", "Virtanen", "Wójcik"]
DIRS = ["src/app", "src/api", "src/core", "tests", "docs", ".github/workflows", "web/components",
        "pkg/server", "scripts", "migrations", "docs/ünïcode", "assets/icons"]
FILES = ["main.py", "utils.py", "client.ts", "index.tsx", "handler.go", "README.md", "ci.yml",
         "settings.json", "models.py", "views.py", "Makefile", "0042_add_index.py",
         "übersicht.md", "日本語.txt", "file with spaces.txt", "logo.svg"]


def title(rng: random.Random) -> str:
    """A PR title: conventional-commit style, plain, emoji-prefixed or non-English."""
    roll = rng.random()
    base = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if roll < 0.07:
        return rng.choice(FOREIGN_TITLES)
    if roll < 0.17:
        return f"{rng.choice(EMOJI)} {base}"
    if roll < 0.45:
        return f"{rng.choice(PREFIXES)}({rng.choice(SCOPES)}): {base[0].lower()}{base[1:]}"
    return base


def bump_title(rng: random.Random) -> tuple[str, str, str]:
    """A dependabot title plus its package and new version."""
    package = rng.choice(PACKAGES)
    major = rng.randint(1, 9)
    old = f"{major}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
    new = f"{major}.{rng.randint(21, 40)}.0"
    return f"Bump {package} from {old} to {new}", package, new


def body(rng: random.Random, issue: int | None = None) -> str:
    """A PR body: empty, or lines joined by CRLF (web editor) or LF (CLI)."""
    if rng.random() < 0.15:
        return ""
    lines = rng.sample(BODY_LINES, rng.randint(1, 6))
    if issue is not None:
        lines.append(f"Fixes #{issue}")
    if rng.random() < 0.03:
        lines.extend(["Long log output:"] + [f"line {i}: ok ✓" for i in range(300)])
    newline = "\r\n" if rng.random() < 0.7 else "\n"
    return newline.join(lines) + (newline if rng.random() < 0.2 else "")


def commit_message(rng: random.Random, co_author: str | None = None) -> str:
    """A commit message: a headline, sometimes a body and a Co-authored-by trailer."""
    headline = title(rng)
    if rng.random() < 0.5:
        return headline
    lines = rng.sample(BODY_LINES, rng.randint(1, 3))
    if co_author:
        lines += ["", f"Co-authored-by: {co_author}"]
    newline = "\r\n" if rng.random() < 0.03 else "\n"
    return newline.join([headline, "", *lines])


def split_message(message: str) -> tuple[str, str]:
    """``(messageHeadline, messageBody)`` of a commit message."""
    headline, _, rest = message.partition("\n")
    return headline.rstrip("\r"), rest.lstrip("\r\n")


def person_name(rng: random.Random) -> str:
    """A full name, often non-ASCII."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def file_paths(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct file paths."""
    paths: list[str] = []
    seen: set[str] = set()
    while len(paths) < count:
        name = rng.choice(FILES)
        if rng.random() < 0.5 or len(seen) > 40:
            stem, dot, ext = name.rpartition(".")
            name = f"{stem or ext}_{rng.randint(1, 9999)}{dot}{ext if stem else ''}"
        path = f"{rng.choice(DIRS)}/{name}"
        if path not in seen:
            seen.add(path)
            paths.append(path)
    return paths

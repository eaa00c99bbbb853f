"""Deterministic filler text with realistic lengths: titles, markdown bodies, commit messages.

Mostly English words from a small vocabulary, with some non-ASCII (accents, CJK, emoji) so
encoders and the database see multi-byte UTF-8, and CRLF line ends as GitHub sends them.
"""

from __future__ import annotations

import random


def split_words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


WORDS = split_words(
    "add fix update remove refactor handle support improve allow use move rename clean bump "
    "make ensure avoid cache retry parse render validate load store sync migrate split merge "
    "user account billing invoice payment checkout cart order product search index query api "
    "endpoint webhook token session login logout signup password email notification queue "
    "worker job task schedule cron timeout error exception warning log metric trace span "
    "config setting flag feature toggle test spec fixture mock snapshot docs readme changelog "
    "type schema model field column table migration index constraint view form button modal "
    "page layout style theme icon image upload download export import report chart dashboard "
    "admin role permission team member invite organization project repository branch commit "
    "release version dependency package build deploy pipeline docker image cluster pod "
    "memory leak race condition deadlock flaky slow fast edge case null empty missing stale "
    "the a of to in for on with when from by after before without into over under between "
    "café naïve résumé façade Zürich 日本語 überall señal"
)


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n))


def sentences(rng: random.Random, n: int) -> str:
    return " ".join(words(rng, rng.randint(5, 16)).capitalize() + "." for _ in range(n))


def title(rng: random.Random, bot: bool) -> str:
    if bot:
        old, new = rng.randint(0, 30), rng.randint(31, 60)
        return f"Bump {rng.choice(WORDS)} from 1.{old}.0 to 1.{new}.1"
    text = words(rng, rng.randint(3, 9)).capitalize()
    return text + " 🚀" if rng.random() < 0.05 else text


def body(rng: random.Random, number: int) -> str:
    """A PR description: empty for 10%, else markdown paragraphs (long-tailed count)."""
    if rng.random() < 0.1:
        return ""
    count = max(1, min(30, round(rng.lognormvariate(0, 0.8) * 2)))
    paragraphs = [sentences(rng, rng.randint(1, 4)) for _ in range(count)]
    bullets = "\n".join(f"- {words(rng, rng.randint(3, 8))}" for _ in range(rng.randint(0, 5)))
    fixes = f"\n\nFixes #{number + 1}" if rng.random() < 0.25 else ""
    return "## Summary\r\n\r\n" + "\r\n\r\n".join(paragraphs) + "\n\n" + bullets + fixes


def commit_message(rng: random.Random) -> str:
    subject = words(rng, rng.randint(3, 10)).capitalize()
    if rng.random() < 0.5:
        return subject
    return subject + "\n\n" + sentences(rng, rng.randint(1, 4))

"""Deterministic raw material for generated PRs: people, a repository tree, words and names.

Everything is built once from a seed, so two runs of the generator with the same seed produce
byte-identical logs. Popularity follows Zipf-like weights: a few people author most PRs and a
few files are touched most often, as in real repositories.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from .text import WORDS, split_words

HUMAN_NAMES = split_words(
    "alice bob carol dave erin frank grace heidi ivan judy mallory nia oscar peggy rupert sybil "
    "trent uma victor wendy xavier yara zoe amir bea chen dara eli farah goran hana igor jin "
    "kofi lena mateo noor olga pavel qing rosa sami")
SURNAMES = split_words("smith chen garcia mueller rossi novak kim silva okafor tanaka ivanova "
                       "dubois larsen haddad nguyen kowalski")
BOTS = ("dependabot", "renovate", "github-actions", "codecov")
TOP_DIRS = (("src", 30), ("app", 14), ("lib", 8), ("tests", 14), ("docs", 5), ("web", 10),
            ("api", 8), ("packages/core", 5), (".github/workflows", 2), ("config", 2),
            ("scripts", 2))
EXTENSIONS = {"src": ".py", "app": ".rb", "lib": ".py", "tests": "_test.py", "docs": ".md",
              "web": ".tsx", "api": ".go", "packages/core": ".ts", ".github/workflows": ".yml",
              "config": ".yaml", "scripts": ".sh"}
CHECK_NAMES = ("build", "lint", "test (3.11)", "test (3.12)", "typecheck", "e2e", "docker",
               "codecov/patch", "codecov/project", "deploy-preview", "CodeQL",
               "analyze (python)", "security/snyk", "license/cla", "storybook")


@dataclass(frozen=True, slots=True)
class Person:
    """An account as a PR event carries it (``Actor``), plus its commit identity."""

    login: str
    id: int
    name: str | None
    type: str
    email: str

    def actor(self) -> dict:
        return {"login": self.login, "id": self.id, "name": self.name, "type": self.type}


@dataclass(frozen=True, slots=True)
class Corpus:
    """People and paths with cumulative Zipf weights for fast weighted choice."""

    humans: tuple[Person, ...]
    human_weights: tuple[float, ...]
    bots: tuple[Person, ...]
    paths: tuple[str, ...]
    path_weights: tuple[float, ...]
    labels: tuple[str, ...]


def zipf_cumulative(n: int, exponent: float = 1.1) -> tuple[float, ...]:
    """Cumulative weights ``1/rank**exponent`` for ``random.choices(cum_weights=...)``."""
    return tuple(itertools.accumulate(1 / (rank ** exponent) for rank in range(1, n + 1)))


def build_corpus(seed: int, humans: int = 180, paths: int = 6000) -> Corpus:
    """The corpus of one generated repository."""
    rng = random.Random(seed)
    people = tuple(_human(rng, i) for i in range(humans))
    bots = tuple(Person(f"{b}[bot]", 49_699_333 + i, None, "Bot", f"{b}[bot]@users.noreply")
                 for i, b in enumerate(BOTS))
    tree = _tree(rng, paths)
    labels = ("bug", "enhancement", "documentation", "dependencies", "good first issue",
              "needs review", "breaking change", "🚀 release", "área: cli", "size/XS",
              *(f"area/{w}" for w in WORDS[20:40]))
    return Corpus(people, zipf_cumulative(humans), bots, tree, zipf_cumulative(paths, 0.9),
                  labels)


def _human(rng: random.Random, i: int) -> Person:
    first, last = rng.choice(HUMAN_NAMES), rng.choice(SURNAMES)
    login = f"{first}-{last}{i}" if rng.random() < 0.7 else f"{first}{last[:3]}{i}"
    name = None if rng.random() < 0.15 else f"{first.title()} {last.title()}"
    user_id = 1_000_000 + i * 7919
    return Person(login, user_id, name, "User", f"{user_id}+{login}@users.noreply.github.com")


def _tree(rng: random.Random, n: int) -> tuple[str, ...]:
    """``n`` distinct file paths spread over realistic top-level directories."""
    tops, weights = zip(*TOP_DIRS, strict=True)
    seen: dict[str, None] = {}
    while len(seen) < n:
        top = rng.choices(tops, weights)[0]
        depth = rng.choice((0, 1, 1, 2, 2, 3))
        parts = [top, *rng.sample(WORDS[:120], depth)]
        stem = "_".join(rng.sample(WORDS[:120], rng.choice((1, 2))))
        seen["/".join(parts) + "/" + stem + EXTENSIONS[top]] = None
    ordered = list(seen)
    rng.shuffle(ordered)
    return tuple(ordered)

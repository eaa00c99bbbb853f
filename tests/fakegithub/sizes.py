"""How big one generated pull request is: its child counts, drawn from a size profile.

Profiles:

* ``typical``: medians of ~4 files, ~3 commits, ~2 reviews, one to three check suites with
  ~5 runs, 0-3 labels; capped at 80 files, 40 commits, 12 reviews.
* ``heavy``: heavy-tailed (log-normal, wide). A few percent of PRs have more than 25 commits,
  50 files or 25 reviews, some have hundreds of each (caps: 600 commits, 2500 files, 400
  reviews), and check suites can hold hundreds of runs.
* ``huge`` PRs (``generate_dataset(huge=N)``): 250 files, 130 commits, 105 reviews, a 120-run
  suite and 25-35 labels, so every nested connection needs a second page.
* ``huge_files`` PRs: more than 3000 changed files; GitHub answers ``files: null``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .prparts import count

PROFILES = ("typical", "heavy")


@dataclass(frozen=True)
class Sizes:
    """Child counts of one PR. ``runs`` has one entry per check suite. ``files_listed=False``
    means the file list is not available (``files: null``); ``nullable`` allows the random
    ``null`` connections (reviews, files, labels) the schema permits."""

    files: int
    commits: int
    reviews: int
    runs: list[int] = field(default_factory=list)
    statuses: int = 0
    labels: int = 0
    files_listed: bool = True
    nullable: bool = True

    def __post_init__(self) -> None:
        if self.commits < 1:
            raise ValueError("a pull request has at least one commit")


def typical(rng: random.Random) -> Sizes:
    """The ``typical`` profile."""
    suites = rng.choices([1, 2, 3], [50, 35, 15])[0]
    runs = [count(rng, 4, 12, 1)] + [rng.randint(1, 2) for _ in range(suites - 1)]
    if rng.random() < 0.05:
        runs.append(0)
    return Sizes(files=count(rng, 4, 80, 1), commits=count(rng, 3, 40, 1),
                 reviews=0 if rng.random() < 0.2 else count(rng, 2, 12),
                 runs=runs[:4], statuses=rng.choices([1, 2, 3, 4], [40, 30, 20, 10])[0],
                 labels=rng.choices([0, 1, 2, 3], [45, 30, 15, 10])[0])


def heavy(rng: random.Random) -> Sizes:
    """The ``heavy`` (heavy-tailed) profile."""
    suites = rng.choices([1, 2, 3, 4, 6], [35, 30, 20, 10, 5])[0]
    runs = [count(rng, 6, 400, 1, sigma=1.2)] + [count(rng, 2, 150, 1, sigma=1.0)
                                                 for _ in range(suites - 1)]
    return Sizes(files=count(rng, 6, 2500, 1, sigma=1.4), commits=count(rng, 4, 600, 1, 1.3),
                 reviews=0 if rng.random() < 0.15 else count(rng, 3, 400, 0, sigma=1.3),
                 runs=runs, statuses=rng.choices([1, 2, 3, 5, 8], [35, 30, 20, 10, 5])[0],
                 labels=rng.choices([0, 1, 2, 3, 6], [40, 30, 15, 10, 5])[0])


def huge(rng: random.Random) -> Sizes:
    """A PR that needs nested pagination on every connection."""
    return Sizes(files=250, commits=130, reviews=105, runs=[120, 2], statuses=3,
                 labels=rng.randint(25, 35))


def huge_files(rng: random.Random, base: Sizes) -> Sizes:
    """``base`` with more than 3000 changed files (not listable: ``files: null``)."""
    return Sizes(files=rng.randint(3001, 7000), commits=base.commits, reviews=base.reviews,
                 runs=base.runs, statuses=base.statuses, labels=base.labels,
                 files_listed=False)


def draw(profile: str, rng: random.Random) -> Sizes:
    """Sizes from ``profile`` (``typical`` or ``heavy``)."""
    if profile == "heavy":
        return heavy(rng)
    if profile == "typical":
        return typical(rng)
    raise ValueError(f"unknown size profile {profile!r}; expected one of {PROFILES}")

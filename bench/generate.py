"""A realistic, deterministic PR event log, written the way the fetcher writes it.

Events have the shape of ``apps.seeding.fetch.github.parse.pull_request`` (see its docstring and
``tests/seeding/factories.py``). Child counts are long-tailed with medians of about 4 files,
3 commits, 2 reviews and 5 check runs; one PR in ``HUGE_EVERY`` is huge (300 files, 130 commits,
105 reviews, 120 check runs). Texts (titles, markdown bodies, commit messages, review comments)
have realistic lengths and some non-ASCII. Bots author about 8% of PRs.

The log is committed in pages of ``PAGE_SIZE`` PR events, newest-updated first, each batch's
commit marker carrying a ``FetchState`` like the fetcher's, between a ``pass`` started and a
``pass`` complete event. Each PR is generated from its own seeded RNG, so the log is streamed
(constant memory) and identical for a given ``(n, seed)``.
"""

from __future__ import annotations

import base64
import random
import statistics
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from apps.seeding.fetch.state import FetchState, PassState
from eventlog import Event, open_writer

from . import text
from .corpus import CHECK_NAMES, Corpus, Person, build_corpus

GENERATOR_VERSION = 1
REPO = "bench/gen"
NOW = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
SPAN = 730 * 86_400
PAGE_SIZE = 50
HUGE_EVERY = 2000
HUGE = {"files": 300, "commits": 130, "reviews": 105, "runs": 120}
REVIEW_STATES = (("approved", 45), ("commented", 35), ("changes_requested", 12),
                 ("dismissed", 5), ("pending", 3))
FILE_STATUSES = (("modified", 70), ("added", 18), ("removed", 6), ("renamed", 5), ("copied", 1))
CONCLUSIONS = (("success", 85), ("failure", 7), ("skipped", 5), ("cancelled", 2), ("neutral", 1))


@dataclass(frozen=True, slots=True)
class Timeline:
    """When one PR was created, last updated, closed and merged (epoch seconds)."""

    number: int
    created: int
    updated: int
    closed: int | None
    merged: int | None

    @property
    def state(self) -> str:
        return "merged" if self.merged else "closed" if self.closed else "open"

    @property
    def work_end(self) -> int:
        return self.closed or self.updated


@dataclass(frozen=True, slots=True)
class LogSummary:
    """What a generated log holds (for the report and to check the distributions)."""

    prs: int
    records: int
    bytes: int
    huge: int
    median_files: float
    median_commits: float
    median_reviews: float
    median_runs: float
    child_rows: int
    seconds: float


def iso(epoch: int | None) -> str | None:
    return None if epoch is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def long_tail(rng: random.Random, median: float, cap: int, minimum: int = 0) -> int:
    """A log-normal count with the given median, clamped to ``[minimum, cap]``."""
    return max(minimum, min(cap, round(rng.lognormvariate(0, 0.8) * median)))


def timelines(n: int, seed: int) -> list[Timeline]:
    """The ``n`` PRs' timelines, newest-updated first (the fetcher's order)."""
    rng = random.Random(seed)
    out, number = [], 0
    for _ in range(n):
        number += 1 + (rng.random() < 0.3)  # issues share the number space
        created = NOW - int(SPAN * rng.random() ** 1.3) - 3600
        out.append(_timeline(rng, number, created))
    out.sort(key=lambda t: (t.updated, t.number), reverse=True)
    return out


def _timeline(rng: random.Random, number: int, created: int) -> Timeline:
    if rng.random() < 0.12:
        return Timeline(number, created, rng.randint(created, NOW), None, None)
    closed = min(NOW, created + int(rng.lognormvariate(11.2, 1.3)))  # median ~20 hours
    updated = min(NOW, closed + rng.randint(0, 600))
    merged = closed if rng.random() < 0.85 else None
    return Timeline(number, created, updated, closed, merged)


class EventFactory:
    """Builds the PR event of a timeline from a per-PR RNG."""

    def __init__(self, corpus: Corpus, seed: int, repo: str = REPO) -> None:
        self.c, self.seed, self.repo = corpus, seed, repo

    def event(self, t: Timeline, huge: bool) -> dict:
        rng = random.Random(self.seed * 1_000_003 + t.number)
        author = self._author(rng, huge)
        bot = author is not None and author.type == "Bot"
        sizes = HUGE if huge else _sizes(rng, bot)
        files = self._files(rng, sizes["files"], bot)
        commits = _commits(rng, author, sizes["commits"], t)
        head = commits[-1]
        return {
            "number": t.number, "title": text.title(rng, bot), "body": text.body(rng, t.number),
            "state": t.state, "is_draft": t.state == "open" and rng.random() < 0.25,
            "author": author.actor() if author else None,
            "created_at": iso(t.created), "updated_at": iso(t.updated),
            "merged_at": iso(t.merged), "closed_at": iso(t.closed),
            "additions": sum(f["additions"] for f in files),
            "deletions": sum(f["deletions"] for f in files), "changed_files": len(files),
            "commits_count": len(commits),
            "head_ref": f"feature/{rng.choice(text.WORDS)}-{t.number}", "base_ref": "main",
            "head_sha": head["sha"], **self._metadata(rng, t.number),
            "reviews": self._reviews(rng, author, sizes["reviews"], t),
            "commits": commits, "files": files,
            "check_runs": _runs(rng, t.number, sizes["runs"], t), "incomplete": {},
        }

    def _author(self, rng: random.Random, huge: bool) -> Person | None:
        r = rng.random()
        if r < 0.01 and not huge:
            return None  # deleted account
        if r < 0.09 and not huge:
            return rng.choice(self.c.bots)
        return rng.choices(self.c.humans, cum_weights=self.c.human_weights)[0]

    def _files(self, rng: random.Random, n: int, bot: bool) -> list[dict]:
        if bot:
            paths = ["package.json", "yarn.lock"][:n]
        else:
            picked = rng.choices(self.c.paths, cum_weights=self.c.path_weights, k=n * 2 + 4)
            paths = list(dict.fromkeys(picked))[:n]
        return [_file(rng, path) for path in paths]

    def _reviews(self, rng: random.Random, author: Person | None, n: int,
                 t: Timeline) -> list[dict]:
        out = []
        for i in range(n):
            reviewer = rng.choices(self.c.humans, cum_weights=self.c.human_weights)[0]
            if author is not None and reviewer.login == author.login:
                reviewer = rng.choice(self.c.humans)  # rarely the author again: GitHub allows it
            state = _weighted(rng, REVIEW_STATES)
            comment = "" if rng.random() < 0.55 else text.sentences(rng, long_tail(rng, 2, 12, 1))
            submitted = None if state == "pending" else iso(rng.randint(t.created, t.work_end))
            out.append({"id": 1_700_000_000 + t.number * 1000 + i, "state": state,
                        "body": comment, "submitted_at": submitted, "author": reviewer.actor()})
        return out

    def _metadata(self, rng: random.Random, number: int) -> dict:
        labels = rng.sample(self.c.labels, rng.choices((0, 1, 2, 3), (45, 30, 15, 10))[0])
        assignees = [p.login for p in rng.sample(self.c.humans[:40], rng.choice((0, 0, 1, 2)))]
        issues = [{"repo": self.repo, "number": number + 1}] if rng.random() < 0.25 else []
        milestone = f"v1.{rng.randint(0, 9)}" if rng.random() < 0.2 else None
        return {"labels": labels, "assignees": assignees, "milestone": milestone,
                "linked_issues": issues}


def _sizes(rng: random.Random, bot: bool) -> dict[str, int]:
    if bot:
        return {"files": rng.choice((1, 2)), "commits": 1, "reviews": rng.choice((0, 1)),
                "runs": long_tail(rng, 5, 30)}
    return {"files": long_tail(rng, 4, 80, 1), "commits": long_tail(rng, 3, 40, 1),
            "reviews": 0 if rng.random() < 0.12 else long_tail(rng, 2, 12, 1),
            "runs": 0 if rng.random() < 0.05 else long_tail(rng, 5, 30, 1)}


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*options, strict=True)
    return rng.choices(values, weights)[0]


def _file(rng: random.Random, path: str) -> dict:
    status = _weighted(rng, FILE_STATUSES)
    additions = 0 if status == "removed" else long_tail(rng, 12, 4000)
    deletions = 0 if status == "added" else long_tail(rng, 5, 2000)
    return {"path": path, "status": status, "additions": additions, "deletions": deletions}


def _commits(rng: random.Random, author: Person | None, n: int, t: Timeline) -> list[dict]:
    moments = sorted(rng.randint(t.created - 86_400, t.work_end) for _ in range(n))
    name = (author.name or author.login) if author else "Former Contributor"
    email = author.email if author else "former@example.com"
    actor = author.actor() if author and rng.random() < 0.85 else None
    return [{"sha": f"{rng.getrandbits(160):040x}", "committed_at": iso(moment),
             "message": text.commit_message(rng), "additions": long_tail(rng, 20, 5000),
             "deletions": long_tail(rng, 8, 3000), "author_name": name, "author_email": email,
             "author": actor} for moment in moments]


def _runs(rng: random.Random, number: int, n: int, t: Timeline) -> list[dict]:
    busy = t.state == "open" and rng.random() < 0.3
    out = []
    for i in range(n):
        started = t.work_end - rng.randint(60, 7200)
        done = not (busy and rng.random() < 0.5)
        out.append({"id": 9_000_000_000 + number * 1000 + i,
                    "name": CHECK_NAMES[i % len(CHECK_NAMES)] + (f" #{i}" if i >= 15 else ""),
                    "status": "completed" if done else "in_progress",
                    "conclusion": _weighted(rng, CONCLUSIONS) if done else None,
                    "started_at": iso(started),
                    "completed_at": iso(started + rng.randint(20, 1800)) if done else None})
    return out


def pr_events(n: int, seed: int = 1) -> Iterator[dict]:
    """The ``n`` PR events of a log, newest-updated first; about one in ``HUGE_EVERY`` huge."""
    factory = EventFactory(build_corpus(seed), seed)
    lines = timelines(n, seed)
    huge = set(random.Random(seed + 1).sample(range(n), max(1, n // HUGE_EVERY)))
    for i, t in enumerate(lines):
        yield factory.event(t, i in huge)


def write_log(log_dir: Path, n: int, seed: int = 1) -> LogSummary:
    """Write a log of ``n`` PR events to ``log_dir`` (must not hold a log yet)."""
    started = time.perf_counter()
    stats = _Stats()
    with open_writer(log_dir, fsync="never") as writer:
        p = PassState("full-1", "full", None, started_at=iso(NOW), page_size=PAGE_SIZE)
        writer.append_batch([Event("pass", "pass:full-1", {"status": "started"})],
                            FetchState(active=p, passes=1).to_meta())
        page: list[Event] = []
        for data in pr_events(n, seed):
            stats.add(data)
            page.append(Event("pr", f"pr:{data['number']}", data))
            if len(page) == PAGE_SIZE:
                p = _next_page(p, page)
                writer.append_batch(page, FetchState(active=p, passes=1).to_meta())
                page = []
        done = {"status": "complete", "reason": "end", "prs": n}
        writer.append_batch([*page, Event("pass", "pass:full-1", done)], _final_meta(p, n))
        records = writer.next_seq
    size = sum(f.stat().st_size for f in Path(log_dir).glob("*.jsonl"))
    return stats.summary(records, size, time.perf_counter() - started)


def _next_page(p: PassState, page: list[Event]) -> PassState:
    last = page[-1].data
    cursor = base64.b64encode(f"cursor:v2:{last['updated_at']}:{last['number']}".encode())
    stats = {"requests": p.pages + 2, "points": (p.pages + 1) * 6, "retries": 0, "waits": 0}
    return replace(p, cursor=cursor.decode(), pages=p.pages + 1, prs=p.prs + len(page),
                   good_pages=p.good_pages + 1, stats=stats)


def _final_meta(p: PassState, n: int) -> dict:
    summary = {**asdict(p), "status": "complete", "reason": "end", "finished_at": iso(NOW)}
    return FetchState(reached_end=True, synced_at=iso(NOW), boundary_cursor=p.cursor,
                      check_runs=True, passes=1, last_pass=summary).to_meta()


class _Stats:
    """Running counts of a generated log's children."""

    def __init__(self) -> None:
        self.files: list[int] = []
        self.commits: list[int] = []
        self.reviews: list[int] = []
        self.runs: list[int] = []
        self.huge = 0

    def add(self, data: dict) -> None:
        self.files.append(len(data["files"]))
        self.commits.append(len(data["commits"]))
        self.reviews.append(len(data["reviews"]))
        self.runs.append(len(data["check_runs"]))
        self.huge += len(data["files"]) == HUGE["files"]

    def summary(self, records: int, size: int, seconds: float) -> LogSummary:
        children = sum(map(sum, (self.files, self.commits, self.reviews, self.runs)))
        return LogSummary(len(self.files), records, size, self.huge,
                          statistics.median(self.files), statistics.median(self.commits),
                          statistics.median(self.reviews), statistics.median(self.runs),
                          children, round(seconds, 1))

"""Helpers of the chaos suite checking what the pipeline left behind: the database and the logs
compared with the dataset, the cache files, and snapshots proving a failed run changed nothing."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db.models import Count, Sum

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.seeding.fetch.state import RETRY_LIMIT
from apps.seeding.models import AppliedOffset
from apps.teams.models import Team
from eventlog import EventLog
from tests.dbdump import natural_dump
from tests.expected import db_prs, expected_prs, log_prs

# -- what the pipeline left behind ------------------------------------------------------------


def files_under(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (writer.lock excluded: it holds a PID)."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*"))
            if p.is_file() and p.name != "writer.lock"}


def log_bytes(cache_dir: Path) -> int:
    """Total size of the segment files under ``cache_dir`` (cheap enough to poll)."""
    total = 0
    for dirpath, _, names in os.walk(cache_dir):
        total += sum(os.stat(os.path.join(dirpath, n)).st_size for n in names
                     if n.endswith(".jsonl"))
    return total


def pr_event_counts(log_dir: Path) -> Counter:
    """How many ``pr`` events each PR number has in a log."""
    return Counter(r.data["number"] for r in EventLog(log_dir).read() if r.type == "pr")


def expected_members(dataset: dict, repos, since: datetime) -> set[str]:
    """Logins the projection must create: PR authors, reviewers, commit authors."""
    logins = set()
    for repo in repos:
        for pr in dataset["repos"][repo]["pullRequests"]:
            if datetime.fromisoformat(pr["updatedAt"].replace("Z", "+00:00")) < since:
                continue
            actors = [pr.get("author"), *[r.get("author") for r in pr.get("reviews") or []],
                      *[(c["commit"].get("author") or {}).get("user") for c in pr["commits"]]]
            logins |= {a["login"] for a in actors if a and a.get("login")}
    return logins


def row_counts(team) -> dict[str, int]:
    return {model.__name__: model.objects.filter(team=team).count()
            for model in (PullRequest, PRReview, Commit, PRFile, PRCheckRun)}


def expected_row_counts(expected: dict[int, dict]) -> dict[str, int]:
    """Rows per table: every PR keeps its own commits and CI (a shared commit is a row of each
    PR listing it); a connection GitHub did not serve (None) has no rows."""
    def total(name: str) -> int:
        return sum(len(p[name] or ()) for p in expected.values())
    return {"PullRequest": len(expected), "PRReview": total("reviews"), "Commit": total("commits"),
            "PRFile": total("files"), "PRCheckRun": total("check_runs") + total("statuses")}


def assert_database_matches(dataset: dict, team_slug: str, repos, since: datetime) -> None:
    """Every PR in the window with every child, nothing else, for ``team_slug``."""
    assert list(Team.objects.values_list("slug", flat=True)) == [team_slug]
    team = Team.objects.get(slug=team_slug)
    everything: dict[int, dict] = {}
    for repo in repos:
        expected = expected_prs(dataset, repo, since)
        assert db_prs(team, repo) == expected, f"database differs from the dataset for {repo}"
        everything.update({(repo, n): p for n, p in expected.items()})
    assert row_counts(team) == expected_row_counts(everything)
    assert PullRequest.objects.count() == len(everything)
    members = set(TeamMember.objects.filter(team=team).values_list("github_login", flat=True))
    assert members == expected_members(dataset, repos, since)


def assert_log_matches(dataset: dict, cache_dir: Path, repos, since: datetime) -> None:
    """Each log holds exactly one event per complete PR of the window, equal to the dataset's
    PR; an incomplete PR (a connection GitHub did not serve) also its one automatic retry."""
    for repo in repos:
        expected = expected_prs(dataset, repo, since)
        assert log_prs(cache_dir / repo) == expected, f"log differs from the dataset for {repo}"
        counts = pr_event_counts(cache_dir / repo)
        gaps = incomplete_numbers(cache_dir / repo)
        assert all(counts[n] == 1 for n in counts if n not in gaps), \
            f"duplicate events in {repo}: {counts.most_common(3)}"
        assert all(counts[n] <= 1 + RETRY_LIMIT for n in gaps), counts.most_common(3)


def incomplete_numbers(log_dir: Path) -> set[int]:
    """PRs whose latest event has a connection GitHub did not serve."""
    latest = {r.data["number"]: r.data for r in EventLog(log_dir).read() if r.type == "pr"}
    return {n for n, data in latest.items() if data.get("unavailable") or
            data.get("incomplete")}


def projection_marker() -> tuple:
    """Changes when a projection starts (tracking row created) or commits a batch."""
    agg = AppliedOffset.objects.aggregate(n=Count("id"), s=Sum("applied_offset"))
    return agg["n"], agg["s"]


# -- what a failed run must leave as it was ---------------------------------------------------


def database_state() -> tuple:
    """Teams, applied offsets and every seeded row by natural key (no pks)."""
    offsets = set(AppliedOffset.objects.values_list("team__slug", "github_repo"))
    return set(Team.objects.values_list("slug", flat=True)), offsets, natural_dump()


@dataclass(frozen=True)
class Snapshot:
    """What a failed run must leave as it was: the cache files, the PR events, the rows."""

    files: dict[str, bytes]
    events: Counter
    rows: tuple


def snapshot(cache_dir: Path, repo: str) -> Snapshot:
    return Snapshot(files_under(cache_dir), pr_event_counts(cache_dir / repo), database_state())


def pass_events(log_dir: Path) -> list[dict]:
    """The data of every ``pass`` event of a log, oldest first."""
    return [r.data for r in EventLog(log_dir).read() if r.type == "pass"]


def assert_unchanged(before: Snapshot, cache_dir: Path, repo: str, *,
                     failed_pass: str | None = None) -> None:
    """The database exactly as ``before``; the cache files byte for byte, or, with
    ``failed_pass`` (a pass status: ``failed``, ``stopped``), every committed byte kept, no PR
    event added and the last pass recorded with that status."""
    assert database_state() == before.rows
    after = files_under(cache_dir)
    if failed_pass is None:
        assert after == before.files
        return
    assert after.keys() == before.files.keys()
    assert all(after[name].startswith(data) for name, data in before.files.items())
    assert pr_event_counts(cache_dir / repo) == before.events
    last = pass_events(cache_dir / repo)[-1]
    assert last["status"] == failed_pass, last

"""The tracking record of a projection (``AppliedOffset``) and what changes it wholesale: a log
replaced (its seqs start over), a log that lost projected records, a repository renamed."""

from __future__ import annotations

from django.db import transaction

from apps.metrics.models import Commit, PullRequest
from apps.teams.models import Team

from ..models import AppliedOffset, QuarantinedPR


def tracking_for(team: Team, repo: str) -> AppliedOffset:
    """The tracking record of ``team``'s projection of ``repo`` (created at -1)."""
    tracking, _ = AppliedOffset.objects.get_or_create(team=team, github_repo=repo)
    return tracking


def forget_projection(team: Team, repo: str) -> None:
    """Make the next projection of ``repo`` re-check every row of it against the log (after
    the log was replaced, so its seqs start over): drop the tracking record and the rows' seqs.
    """
    with transaction.atomic():
        AppliedOffset.objects.filter(team=team, github_repo=repo).delete()
        QuarantinedPR.objects.filter(team=team, github_repo=repo).delete()
        PullRequest.objects.filter(team=team, github_repo=repo).update(event_seq=-1)


def forget_projections_past(repo: str, next_seq: int) -> list[str]:
    """Forget every team's projection of ``repo`` that got past the end of its log.

    Such a log lost records that were projected (its directory was deleted, a crash under
    ``SEEDING_FSYNC=never``, a truncated file). What is fetched next reuses their seqs, so the
    projector, which skips events not newer than a row's, would skip it: run this before
    fetching. The rows are re-checked against the log from its start, as after ``--refresh``.
    Returns one warning per team.
    """
    warnings = []
    for tracking in AppliedOffset.objects.filter(github_repo=repo, applied_offset__gte=next_seq) \
            .select_related("team"):
        forget_projection(tracking.team, repo)
        warnings.append(f"team {tracking.team.slug} was projected up to seq "
                        f"{tracking.applied_offset} but the log now ends before it (next seq "
                        f"{next_seq}): records were lost; every row of {repo} is checked again")
    return warnings


def rename_repo_rows(team: Team, old: str, new: str) -> int:
    """Move ``team``'s rows of ``old`` to ``new`` (GitHub renamed the repository, or it was
    typed in another case): one set of rows per repository. Returns the PR rows moved; does
    nothing when ``new`` already has rows of its own."""
    if old == new or not AppliedOffset.objects.filter(team=team, github_repo=old).exists():
        return 0
    if AppliedOffset.objects.filter(team=team, github_repo=new).exists():
        return 0
    with transaction.atomic():
        moved = PullRequest.objects.filter(team=team, github_repo=old).update(github_repo=new)
        Commit.objects.filter(team=team, github_repo=old).update(github_repo=new)
        for model in (AppliedOffset, QuarantinedPR):
            model.objects.filter(team=team, github_repo=old).update(github_repo=new)
    return moved

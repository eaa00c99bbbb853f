"""One PR the database cannot store never blocks the rest.

When a batch fails for a data reason (a value out of a column's range, text or JSON the database
refuses), the batch is bisected inside savepoints until the refused PRs are found; everything
else is written, and each refused PR is quarantined (``QuarantinedPR``: repo, number, seq and
the database's reason), listed in the summary, and tried again by the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import DataError, IntegrityError, transaction
from django.db.models import F

from apps.teams.models import Team

from ..models import QuarantinedPR
from .upsert import ValueOutOfRange

DATA_ERRORS = (DataError, IntegrityError, OverflowError, ValueOutOfRange, UnicodeEncodeError)
T = TypeVar("T")


def write_isolated(write: Callable[[list[T]], None], entries: Sequence[T]
                   ) -> list[tuple[T, str]]:
    """``write(entries)`` in a savepoint; on a data error, bisect. Returns what the database
    refused, each with its reason (one line); everything else is written."""
    entries = list(entries)
    if not entries:
        return []
    try:
        with transaction.atomic():
            write(entries)
        return []
    except DATA_ERRORS as error:
        if len(entries) == 1:
            return [(entries[0], reason(error))]
        middle = len(entries) // 2
        return write_isolated(write, entries[:middle]) + write_isolated(write, entries[middle:])


def reason(error: BaseException) -> str:
    """The database's reason, on one line."""
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


def quarantine(team: Team, repo: str, refused: list[tuple[int, int, str]]) -> None:
    """Record refused PRs as (number, seq, reason)."""
    for number, seq, why in refused:
        updated = QuarantinedPR.objects.filter(team=team, github_repo=repo, number=number) \
            .update(event_seq=seq, reason=why, attempts=F("attempts") + 1)
        if not updated:
            QuarantinedPR.objects.create(team=team, github_repo=repo, number=number,
                                         event_seq=seq, reason=why)


def release(team: Team, repo: str, numbers: Sequence[int]) -> None:
    """PRs written successfully are no longer quarantined."""
    if numbers:
        QuarantinedPR.objects.filter(team=team, github_repo=repo, number__in=list(numbers)) \
            .delete()


def quarantined(team: Team, repo: str) -> list[QuarantinedPR]:
    return list(QuarantinedPR.objects.filter(team=team, github_repo=repo).order_by("number"))

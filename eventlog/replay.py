"""Replaying a log into a projector: the protocol between ``eventlog replay`` and whatever
applies events to a database.

A projector is a callable registered under the ``eventlog.projectors`` entry point group and
called with keyword arguments only::

    projector(repo="acme/web", log=EventLog(...), from_offset=0, team=None, force=False,
              dry_run=False) -> str

It applies the committed events of ``log`` from seq ``from_offset`` on (idempotently: events
not newer than what a row was built from are skipped, unless ``force``), or with ``dry_run``
only says what it would do, and returns a human summary (one or more lines). It raises an
``EventLogError`` for a failure it can explain; anything else it raises becomes a
``ProjectorError``. Without a projector, ``RangeSummary`` is what the library itself can tell.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from .errors import EventLogError, ProjectorError
from .log import EventLog
from .text import plural

PROJECTOR_GROUP = "eventlog.projectors"
PROJECTOR_ARGS = ("repo", "log", "from_offset", "team", "force", "dry_run")


@dataclass(frozen=True, slots=True)
class RangeSummary:
    """The committed records of a log from ``from_offset`` on: how many, how many are events
    (not commit markers), their distinct keys, and the seqs they span."""

    repo: str
    from_offset: int
    records: int
    events: int
    keys: int
    first_seq: int | None
    last_seq: int | None

    def describe(self) -> str:
        span = (f"seqs {self.first_seq}..{self.last_seq}" if self.first_seq is not None
                else "no records")
        return (f"{self.repo} from seq {self.from_offset}: {plural(self.records, 'record')} "
                f"({span}), {plural(self.events, 'event')}, "
                f"{plural(self.keys, 'distinct key')}; nothing was applied (dry run)")


def summarize_range(repo: str, log: EventLog, from_offset: int) -> RangeSummary:
    """Count what a replay from ``from_offset`` would offer a projector (one read of the log)."""
    records = events = 0
    keys: set[str] = set()
    first = last = None
    for record in log.read(from_offset):
        records += 1
        first = record.seq if first is None else first
        last = record.seq
        if not record.is_commit:
            events += 1
            keys.add(record.key)
    return RangeSummary(repo, from_offset, records, events, len(keys), first, last)


@dataclass(frozen=True, slots=True)
class ReplayOutcome:
    """What to tell the user: the summary (stdout) and a notice about how it was made."""

    summary: str
    notice: str | None = None


def replay(repo: str, log: EventLog, *, from_offset: int, team: str | None, force: bool,
           dry_run: bool) -> ReplayOutcome:
    """Run the first registered projector over ``log`` from ``from_offset`` (after checking it:
    ``OffsetOutOfRangeError``). With no projector registered, a dry run returns the
    ``RangeSummary`` and a notice; a replay raises ``ProjectorError``."""
    log.check_offset(from_offset)
    projectors = list(entry_points(group=PROJECTOR_GROUP))
    if projectors:
        projector = load_projector(projectors[0])
        return ReplayOutcome(call_projector(
            projector, projectors[0].name, repo=repo, log=log, from_offset=from_offset,
            team=team, force=force, dry_run=dry_run))
    if not dry_run:
        raise ProjectorError(f"no projector is registered (entry point group {PROJECTOR_GROUP})"
                             f"; nothing can apply the log of {repo}")
    return ReplayOutcome(summarize_range(repo, log, from_offset).describe(),
                         f"no projector is registered (entry point group {PROJECTOR_GROUP}); "
                         "counting what the log holds")


def load_projector(entry_point: Any) -> Callable[..., Any]:
    """Import a registered projector; a broken registration is a ``ProjectorError``."""
    try:
        return entry_point.load()
    except (ImportError, AttributeError) as e:
        raise ProjectorError(f"cannot load the projector {entry_point.name!r} "
                             f"({entry_point.value}): {e}") from e


def call_projector(projector: Callable[..., Any], name: str, **kwargs: Any) -> str:
    """Call ``projector`` with the ``PROJECTOR_ARGS``; returns its summary as text. Raises
    ``ProjectorError`` if it does not take them or fails with anything but ``EventLogError``."""
    _check_signature(projector, name, kwargs)
    try:
        result = projector(**kwargs)
    except EventLogError:
        raise
    except Exception as e:
        raise ProjectorError(f"the projector {name!r} failed: {type(e).__name__}: {e}") from e
    return "" if result is None else str(result)


def _check_signature(projector: Callable[..., Any], name: str, kwargs: dict[str, Any]) -> None:
    try:
        signature = inspect.signature(projector)
    except (TypeError, ValueError):
        return  # not introspectable (a builtin): let the call decide
    try:
        signature.bind(**kwargs)
    except TypeError as e:
        raise ProjectorError(f"the projector {name!r} does not take the arguments "
                             f"{', '.join(PROJECTOR_ARGS)} ({e}); update it to this "
                             "eventlog") from None

"""What the user should do next, worded for ``seed_real_projects``: the lower layers raise and
report facts; this is the one place that names commands and options."""

from __future__ import annotations

import time

from eventlog import CorruptRecordError, LogLockedError, SegmentMissingError

from .fetch.github.errors import (
    AuthError,
    ClientConfigError,
    MissingTokenError,
    WaitTooLongError,
)
from .fetch.reporting import FetchWarning, WarningKind
from .outcome import Outcome, RepoOutcome

TOKEN_HELP = "set GITHUB_TOKEN (or GITHUB_SEEDING_TOKENS=tok1,tok2) or pass --github-token"


def next_step(o: RepoOutcome) -> str:
    """One sentence: how to get from ``o`` to a complete repository."""
    cause = o.cause
    again = "run the same command again to resume the refresh" if o.refreshing else \
        "run the same command again to resume from the last committed page"
    if isinstance(cause, WaitTooLongError):
        at = time.strftime("%H:%M UTC", time.gmtime(cause.resume_at))
        return f"the rate limit resets at {at}; {again} then"
    if isinstance(cause, MissingTokenError):
        return TOKEN_HELP
    if isinstance(cause, AuthError):
        return f"{TOKEN_HELP} with a valid token"
    if isinstance(cause, ClientConfigError):
        return "fix the setting named above"
    if isinstance(cause, CorruptRecordError | SegmentMissingError):
        return (f"committed data of the log is damaged: `seed_real_projects --refresh --repo "
                f"{o.repo}` fetches it again (`eventlog verify {o.repo}` lists every problem)")
    if o.status == Outcome.NOT_FOUND:
        return "check the name: GitHub has no such repository, or the token cannot see it"
    if o.status == Outcome.LOCKED or isinstance(cause, LogLockedError):
        return "another run is seeding it; wait for that run to finish"
    if o.status in (Outcome.FAILED, Outcome.STOPPED):
        return again
    if o.quarantined:
        return "the next run tries the quarantined PRs again"
    return "see the message above"


def warning_text(w: FetchWarning) -> str:
    """A fetch warning with what to do about it."""
    if w.kind == WarningKind.CI_FORBIDDEN:
        return (f"{w.message}: give the token read access to Checks and Commit statuses "
                "(fine-grained token permissions), or run with --no-check-runs")
    if w.kind == WarningKind.INCOMPLETE:
        return (f"{w.message}; each is fetched again once by the next run, and again whenever "
                "it changes on GitHub")
    if w.kind == WarningKind.UNKNOWN_ENUM:
        return f"{w.message} (GitHub added a value this version does not know)"
    return w.message


def pending_update_note() -> str:
    return "an --update was interrupted and is still pending: run with --update to finish it"

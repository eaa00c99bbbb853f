"""How an ``eventlog`` command ends: exit codes, the one-line error, stopping on signals.

    0    done
    1    the operation failed (a locked, damaged, missing or unreadable log)
    2    bad input (arguments, repository names, environment variables)
    130  stopped by SIGINT (Ctrl-C);  143  stopped by SIGTERM

Library errors say what is wrong; the advice about ``eventlog`` commands is added here, since
only the CLI knows its commands. Everything printed is escaped by the caller (``printable``).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import ConfigError, DamagedLogError, EventLogError, InvalidRepoNameError

EXIT_FAILED, EXIT_USAGE = 1, 2
STOP_SIGNALS = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
DAMAGE_ADVICE = "run `eventlog verify` to list every problem"


class UsageProblem(Exception):
    """Bad input detected by a command (exit code 2)."""


class Stopped(BaseException):
    """SIGINT or SIGTERM arrived; unwinds like Ctrl-C, through every ``finally``."""

    def __init__(self, signum: int) -> None:
        self.signum = signum


def error_exit(error: Exception) -> tuple[int, str]:
    """The exit code and the one-line message (without the ``eventlog: error:`` prefix) for
    an error a command raised: a library error, ``UsageProblem`` or ``OSError``."""
    if isinstance(error, UsageProblem | InvalidRepoNameError | ConfigError):
        return EXIT_USAGE, str(error)
    if isinstance(error, DamagedLogError):
        return EXIT_FAILED, f"{error}; {DAMAGE_ADVICE}"
    if isinstance(error, EventLogError | OSError):
        return EXIT_FAILED, str(error)
    raise TypeError(f"not a command error: {error!r}")


def stop_exit(signum: int) -> tuple[int, str]:
    """Exit code (128 + signal number) and the line saying how the command was stopped."""
    return 128 + signum, STOP_SIGNALS.get(signum, f"stopped by signal {signum}")


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise ``Stopped`` (locks are released and partial
    files removed on the way out); the previous handlers are restored afterwards. Outside the
    main thread, signals are left alone."""
    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous = {}
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, stop)
    except ValueError:
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)

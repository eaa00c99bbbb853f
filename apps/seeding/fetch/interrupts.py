"""Stopping a run cleanly on Ctrl-C or SIGTERM, whatever it is doing.

In the main thread, SIGINT raises ``KeyboardInterrupt`` and SIGTERM (once ``install`` ran) raises
``InterruptRequest``, anywhere; jobs in other threads never see signals, so a ``StopFlag`` shared
by all jobs is checked at safe points (before each request, during every wait, between pages) and
raises ``InterruptRequest`` there. Either way the fetcher records the stop in the log before the
run ends, and ``deferred_interrupts`` holds a signal back while a batch is being appended.
A signal the process was started with ignored (a background job of a script starts with
SIGINT ignored) stays ignored everywhere, as Unix programs that catch signals are expected to do.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


class InterruptRequest(Exception):  # noqa: N818 (a request, not an error)
    """The run was asked to stop (``signum``: SIGINT or SIGTERM)."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


class StopFlag:
    """Set once by the main thread; every job checks it at safe points."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.signum: int | None = None

    def request(self, signum: int) -> None:
        self.signum = self.signum or signum
        self._event.set()

    @property
    def requested(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``InterruptRequest`` if a stop was requested."""
        if self._event.is_set():
            raise InterruptRequest(self.signum or signal.SIGTERM)

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``, or raise ``InterruptRequest`` as soon as a stop is requested."""
        if self._event.wait(max(0.0, seconds)):
            self.check()


def stop_signals() -> dict[int, object]:
    """SIGINT and SIGTERM with their current handlers, leaving out one that is ignored."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    return {s: h for s, h in handlers.items() if h is not signal.SIG_IGN}


def _raise_terminate(signum: int, frame: object) -> None:
    raise InterruptRequest(signum)


def install_sigterm() -> Callable[[], None]:
    """Make SIGTERM raise ``InterruptRequest`` in the main thread; returns the undo function."""
    if threading.current_thread() is not threading.main_thread() or \
            signal.SIGTERM not in stop_signals():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, _raise_terminate)
    return lambda: signal.signal(signal.SIGTERM, previous)


@contextmanager
def signals_to(handler: Callable[[int], object]) -> Iterator[dict[int, object]]:
    """While inside, SIGINT and SIGTERM (those not ignored) call ``handler(signum)`` instead of
    their handlers, restored on the way out; yields the handlers replaced. Only the main thread
    receives signals; elsewhere this does nothing (and yields ``{}``)."""
    if threading.current_thread() is not threading.main_thread():
        yield {}
        return
    handlers = stop_signals()
    for signum in handlers:
        signal.signal(signum, lambda number, frame: handler(number))
    try:
        yield handlers
    finally:
        for signum, previous in handlers.items():
            signal.signal(signum, previous)


@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back while a batch is appended, and raise right after.

    An interrupt raised between the batch reaching the file and the writer counting it would
    leave the writer behind its own log: the stop record appended next would reuse the batch's
    seqs and corrupt the log. Only the main thread receives signals; elsewhere this does nothing.
    """
    caught: list[int] = []
    with signals_to(caught.append) as handlers:
        yield
    if caught:
        if caught[0] == signal.SIGINT and handlers.get(signal.SIGINT) is signal.default_int_handler:
            raise KeyboardInterrupt
        raise InterruptRequest(caught[0])

"""The writer lock: one writer per log, enforced by ``flock`` on ``writer.lock``.

The holder writes its PID into the file so a refused writer can say who holds it. The kernel
releases the lock when the holder exits, however it exits (SIGKILL included), so a stale PID in
the file never blocks anyone. Readers never take it. The file is created mode 0600 and never
opened through a symbolic link (a planted ``writer.lock -> FILE`` is refused, ``FILE`` untouched).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from .errors import LogLockedError
from .files import check_log_dir, create_file, open_fd

LOCK_NAME = "writer.lock"
PID_RETRIES = 10
PID_RETRY_DELAY = 0.005


class WriterLock:
    """An exclusive, non-blocking lock on a log directory."""

    def __init__(self, log_dir: Path) -> None:
        self.path = log_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise ``LogLockedError`` naming the holder's PID; never waits.
        Raises ``UnsafePathError`` if ``writer.lock`` is a symbolic link."""
        check_log_dir(self.path.parent)
        fd = _open_lock_file(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder_pid(fd)
            os.close(fd)
            raise LogLockedError(self.path.parent, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing the last fd releases the flock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _open_lock_file(path: Path) -> int:
    """Open ``writer.lock`` read-write, creating it (mode 0600) if needed; never via a link."""
    try:
        return create_file(path, access=os.O_RDWR)
    except FileExistsError:
        return open_fd(path, os.O_RDWR)


def _holder_pid(fd: int) -> int | None:
    """The holder's PID; it writes it just after taking the lock, so give it a moment."""
    for _ in range(PID_RETRIES):
        pid = _read_pid(fd)
        if pid is not None:
            return pid
        time.sleep(PID_RETRY_DELAY)
    return _read_pid(fd)


def _read_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
        return int(text) if text else None
    except (OSError, ValueError):
        return None

"""Files and directories under a cache directory: never through a symbolic link, always private.

Every file the library opens, creates, renames or deletes inside a log directory is opened with
``O_NOFOLLOW`` (plus ``O_DIRECTORY`` for directories) or checked with ``lstat`` first, so a link
planted there (``writer.lock -> ~/.bashrc``) is refused with ``UnsafePathError`` and its target is
never truncated, appended to or deleted. A log lives at ``{cache_dir}/{owner}/{name}``: the log
directory and its parent, the owner directory, must not be links either (``check_log_dir``);
the cache root itself may be one, as the user chose it.

Directories the library creates are mode 0700 and files 0600, set with ``fchmod`` so the umask
does not matter: logs hold whatever the fetched repositories hold.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import UnsafePathError

DIR_MODE = 0o700
FILE_MODE = 0o600
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


def open_fd(path: Path, flags: int) -> int:
    """``os.open(path, flags)`` without following a link in the last component (a link raises
    ``UnsafePathError``). A file created here gets mode 0600 from the caller's ``fchmod``."""
    try:
        return os.open(path, flags | _NOFOLLOW, FILE_MODE)
    except OSError as e:
        if e.errno == errno.ELOOP or (e.errno == errno.ENOTDIR and _is_link(path)):
            raise UnsafePathError(Path(path)) from None
        raise


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        return False


def open_read(path: Path) -> BinaryIO:
    """Open a regular file of a log for reading (``FileNotFoundError`` if missing)."""
    return os.fdopen(open_fd(path, os.O_RDONLY), "rb")


def create_file(path: Path, *, exclusive: bool = True, access: int = os.O_WRONLY) -> int:
    """Create ``path`` (mode 0600) and return its fd, opened with ``access``: a new file with
    ``exclusive`` (``FileExistsError`` otherwise), else created or truncated to empty."""
    flags = access | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = open_fd(path, flags)
    try:
        os.fchmod(fd, FILE_MODE)
    except BaseException:
        os.close(fd)
        raise
    return fd


def touch_new(path: Path, *, exclusive: bool = True) -> None:
    """Create an empty file (see ``create_file``)."""
    os.close(create_file(path, exclusive=exclusive))


def lexists(path: Path) -> bool:
    """Whether ``path`` exists, raising ``UnsafePathError`` if it is a symbolic link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        raise UnsafePathError(Path(path))
    return True


def check_log_dir(log_dir: Path) -> bool:
    """Refuse a log directory or owner directory that is a link; whether ``log_dir`` exists."""
    lexists(Path(log_dir).parent)
    return lexists(log_dir)


def file_size(path: Path) -> int:
    """Size of a file of a log, by ``lstat`` (a link is refused, a missing file raises
    ``FileNotFoundError``)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise UnsafePathError(Path(path))
    return info.st_size


def make_dirs(path: Path, *, check: bool = True) -> None:
    """Create ``path`` and its missing parents, each mode 0700 (existing ones are left as they
    are). With ``check``, refuse ``path`` or its parent being a link (``check_log_dir``), before
    and after creating."""
    if check:
        check_log_dir(path)  # before creating anything through a planted owner link
    missing: list[Path] = []
    current = Path(path)
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            continue  # created meanwhile by another process: checked below
        fd = open_fd(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fchmod(fd, DIR_MODE)
        finally:
            os.close(fd)
    if check:
        check_log_dir(path)


def fsync_dir(path: Path) -> None:
    """Make a rename, creation or deletion inside ``path`` durable."""
    fd = open_fd(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_file(path: Path) -> bool:
    """Delete a file of a log (a link is refused, not deleted); whether it existed."""
    if not lexists(path):
        return False
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


def replace_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Atomically replace ``path`` with ``data``: ``PATH.tmp`` (0600) -> write -> fsync ->
    rename -> fsync(dir). With ``durable`` it returns once the new content is on disk; a
    failure removes the temp file and leaves the old content in place."""
    path = Path(path)
    lexists(path)
    tmp = path.with_name(path.name + ".tmp")
    fd = create_file(tmp, exclusive=False)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        _discard_quietly(tmp)
        raise
    if durable:
        fsync_dir(path.parent)


def _discard_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass

"""Deleting logs: ``discard`` empties a log directory for a fresh start, ``remove_log`` removes it.

Both work under the writer lock, so a log being written is refused (``LogLockedError``, naming
the holder's PID), and both delete the manifest first: it is the commit point, and without it
nothing is left that a later writer or reader would take for a log (leftover segment files of
an interrupted removal are emptied or deleted by the next writer). Symbolic links are refused,
never followed or deleted.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import LogNotFoundError
from .files import check_log_dir, fsync_dir, lexists, remove_file
from .layout import repo_dir
from .lock import LOCK_NAME, WriterLock
from .manifest import MANIFEST_NAME
from .segment import is_segment_file


@dataclass(frozen=True, slots=True)
class Removal:
    """What ``remove_log`` did: the directory, the files it deleted, and the files it kept
    (not created by eventlog; the directory then stays)."""

    log_dir: Path
    removed: tuple[str, ...]
    kept: tuple[str, ...]

    @property
    def removed_dir(self) -> bool:
        return not self.kept


def discard(log_dir: Path) -> tuple[str, ...]:
    """Delete the log in ``log_dir`` (manifest, segments, temp files) under its writer lock;
    returns the names deleted, after the deletions are durable. The directory and its
    ``writer.lock`` stay (removing a lock file others may be opening would let two writers in),
    as do files eventlog did not create; ``open_writer`` then starts an empty log at seq 0.

    A missing ``log_dir`` is a no-op (``()``). Raises ``LogLockedError`` while another process
    writes the log and ``UnsafePathError`` for a symbolic link.
    """
    log_dir = Path(log_dir)
    if not check_log_dir(log_dir):
        return ()
    with WriterLock(log_dir):
        return _delete_log_files(log_dir)


def _delete_log_files(log_dir: Path) -> tuple[str, ...]:
    """Delete the manifest (the commit point), then segments and temp files; a planted link
    among them is refused before anything is deleted."""
    names = [name for name in sorted(os.listdir(log_dir))
             if is_segment_file(name) or name.endswith(".tmp")]
    for name in [MANIFEST_NAME, *names]:
        lexists(log_dir / name)
    removed = []
    if remove_file(log_dir / MANIFEST_NAME):  # from here on, no log
        fsync_dir(log_dir)
        removed.append(MANIFEST_NAME)
    removed += [name for name in names if remove_file(log_dir / name)]
    if removed:
        fsync_dir(log_dir)
    return tuple(removed)


def remove_log(cache_dir: Path, repo: str) -> Removal:
    """Remove the log directory of ``repo`` (resolved by ``repo_dir``) entirely: the log, then
    its lock file and directory, then the owner directory if that is now empty. Files eventlog
    did not create are kept, and with them the directory (see ``Removal.kept``).

    Raises ``LogNotFoundError`` when there is no such directory, ``LogLockedError`` while a
    process writes the log, ``UnsafePathError`` for a symbolic link.
    """
    log_dir = repo_dir(cache_dir, repo)
    if not check_log_dir(log_dir):
        raise LogNotFoundError(f"no event log for {repo} under {cache_dir}", log_dir)
    with WriterLock(log_dir) as lock:
        removed = _delete_log_files(log_dir)
        kept = tuple(sorted(name for name in os.listdir(log_dir) if name != LOCK_NAME))
        if not kept:
            remove_file(lock.path)
            os.rmdir(log_dir)
            removed += (LOCK_NAME,)
    if not kept:
        owner = log_dir.parent
        fsync_dir(owner.parent if _remove_if_empty(owner) else owner)
    return Removal(log_dir, removed, kept)


def _remove_if_empty(directory: Path) -> bool:
    """Remove ``directory`` if it is empty; whether it was removed."""
    try:
        os.rmdir(directory)
    except OSError as e:
        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
            raise
        return False
    return True

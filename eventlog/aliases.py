"""The alias index: a renamed repository keeps one log.

``{cache_dir}/aliases.json`` maps repositories (lower-cased ``owner/name``) to the repository
whose log they share; ``repo_dir`` follows an alias when no log exists under the alias name
itself::

    {"format": 1, "aliases": {"acme/old-web": "acme/web"}}

The file is replaced atomically (temp -> fsync -> rename, mode 0600, never through a symbolic
link) under an ``flock`` on the cache directory, so concurrent ``add_alias`` calls never lose
one another's entries.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from .errors import AliasError
from .files import make_dirs, open_read, replace_file

ALIASES_NAME = "aliases.json"
ALIASES_FORMAT = 1


def repo_key(repo: str) -> str:
    """``OWNER/NAME`` validated and lower-cased: how the index (and the disk) spell it."""
    from .layout import parse_repo  # layout imports this module

    owner, name = parse_repo(repo)
    return f"{owner}/{name}".lower()


def load_aliases(cache_dir: Path) -> dict[str, str]:
    """The alias index (empty when there is none); ``AliasError`` if it is damaged,
    ``UnsafePathError`` if it is a symbolic link."""
    path = Path(cache_dir) / ALIASES_NAME
    try:
        with open_read(path) as fh:
            raw = fh.read()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    try:
        doc = orjson.loads(raw)
        if doc.get("format") != ALIASES_FORMAT:
            raise ValueError(f"unknown format {doc.get('format')!r}")
        aliases = doc["aliases"]
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
            raise ValueError("an alias is not a string")
        return dict(aliases)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise AliasError(f"alias index {path} is damaged ({e})") from e


def add_alias(cache_dir: Path, alias_repo: str, target_repo: str) -> None:
    """Make ``alias_repo`` resolve to ``target_repo``'s log (both ``OWNER/NAME``, any case),
    replacing an earlier alias of the same name. Returns after the index is on disk (the cache
    directory is created if needed). Raises ``InvalidRepoNameError`` for a bad name and
    ``AliasError`` for an alias to itself or one closing a cycle."""
    alias, target = repo_key(alias_repo), repo_key(target_repo)
    if alias == target:
        raise AliasError(f"cannot make {alias_repo} an alias of itself")
    with _locked(Path(cache_dir)) as root:
        aliases = load_aliases(root)
        hop, seen = target, set()
        while hop != alias and hop in aliases and hop not in seen:
            seen.add(hop)
            hop = aliases[hop]
        if hop == alias:
            raise AliasError(f"making {alias_repo} an alias of {target_repo} would close a "
                             "cycle of aliases")
        aliases[alias] = target
        _write(root, aliases)


def remove_alias(cache_dir: Path, alias_repo: str) -> bool:
    """Forget the alias ``alias_repo``; whether there was one."""
    alias = repo_key(alias_repo)
    root = Path(cache_dir)
    if not os.path.lexists(root / ALIASES_NAME):
        return False
    with _locked(root):
        aliases = load_aliases(root)
        if aliases.pop(alias, None) is None:
            return False
        _write(root, aliases)
    return True


@contextmanager
def _locked(root: Path) -> Iterator[Path]:
    """Hold an exclusive ``flock`` on the cache directory (it may be a link the user chose)."""
    make_dirs(root, check=False)
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield root
    finally:
        os.close(fd)


def _write(root: Path, aliases: dict[str, str]) -> None:
    doc = {"format": ALIASES_FORMAT, "aliases": dict(sorted(aliases.items()))}
    replace_file(root / ALIASES_NAME, orjson.dumps(doc, option=orjson.OPT_INDENT_2))

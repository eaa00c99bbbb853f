"""Where logs live: ``{cache_dir}/{owner}/{name}/``, one directory per GitHub repository.

Repository names are validated before they touch the filesystem, so ``../x``, absolute paths,
and names GitHub would not accept never resolve to a directory. Like GitHub's, they are
case-insensitive: ``Acme/Web`` and ``acme/web`` are one log. ``repo_dir`` resolves a name, the
same way for every spelling:

1. an existing directory whose owner and name match case-insensitively and that holds a log
   (``manifest.json``): the lower-cased spelling first, else the first in sorted order, so logs
   created by earlier versions under ``Acme/Web`` keep working;
2. else, if the alias index maps the name to another repository (a renamed one, see
   ``aliases.py``), that repository's directory, resolved the same way;
3. else an existing directory matching case-insensitively (a log being created or discarded);
4. else the lower-cased path: new logs go to ``{cache_dir}/acme/web``.

Nothing is followed through a symbolic link: a matching link is returned as it is, and every
operation on it refuses it (``UnsafePathError``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import config
from .aliases import load_aliases, repo_key
from .errors import AliasError, InvalidRepoNameError
from .manifest import MANIFEST_NAME

DEFAULT_CACHE_DIR = config.CACHE_DIR_NAME
MAX_ALIAS_HOPS = 16
# GitHub logins: alphanumerics and single inner hyphens, at most 39 characters. Always matched
# with fullmatch: "$" alone would accept a trailing newline.
OWNER_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
# Repository names: alphanumerics, '.', '_', '-', at most 100 characters, not '.' or '..'.
NAME_RE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def parse_repo(text: str) -> tuple[str, str]:
    """Split ``OWNER/NAME`` into its parts, or raise ``InvalidRepoNameError`` saying why."""
    parts = text.strip().split("/")
    if len(parts) != 2:
        raise InvalidRepoNameError(f"invalid repository {text!r}: expected OWNER/NAME")
    owner, name = parts
    if not OWNER_RE.fullmatch(owner):
        raise InvalidRepoNameError(f"invalid repository {text!r}: bad owner {owner!r}")
    if not NAME_RE.fullmatch(name) or name in {".", ".."}:
        raise InvalidRepoNameError(f"invalid repository {text!r}: bad name {name!r}")
    return owner, name


def default_cache_dir() -> Path:
    """The cache directory from the environment: ``config.cache_dir()``."""
    return config.cache_dir()


def repo_dir(cache_dir: Path, repo: str) -> Path:
    """The log directory of ``repo`` (``OWNER/NAME``, any case) under ``cache_dir``, resolved
    as the module docstring says. Raises ``InvalidRepoNameError`` for a bad name and
    ``AliasError`` for a damaged alias index or an alias chain longer than 16."""
    root = Path(cache_dir)
    key = repo_key(repo)
    for _ in range(MAX_ALIAS_HOPS):
        found = _matching_dirs(root, key)
        logs = [path for path in found if os.path.lexists(path / MANIFEST_NAME)]
        if logs:
            return logs[0]
        target = load_aliases(root).get(key)
        if target is None:
            return found[0] if found else root.joinpath(*key.split("/"))
        key = target
    raise AliasError(f"the aliases of {repo} under {root} go on for more than "
                     f"{MAX_ALIAS_HOPS} hops")


def _matching_dirs(root: Path, key: str) -> list[Path]:
    """Directories (or links) ``root/O/N`` with ``O/N`` equal to ``key`` ignoring case,
    the lower-cased spelling first, then in sorted order."""
    owner, name = key.split("/")
    return [path for owner_dir in _entries(root, owner) for path in _entries(owner_dir, name)]


def _entries(directory: Path, lower_name: str) -> list[Path]:
    try:
        with os.scandir(directory) as it:
            names = [e.name for e in it if e.name.lower() == lower_name
                     and (e.is_dir(follow_symlinks=False) or e.is_symlink())]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [directory / n for n in sorted(names, key=lambda n: (n != lower_name, n))]


def list_repos(cache_dir: Path) -> list[str]:
    """Every ``OWNER/NAME`` under ``cache_dir`` holding a log, once each (spelled as on disk,
    as ``repo_dir`` resolves it), sorted. Symbolic links and names GitHub would not accept
    are skipped: this tool created neither."""
    root = Path(cache_dir)
    keys = {f"{owner}/{name}".lower() for owner, name in _log_dirs(root)}
    repos = set()
    for key in keys:
        path = repo_dir(root, key)
        repos.add(f"{path.parent.name}/{path.name}")
    return sorted(repos, key=lambda repo: (repo.lower(), repo))


def _log_dirs(root: Path) -> list[tuple[str, str]]:
    found = []
    for owner in _real_dirs(root):
        if not OWNER_RE.fullmatch(owner):
            continue
        for name in _real_dirs(root / owner):
            if NAME_RE.fullmatch(name) and name not in {".", ".."} \
                    and os.path.lexists(root / owner / name / MANIFEST_NAME):
                found.append((owner, name))
    return found


def _real_dirs(directory: Path) -> list[str]:
    try:
        with os.scandir(directory) as it:
            return [e.name for e in it if e.is_dir(follow_symlinks=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []

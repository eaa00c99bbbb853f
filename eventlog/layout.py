"""Where logs live: ``{cache_dir}/{owner}/{name}/``, one directory per GitHub repository.

Repository names are validated before they touch the filesystem, so ``../x``, absolute paths,
and names GitHub would not accept never resolve to a directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import InvalidRepoNameError
from .manifest import MANIFEST_NAME

DEFAULT_CACHE_DIR = ".seeding_cache"
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
    """``$SEEDING_CACHE_DIR`` if set, else ``.seeding_cache`` in the working directory."""
    return Path(os.environ.get("SEEDING_CACHE_DIR") or DEFAULT_CACHE_DIR)


def repo_dir(cache_dir: Path, repo: str) -> Path:
    """The log directory of ``repo`` (``OWNER/NAME``) under ``cache_dir``."""
    owner, name = parse_repo(repo)
    return Path(cache_dir) / owner / name


def list_repos(cache_dir: Path) -> list[str]:
    """Every ``OWNER/NAME`` under ``cache_dir`` that holds a log, sorted."""
    root = Path(cache_dir)
    if not root.is_dir():
        return []
    repos = []
    for manifest in root.glob(f"*/*/{MANIFEST_NAME}"):
        repo = f"{manifest.parent.parent.name}/{manifest.parent.name}"
        try:
            parse_repo(repo)
        except InvalidRepoNameError:
            continue  # not a directory this tool created
        repos.append(repo)
    return sorted(repos)

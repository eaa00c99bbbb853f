"""Configuration from the environment: the one place that reads it.

``eventlog`` reads two variables, the Django app reads its own with the same helpers, so every
bad value is refused the same way, on one line naming the variable, the value and what is
expected (``ConfigError``)::

    SEEDING_CACHE_DIR   root of the logs      default: .seeding_cache at the project root
    SEEDING_FSYNC       always | never        default: always

An unset or empty (blank) variable means its default. The project root is the directory holding
the ``eventlog`` package when it is a checkout (it has ``manage.py`` or ``pyproject.toml``), else
the working directory: ``eventlog`` and ``python manage.py`` find the same logs wherever they
are started from.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from enum import StrEnum
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .errors import ConfigError

DISTRIBUTION = "pr-seeding"
CACHE_DIR_VAR = "SEEDING_CACHE_DIR"
FSYNC_VAR = "SEEDING_FSYNC"
CACHE_DIR_NAME = ".seeding_cache"
PROJECT_MARKERS = ("manage.py", "pyproject.toml")
FLAG_VALUES = {"1": True, "true": True, "yes": True, "on": True,
               "0": False, "false": False, "no": False, "off": False}


class FsyncPolicy(StrEnum):
    """When appends are made durable: after every batch, or never (tests, bulk imports)."""

    ALWAYS = "always"
    NEVER = "never"


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    """The stripped value of ``name``; ``None`` when unset or blank."""
    value = (os.environ if environ is None else environ).get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def project_root() -> Path:
    """The checkout holding the ``eventlog`` package, else the current directory (absolute)."""
    root = Path(__file__).resolve().parent.parent
    if any((root / marker).is_file() for marker in PROJECT_MARKERS):
        return root
    return Path.cwd()


def installed_version() -> str:
    """The version of the installed ``pr-seeding`` distribution, or ``unknown (not
    installed)`` when it runs from a plain checkout."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$SEEDING_CACHE_DIR`` (``~`` expanded; relative to the working directory) if set, else
    ``.seeding_cache`` at the project root. Nothing is created or checked here."""
    value = (os.environ if environ is None else environ).get(CACHE_DIR_VAR)
    if value and value.strip():  # leading or trailing spaces belong to the path: kept
        return Path(value).expanduser()
    return project_root() / CACHE_DIR_NAME


def fsync_policy(environ: Mapping[str, str] | None = None) -> FsyncPolicy:
    """``$SEEDING_FSYNC`` (``always`` or ``never``, any case), default ``always``."""
    return FsyncPolicy(env_choice(FSYNC_VAR, [p.value for p in FsyncPolicy],
                                  FsyncPolicy.ALWAYS.value, environ=environ))


def env_number(name: str, default: float | None, *, minimum: float | None = None,
               maximum: float | None = None, integer: bool = False, unit: str | None = None,
               environ: Mapping[str, str] | None = None) -> float | int | None:
    """The number in ``$name`` (an ``int`` when ``integer``, else a ``float``), ``default`` when
    unset or blank. Raises ``ConfigError`` for text that is not a finite number (or not a whole
    one, with ``integer``) or lies outside ``minimum``..``maximum`` (inclusive). ``unit`` words
    what is expected: ``SEEDING_HTTP_TIMEOUT='abc' is not a number (expected seconds, e.g. 60)``.
    """
    raw = _raw(name, environ)
    if raw is None:
        return default
    expected = _expected(unit or ("a whole number" if integer else "a number"), minimum,
                         maximum, default)
    value = _parse_number(raw, integer)
    if value is None:
        kind = "a whole number" if integer else "a number"
        raise ConfigError(name, raw, f"is not {kind}", expected)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ConfigError(name, raw, "is out of range", expected)
    return value


def _parse_number(raw: str, integer: bool) -> float | int | None:
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        return None
    return value if integer or math.isfinite(value) else None


def _expected(what: str, minimum: float | None, maximum: float | None,
              default: float | None) -> str:
    if minimum is not None and maximum is not None:
        what += f" from {_num(minimum)} to {_num(maximum)}"
    elif minimum is not None:
        what += f" >= {_num(minimum)}"
    elif maximum is not None:
        what += f" <= {_num(maximum)}"
    return what + (f", e.g. {_num(default)}" if default is not None else "")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def env_choice(name: str, choices: Sequence[str], default: str | None, *,
               environ: Mapping[str, str] | None = None) -> str | None:
    """The choice in ``$name``, matched case-insensitively and returned as spelled in
    ``choices``; ``default`` when unset or blank; ``ConfigError`` for anything else."""
    raw = _raw(name, environ)
    if raw is None:
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    listed = ", ".join(choices[:-1]) + f" or {choices[-1]}" if len(choices) > 1 else choices[0]
    raise ConfigError(name, raw, "is not a valid choice", listed)


def env_flag(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """``$name`` as a boolean: 1/0, true/false, yes/no, on/off (any case); ``default`` when
    unset or blank; ``ConfigError`` for anything else."""
    raw = _raw(name, environ)
    if raw is None:
        return default
    try:
        return FLAG_VALUES[raw.lower()]
    except KeyError:
        raise ConfigError(name, raw, "is not a flag",
                          "1/0, true/false, yes/no or on/off") from None

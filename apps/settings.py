"""Django settings for the PR seeding project.

Configuration comes from the environment:

- ``DATABASE_URL``: any URL dj-database-url understands (``postgres://...``); default is the SQLite
  file ``db.sqlite3`` at the project root. A SQLite database file is created (and kept) readable
  by its owner only, 0600, whatever the umask: it holds private-repository data when the token
  can read private repositories (``PrivateSQLiteConnection``; SQLite gives its ``-wal`` and
  ``-shm`` files the database file's mode).
- ``SEEDING_CACHE_DIR``: root of the per-repository event logs (default ``.seeding_cache`` at the
  project root), read by ``eventlog.config.cache_dir``, as the ``eventlog`` CLI reads it.
- ``DJANGO_DEBUG``: ``1`` for Django's debug mode (local development only); off otherwise.
- ``DJANGO_SECRET_KEY``: the secret key. Unset, a key is generated once per installation into
  ``DJANGO_SECRET_KEY_FILE`` (default ``.django-secret-key`` at the project root, git-ignored,
  mode 0600) and read from there afterwards: no key is shipped in the repository.
- ``DJANGO_ALLOWED_HOSTS``: host names the admin is served as (default ``localhost,127.0.0.1``).
  Setting it with DEBUG off means the admin is deployed: HTTPS is then assumed (secure cookies,
  redirect to HTTPS, HSTS with subdomains and preload), so ``manage.py check --deploy`` reports
  nothing to fix. Each can be set on its own:

  | variable | default when deployed | meaning |
  |---|---|---|
  | ``DJANGO_HTTPS`` | 1 | served over HTTPS: secure session and CSRF cookies |
  | ``DJANGO_SECURE_SSL_REDIRECT`` | ``DJANGO_HTTPS`` | redirect plain HTTP to HTTPS |
  | ``DJANGO_HSTS_SECONDS`` | 31536000 if HTTPS | ``Strict-Transport-Security`` max-age (0: none) |
  | ``DJANGO_HSTS_INCLUDE_SUBDOMAINS``, ``DJANGO_HSTS_PRELOAD`` | 1 if HSTS | HSTS directives |
  | ``DJANGO_BEHIND_PROXY`` | 0 | trust ``X-Forwarded-Proto: https`` from a TLS-terminating proxy |
  | ``DJANGO_CSRF_TRUSTED_ORIGINS`` | none | origins, comma-separated (``https://HOST``) |

  Not deployed (the default: localhost, or DEBUG on), all of these default to off, so
  ``runserver`` works over plain HTTP on this machine.

A malformed flag or number, or an unusable key file, is one line on stderr naming the variable
(or the file) and exit 2, as for the commands' own configuration errors: settings are read
before any command could report it.
"""

import os
import secrets
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

import dj_database_url

from eventlog.config import ConfigError, cache_dir, env_flag, env_number

BASE_DIR = Path(__file__).resolve().parent.parent
PRIVATE_FILE_MODE = 0o600


def _configuration_error(message: str) -> NoReturn:
    sys.stderr.write(f"configuration error: {message}\n")
    raise SystemExit(2)


def _flag(name: str, default: bool) -> bool:
    try:
        return env_flag(name, default)
    except ConfigError as e:
        _configuration_error(str(e))


def _seconds(name: str, default: int) -> int:
    try:
        return int(env_number(name, default, minimum=0, integer=True))
    except ConfigError as e:
        _configuration_error(str(e))


def _secret_key() -> str:
    """``DJANGO_SECRET_KEY``, else this installation's generated key (see the docstring)."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    path = Path(os.environ.get("DJANGO_SECRET_KEY_FILE") or BASE_DIR / ".django-secret-key")
    try:
        return _read_key(path) or _create_key(path)
    except OSError as e:
        _configuration_error(f"cannot read or create the secret key file {path} "
                             f"({e.strerror or e}); set DJANGO_SECRET_KEY or "
                             "DJANGO_SECRET_KEY_FILE")


def _read_key(path: Path) -> str | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with os.fdopen(fd) as fh:
        key = fh.read().strip()
    if len(key) < 50:
        _configuration_error(f"the secret key in {path} is shorter than 50 characters; delete "
                             "the file to generate a new one")
    return key


def _create_key(path: Path) -> str:
    """Write a new key to a private temporary file, then link it into place: concurrent first
    runs agree on one key, and nobody reads a half-written file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 PRIVATE_FILE_MODE)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        os.write(fd, (secrets.token_urlsafe(64) + "\n").encode())
        os.fsync(fd)
        os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process won the race: use its key
    finally:
        os.unlink(tmp)
    return _read_key(path)


class PrivateSQLiteConnection(sqlite3.Connection):
    """A SQLite connection whose database file is created 0600 (umask-independent) before
    SQLite opens it, and set to 0600 if it exists with a wider mode."""

    def __init__(self, database, *args, **kwargs) -> None:
        name = os.fspath(database)
        if name and name != ":memory:" and not name.startswith("file:"):
            _private_file(name)
        super().__init__(database, *args, **kwargs)


def _private_file(name: str) -> None:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                     PRIVATE_FILE_MODE)
    except OSError:
        return  # a link, a missing directory, no permission: SQLite reports it when opening
    try:
        if os.fstat(fd).st_mode & 0o777 != PRIVATE_FILE_MODE:
            os.fchmod(fd, PRIVATE_FILE_MODE)
    except OSError:
        pass  # not ours to change
    finally:
        os.close(fd)


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = _secret_key()
DEBUG = _flag("DJANGO_DEBUG", False)
ALLOWED_HOSTS = _list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
DEPLOYED = not DEBUG and bool(os.environ.get("DJANGO_ALLOWED_HOSTS", "").strip())
HTTPS = _flag("DJANGO_HTTPS", DEPLOYED)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = _seconds("DJANGO_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = _flag("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if _flag("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = _list("DJANGO_CSRF_TRUSTED_ORIGINS")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "apps.teams",
    "apps.metrics",
    "apps.seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "apps.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "apps.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the admin read while a seeding run writes; a busy timeout instead of
    # "database is locked" when two processes touch the file at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "factory": PrivateSQLiteConnection,
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A file (not :memory:) so that tests can run the seeding command as a real process
    # against the test database; per process, so that two test runs never share one.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {
        "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

# The one configuration source shared with the ``eventlog`` CLI (``eventlog.config``).
SEEDING_CACHE_DIR = cache_dir()

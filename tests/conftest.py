"""Shared fixtures: isolated cache directory, a team, and environment for real processes."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
               "django_db_serialized_rollback"}


def pytest_configure(config) -> None:
    """A suite started in the background by a script inherits SIGINT ignored, as would every
    process it starts (and seed_real_projects keeps an ignored SIGINT ignored): give the tests'
    children Ctrl-C back, so the tests that send it test it."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_collection_modifyitems(items) -> None:
    """Mark every test that touches the database ``db``: the PostgreSQL pass runs only those
    (``make test-postgres``); the others do not depend on the database."""
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())) or \
                item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.db)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> None:
    """Test users' passwords need no protection: hash them with MD5 instead of 1,000,000 rounds
    of PBKDF2 (a third of a second per admin test), as Django's testing docs advise."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cache_dir(tmp_path, settings) -> Path:
    """A fresh log root, also installed as ``settings.SEEDING_CACHE_DIR``."""
    path = tmp_path / "cache"
    path.mkdir()
    settings.SEEDING_CACHE_DIR = path
    return path


@pytest.fixture
def team(db):
    from apps.teams.models import Team

    return Team.objects.create(name="Acme", slug="acme")


@pytest.fixture
def quiet_env(monkeypatch):
    """Fast, deterministic knobs for code under test in this process."""
    monkeypatch.setenv("SEEDING_FSYNC", "never")
    monkeypatch.setenv("SEEDING_BACKOFF_BASE", "0.01")
    monkeypatch.setenv("SEEDING_SECONDARY_MIN_WAIT", "0.2")
    for name in ("GITHUB_TOKEN", "GITHUB_SEEDING_TOKENS", "GITHUB_GRAPHQL_URL"):
        monkeypatch.delenv(name, raising=False)


def database_url_for_subprocess() -> str:
    """A URL for the test database that a child process can open."""
    from django.db import connection

    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def process_env(transactional_db, cache_dir) -> dict[str, str]:
    """Environment for running ``manage.py`` as a real process against the test database."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GITHUB_TOKEN", "GITHUB_SEEDING_TOKENS", "GITHUB_GRAPHQL_URL")}
    env.update(DATABASE_URL=database_url_for_subprocess(), SEEDING_CACHE_DIR=str(cache_dir),
               SEEDING_FSYNC="never", SEEDING_BACKOFF_BASE="0.01",
               SEEDING_SECONDARY_MIN_WAIT="0.2", PYTHONUNBUFFERED="1",
               DJANGO_SETTINGS_MODULE="apps.settings")
    return env


def manage_cmd(*args: str) -> list[str]:
    return [sys.executable, str(REPO_ROOT / "manage.py"), *args]

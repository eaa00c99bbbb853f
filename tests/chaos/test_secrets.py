"""Scenario 8 is checked after every chaos test (``conftest.no_secret_anywhere``); this proves
that check is not vacuous: a token planted in a cache file, a database row or an output is
found."""

from __future__ import annotations

import pytest

from apps.teams.models import Team

from .support import TOKEN, secret_leaks

pytestmark = [pytest.mark.chaos, pytest.mark.django_db(transaction=True)]


def test_the_secret_scan_finds_a_token_in_a_file_a_row_or_an_output(runner, cache_dir):
    planted = cache_dir / "acme" / "web" / "notes.txt"
    planted.parent.mkdir(parents=True)
    planted.write_text(f"token={TOKEN}\n")
    Team.objects.create(name=f"leaky {TOKEN}", slug="leaky")
    leaks = secret_leaks({TOKEN}, cache_dir, ["clean output", f"Authorization: {TOKEN}"])
    assert leaks == [f"file {planted}", "a database row", "output #1"]
    planted.unlink()
    Team.objects.all().delete()

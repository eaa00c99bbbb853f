"""Fixtures of the chaos suite. Every test runs the real commands as processes against the test
database (``process_env``) and the fake GitHub, and afterwards proves that the token never
reached a file under the cache directory, a database row, or any output (scenario 8)."""

from __future__ import annotations

import pytest

from .support import Runner, secret_leaks
from .support_disk import pristine_logs


@pytest.fixture
def runner(process_env, tmp_path) -> Runner:
    """Runs commands as real processes; remembers every output and every secret in play."""
    workdir = tmp_path / "outputs"
    workdir.mkdir()
    return Runner(dict(process_env), workdir)


@pytest.fixture(autouse=True)
def no_secret_anywhere(runner, cache_dir):
    """Scenario 8, after every scenario: no token in the cache, the database or any output."""
    yield
    leaks = secret_leaks(runner.secrets, cache_dir, runner.outputs)
    assert not leaks, f"a token leaked into: {', '.join(leaks)}"


@pytest.fixture(scope="module")
def pristine(dataset, tmp_path_factory) -> dict:
    """For the disk-damage modules: a complete log of the module's ``dataset`` in one segment,
    and the same batches spread over five segments."""
    return pristine_logs(dataset, tmp_path_factory.mktemp("pristine"))

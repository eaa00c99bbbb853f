"""Fixtures of the fake GitHub server's own tests: the shared dataset and a server over a copy
of it (modules serving other data define their own ``dataset`` or ``gh``)."""

from __future__ import annotations

import pytest

from .support import new_dataset, serve_copy


@pytest.fixture(scope="module")
def dataset() -> dict:
    return new_dataset()


@pytest.fixture
def gh(dataset):
    with serve_copy(dataset) as server:
        yield server

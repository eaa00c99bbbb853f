"""Fixtures of the fidelity suite: a fake GitHub the command talks to, and a Fetcher on it."""

from __future__ import annotations

import copy
import time

import pytest

from apps.seeding.fetch.fetcher import Fetcher
from apps.seeding.fetch.github.client import GraphQLClient
from apps.seeding.fetch.github.retry import RetryPolicy
from apps.seeding.fetch.github.tokens import TokenPool
from apps.seeding.fetch.state import FetchState
from eventlog import open_writer
from tests.fakegithub import FakeGitHub

from .support import TOKEN


@pytest.fixture
def serve(monkeypatch, quiet_env, cache_dir):
    """``serve(dataset, **options)``: a fake GitHub over a copy of ``dataset``, with the
    command pointed at it (``GITHUB_GRAPHQL_URL``, ``GITHUB_TOKEN``). ``endpoint="enterprise"``
    serves it under GitHub Enterprise's ``/api/graphql``."""
    servers = []

    def start(dataset, *, token=TOKEN, endpoint="url", **options):
        options.setdefault("secondary_points_per_minute", None)
        gh = FakeGitHub(copy.deepcopy(dataset), **options).start()
        servers.append(gh)
        monkeypatch.setenv("GITHUB_GRAPHQL_URL", gh.enterprise_url if endpoint == "enterprise"
                           else gh.url)
        monkeypatch.setenv("GITHUB_TOKEN", token)
        return gh

    yield start
    for gh in servers:
        gh.stop()


def client_for(gh, token=TOKEN) -> GraphQLClient:
    return GraphQLClient(gh.url, TokenPool([token]), policy=RetryPolicy(backoff_base=0.01),
                         sleep=lambda seconds, reason: time.sleep(min(seconds, 1)))


@pytest.fixture
def fetch(tmp_path):
    """``fetch(gh, repo, request, **fetcher_options)``: one ``Fetcher.run`` into the log at
    ``tmp_path/<repo>``, resuming its state; returns ``(state, fetcher)``."""

    def run(gh, repo, request, *, client=None, **options):
        with open_writer(tmp_path / repo, fsync="never") as writer:
            state = FetchState.from_meta(writer.last_commit.meta if writer.last_commit else {})
            fetcher = Fetcher(writer, client or client_for(gh), repo, **options)
            return fetcher.run(state, request), fetcher

    return run

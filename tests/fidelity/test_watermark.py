"""The ``--update`` watermark margin (issue 10, item 8): a PR updated while GitHub serves page 1
moves above the cursor, so the pass never sees it, and its ``updatedAt`` is a little before the
response's ``Date``. The watermark starts ``SYNC_MARGIN`` before the first response, so the
next ``--update`` fetches it."""

from datetime import UTC, datetime, timedelta

import pytest

from apps.metrics.models import PullRequest
from apps.seeding.fetch import fetcher as fetcher_module
from apps.seeding.fetch.state import FetchRequest, parse_ts
from tests.fakegithub import generate_dataset, touch_pr

from .support import NOW, pr_events, seed_ok, state_of

REPO = "acme/web"
DATA = generate_dataset({REPO: 40}, seed=61, now=NOW - timedelta(hours=1), days=30, nulls=False)
OLDEST = min(DATA["repos"][REPO]["pullRequests"], key=lambda p: p["updatedAt"])["number"]


def update_during_page_1(gh, seconds_before=30):
    """While page 1 is served, PR ``OLDEST`` (on the last page) is updated ``seconds_before``
    the response's Date: it jumps to the top, above the cursor."""
    moment = datetime.now(UTC) - timedelta(seconds=seconds_before)
    gh.during_request(1, lambda d: touch_pr(d, REPO, OLDEST, moment, title="Changed meanwhile"))
    return moment


def test_a_pr_updated_while_page_1_is_served_is_fetched_by_the_next_update(serve, fetch,
                                                                            tmp_path):
    gh = serve(DATA)
    moment = update_during_page_1(gh)
    state, _ = fetch(gh, REPO, FetchRequest(page_size=10))
    assert state.complete and not pr_events(tmp_path / REPO, OLDEST)  # above the cursor
    assert parse_ts(state.synced_at) < moment.replace(microsecond=0)  # the watermark is below it
    fetch(gh, REPO, FetchRequest(page_size=10, update=True))
    [event] = pr_events(tmp_path / REPO, OLDEST)
    assert event["title"] == "Changed meanwhile"


def test_without_the_margin_the_next_update_would_miss_it(serve, fetch, tmp_path, monkeypatch):
    monkeypatch.setattr(fetcher_module, "SYNC_MARGIN", timedelta(0))
    gh = serve(DATA)
    update_during_page_1(gh)
    fetch(gh, REPO, FetchRequest(page_size=10))
    fetch(gh, REPO, FetchRequest(page_size=10, update=True))
    assert not pr_events(tmp_path / REPO, OLDEST)  # lost: why the margin exists


@pytest.mark.django_db(transaction=True)
def test_the_command_projects_it_after_the_next_update(serve, cache_dir):
    gh = serve(DATA)
    update_during_page_1(gh)
    seed_ok("--repo", REPO, "--days-back", "60", "--page-size", "10")
    assert not PullRequest.objects.filter(github_pr_id=OLDEST).exists()
    assert timedelta(minutes=3) <= fetcher_module.SYNC_MARGIN
    assert state_of(cache_dir / REPO).synced_at is not None
    seed_ok("--repo", REPO, "--days-back", "60", "--page-size", "10", "--update")
    assert PullRequest.objects.get(github_pr_id=OLDEST).title == "Changed meanwhile"
    assert PullRequest.objects.count() == 40

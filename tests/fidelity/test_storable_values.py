"""Values a database cannot hold (issue 10, item 7): NUL is stored as U+FFFD on PostgreSQL
(lone surrogates on both databases) while the log keeps the exact original; an integer beyond
its column quarantines that PR only, listed with the database's reason, exit code 1, tried
again by the next run; nothing is clamped."""

import copy
import re

import pytest
from django.db import connection

from apps.metrics.models import Commit, PRFile, PRReview, PullRequest
from apps.seeding.models import QuarantinedPR
from tests.fakegithub import generate_dataset, make_hostile, touch_pr
from tests.fakegithub.hostile import BIG_REVIEW_ID

from .support import NOW, cache_info, pr_events, seed, seed_ok

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "acme/web"
ARGS = ["--repo", REPO, "--days-back", "120"]
TEXT_ONLY = {"review_ids": False}
ID_ONLY = {name: False for name in ("title", "body", "labels", "paths", "messages", "logins",
                                    "branches", "reviews")}
BASE = generate_dataset({REPO: 25, "acme/api": 10}, seed=51, now=NOW, days=100, nulls=False,
                        ci="both")
NUMBERS = sorted(p["number"] for p in BASE["repos"][REPO]["pullRequests"])
HOSTILE, BIG = [p["number"] for p in BASE["repos"][REPO]["pullRequests"]
                if p["reviews"] and p["files"] and p["labels"]][:2]


def dataset(**planted):
    data = copy.deepcopy(BASE)
    for number, which in planted.items():
        make_hostile(data, REPO, int(number.lstrip("n")), **which)
    return data


def stored(text: str) -> str:
    """What the database under test holds for ``text``."""
    unstorable = "[\x00\ud800-\udfff]" if connection.vendor == "postgresql" else "[\ud800-\udfff]"
    return re.sub(unstorable, "\ufffd", text)


def served(gh, number):
    return next(p for p in gh.dataset["repos"][REPO]["pullRequests"] if p["number"] == number)


def test_hostile_text_is_stored_as_the_database_can_hold_it_and_logged_exactly(serve,
                                                                               cache_dir):
    gh = serve(dataset(**{f"n{HOSTILE}": TEXT_ONLY}))
    seed_ok(*ARGS)
    pr, row = served(gh, HOSTILE), PullRequest.objects.get(github_pr_id=HOSTILE)
    assert "\x00" in pr["title"] and "\ud800" in pr["title"]
    assert row.title == stored(pr["title"]) and row.body == stored(pr["body"])
    assert row.labels == [stored(label["name"]) for label in pr["labels"]]
    assert row.head_ref == stored(pr["headRefName"])
    paths = {f.filename for f in PRFile.objects.filter(pull_request=row)}
    assert paths == {stored(f["path"]) for f in pr["files"]}
    messages = {c.message for c in Commit.objects.filter(pull_request=row)}
    assert messages == {stored(c["commit"]["message"]) for c in pr["commits"]}
    assert row.author.github_login == stored(pr["author"]["login"])
    if connection.vendor == "postgresql":
        assert "\x00" not in row.title and "\ufffd" in row.title
    [event] = pr_events(cache_dir / REPO, HOSTILE)
    assert event["title"] == pr["title"] and event["body"] == pr["body"]  # byte for byte
    assert {f["path"] for f in event["files"]} == {f["path"] for f in pr["files"]}
    assert PullRequest.objects.count() == 25


def test_an_id_beyond_64_bits_quarantines_that_pr_only_with_the_reason(serve):
    gh = serve(dataset(**{f"n{BIG}": ID_ONLY}))
    run = seed(*ARGS)
    assert run.code == 1
    assert f"{REPO}#{BIG}: quarantined: ValueOutOfRange: " in run.output
    assert str(BIG_REVIEW_ID) in run.output and "github_review_id" in run.output
    assert f"{REPO} (quarantined PRs)" in run.output
    assert set(PullRequest.objects.values_list("github_pr_id", flat=True)) == \
        set(NUMBERS) - {BIG}
    assert not PRReview.objects.filter(github_review_id__gte=2**63 - 1).exists()  # no clamp
    [entry] = QuarantinedPR.objects.all()
    assert (entry.github_repo, entry.number) == (REPO, BIG)
    assert served(gh, BIG)["reviews"][0]["fullDatabaseId"] == str(BIG_REVIEW_ID)


def test_cache_info_lists_the_quarantined_pr_and_the_next_run_tries_it_again(serve):
    gh = serve(dataset(**{f"n{BIG}": ID_ONLY}))
    seed(*ARGS)
    [info] = cache_info(*ARGS)
    [item] = info["quarantined_prs"]
    assert item["number"] == BIG and "ValueOutOfRange" in item["reason"]
    assert f"quarantined: #{BIG}: ValueOutOfRange" in seed_ok(*ARGS, "--cache-info")
    gh.reset_stats()
    again = seed(*ARGS)
    assert again.code == 1 and f"{REPO}#{BIG}: quarantined" in again.output
    assert QuarantinedPR.objects.get().attempts == 2 and gh.stats.total == 0


def test_a_quarantined_update_keeps_the_stored_version_until_github_fixes_it(serve):
    gh = serve(dataset())
    seed_ok(*ARGS)
    before = PullRequest.objects.get(github_pr_id=BIG).title
    gh.mutate(lambda d: (make_hostile(d, REPO, BIG, **ID_ONLY),
                         touch_pr(d, REPO, BIG, NOW, title="Changed")))
    run = seed(*ARGS, "--update")
    assert run.code == 1 and f"{REPO}#{BIG}: quarantined" in run.output
    assert PullRequest.objects.get(github_pr_id=BIG).title == before
    gh.mutate(lambda d: (served(gh, BIG)["reviews"][0].update(fullDatabaseId="77"),
                         touch_pr(d, REPO, BIG, NOW, title="Fixed")))
    seed_ok(*ARGS, "--update")
    assert PullRequest.objects.get(github_pr_id=BIG).title == "Fixed"
    assert not QuarantinedPR.objects.exists()


def test_text_longer_than_its_column_quarantines_its_pr_and_later_repos_still_seed(serve):
    """A new PR state longer than ``PullRequest.state`` (10): PostgreSQL's COPY refuses it
    (before the fix: an uncaught driver error ended the whole run), SQLite would store it;
    both now quarantine that PR alone and go on."""
    data = dataset()
    served_pr = data["repos"][REPO]["pullRequests"][0]
    served_pr["state"] = "MERGE_QUEUED_LONG"
    serve(data, extra_enum_values={"PullRequestState": ["MERGE_QUEUED_LONG"]})
    run = seed("--repo", REPO, "--repo", "acme/api", "--days-back", "120", "--jobs", "1")
    assert run.code == 1, run.output
    number = served_pr["number"]
    assert f"{REPO}#{number}: quarantined: ValueOutOfRange: metrics_pullrequest.state " \
        "cannot hold 17 characters (at most 10)" in run.output
    assert "unexpected error" not in run.output
    assert PullRequest.objects.filter(github_repo=REPO).count() == 24
    assert PullRequest.objects.filter(github_repo="acme/api").count() == 10


def test_a_driver_error_during_copy_is_djangos_data_error(team):
    """The COPY path of PostgreSQL raises what every other statement raises (so quarantine
    catches it), here for a timestamp the database refuses."""
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's bulk path")
    from django.db import DataError, transaction

    from apps.seeding.projection.upsert import BulkUpsert
    insert = BulkUpsert(PullRequest, ["team_id", "github_repo", "github_pr_id", "title",
                                      "state", "pr_created_at", "pr_updated_at"], None)
    with pytest.raises(DataError), transaction.atomic():
        insert.execute([(team.pk, REPO, 1, "t", "open", "not a time", "2026-01-01T00:00:00Z")])

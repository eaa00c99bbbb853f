"""The projector: idempotent, order-safe, latest-event-wins replay into the database."""

from datetime import UTC, datetime

import pytest

from apps.metrics.categories import categorize_file
from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.seeding.models import AppliedOffset
from apps.seeding.projection.projector import Projector, Window
from eventlog import EventLog
from tests.dbdump import dump

from .factories import actor, changed, pr_event, write_log

pytestmark = pytest.mark.django_db
REPO = "acme/web"


@pytest.fixture
def log_dir(tmp_path):
    return tmp_path / "acme" / "web"


def project(team, log_dir, **kw):
    return Projector(team, REPO, EventLog(log_dir), **kw).project()


def test_projects_prs_with_every_child_and_member(team, log_dir):
    events = [pr_event(1), pr_event(2, state="merged"), pr_event(3, runs=0, statuses=2)]
    write_log(log_dir, [events[:2], events[2:]])
    report = project(team, log_dir)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert PullRequest.objects.count() == 3
    assert (PRReview.objects.count(), Commit.objects.count(), PRFile.objects.count(),
            PRCheckRun.objects.count()) == (6, 9, 12, 12)  # 5 + 5 runs, 2 statuses
    assert set(PRCheckRun.objects.filter(pull_request__github_pr_id=3)
               .values_list("kind", flat=True)) == {"status"}
    merged, event = PullRequest.objects.get(github_pr_id=2), events[1]
    assert merged.state == "merged" and merged.cycle_time_hours == 745.0
    reviewed = min(r["submitted_at"] for r in event["reviews"] if r["submitted_at"] and
                   r["state"] != "pending" and r["author"]["login"] != event["author"]["login"])
    assert merged.first_review_at == datetime.fromisoformat(reviewed)
    assert merged.review_time_hours == round(
        (merged.first_review_at - merged.pr_created_at).total_seconds() / 3600, 2)
    assert merged.author.github_login == event["author"]["login"]
    assert merged.author.display_name == event["author"]["name"]
    assert merged.body == "line 1\r\nline 2" and merged.title == "PR 2 🚀"
    logins = {a["login"] for e in events for a in [e["author"], *(r["author"] for r in
              e["reviews"]), *(c["author"] for c in e["commits"])] if a}
    assert set(TeamMember.objects.values_list("github_login", flat=True)) == logins
    assert AppliedOffset.objects.get(team=team, github_repo=REPO).applied_offset == 4


def test_replaying_twice_or_from_zero_changes_no_row(team, log_dir):
    write_log(log_dir, [[pr_event(n) for n in range(1, 30)], [pr_event(5, state="closed")]])
    project(team, log_dir)
    before = dump()
    again = project(team, log_dir)
    assert again.records == 0
    report = Projector(team, REPO, EventLog(log_dir)).project(from_offset=0)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 29)
    for offset in (3, 17, 29, 31):
        Projector(team, REPO, EventLog(log_dir)).project(from_offset=offset)
    assert dump() == before


def test_an_older_event_never_overwrites_a_newer_one(team, log_dir):
    old = pr_event(7, title="old")
    write_log(log_dir, [[old], [changed(old, title="new", updated="2026-11-02T00:00:00Z")]])
    project(team, log_dir)
    Projector(team, REPO, EventLog(log_dir)).project(from_offset=0)
    assert PullRequest.objects.get(github_pr_id=7).title == "new"


def test_the_latest_event_is_the_truth_for_fields_and_children(team, log_dir):
    first = pr_event(9, reviews=3, files=3)
    later = changed(first, state="merged", merged_at="2026-11-03T00:00:00Z",
                    closed_at="2026-11-03T00:00:00Z", updated="2026-11-03T00:00:00Z",
                    reviews=first["reviews"][1:], files=first["files"][:1] + [
                        {"path": "docs/new.md", "status": "added", "additions": 3,
                         "deletions": 0}])
    write_log(log_dir, [[first]])
    project(team, log_dir)
    write_log(log_dir, [[later]])
    report = project(team, log_dir)
    assert (report.created, report.updated) == (0, 1)
    pr = PullRequest.objects.get(github_pr_id=9)
    assert pr.state == "merged" and pr.merged_at is not None
    kept = first["files"][0]["path"]
    assert set(pr.reviews.values_list("github_review_id", flat=True)) == {
        r["id"] for r in first["reviews"][1:]}
    assert set(pr.files.values_list("filename", "file_category")) == {
        (kept, categorize_file(kept)), ("docs/new.md", "docs")}


def test_refetching_an_identical_pr_counts_as_unchanged(team, log_dir):
    write_log(log_dir, [[pr_event(4)], [pr_event(4)]])
    report = project(team, log_dir)
    assert (report.created, report.unchanged) == (1, 0)  # same batch: latest wins, once
    write_log(log_dir, [[pr_event(4)]])
    assert project(team, log_dir).unchanged == 1


def test_deleted_authors_bots_and_unlinked_commit_authors(team, log_dir):
    ghost = pr_event(1, author=None)
    ghost["commits"][0]["author"] = None
    bot = pr_event(2, author=actor("dependabot[bot]", kind="Bot"))
    write_log(log_dir, [[ghost, bot]])
    project(team, log_dir)
    assert PullRequest.objects.get(github_pr_id=1).author is None
    commit = Commit.objects.get(github_sha=ghost["commits"][0]["sha"])
    assert commit.author is None
    assert commit.author_email == ghost["commits"][0]["author_email"] != ""
    assert TeamMember.objects.get(github_login="dependabot[bot]").is_bot


def test_member_details_are_filled_in_never_blanked(team, log_dir):
    write_log(log_dir, [[pr_event(1, author=actor("octo", id=5, name="Octo Cat"))]])
    project(team, log_dir)
    write_log(log_dir, [[pr_event(2, author=actor("octo", id=5, name=None))]])
    project(team, log_dir)
    assert TeamMember.objects.get(github_login="octo").display_name == "Octo Cat"


def test_a_commit_and_a_check_run_listed_by_two_prs_are_rows_of_each(team, log_dir):
    a, b = pr_event(1), pr_event(2)
    b["commits"].append(dict(a["commits"][0]))
    b["check_runs"].append(dict(a["check_runs"][0]))
    write_log(log_dir, [[a], [b]])  # different batches: the later PR must not steal them
    project(team, log_dir, batch_events=1)
    sha, run = a["commits"][0]["sha"], a["check_runs"][0]["id"]
    assert set(Commit.objects.filter(github_sha=sha)
               .values_list("pull_request__github_pr_id", flat=True)) == {1, 2}
    assert set(PRCheckRun.objects.filter(github_check_run_id=run)
               .values_list("pull_request__github_pr_id", flat=True)) == {1, 2}
    assert PullRequest.objects.get(github_pr_id=1).commits.count() == 3
    assert PullRequest.objects.get(github_pr_id=2).commits.count() == 4


def test_check_runs_not_fetched_leave_existing_runs_alone(team, log_dir):
    first = pr_event(3)
    write_log(log_dir, [[first], [changed(first, check_runs=None, title="x")]])
    project(team, log_dir)
    assert PRCheckRun.objects.filter(pull_request__github_pr_id=3).count() == 5


def test_window_filters_what_is_projected_and_a_wider_window_replays(team, log_dir):
    old = pr_event(1, updated="2026-01-05T00:00:00Z", created="2026-01-01T00:00:00Z")
    new = pr_event(2, updated="2026-11-05T00:00:00Z", created="2026-11-01T00:00:00Z")
    write_log(log_dir, [[old, new]])
    narrow = Window(since=datetime(2026, 6, 1, tzinfo=UTC))
    report = project(team, log_dir, window=narrow)
    assert report.outside_window == 1 and PullRequest.objects.count() == 1
    end_dated = Window(since=None, until=datetime(2026, 6, 1, tzinfo=UTC))
    report = project(team, log_dir, window=end_dated)
    assert report.replayed_from == 0 and report.created == 1 and report.removed == 1
    # one rule on every path: the database holds exactly what the window admits
    assert set(PullRequest.objects.values_list("github_pr_id", flat=True)) == {1}
    assert (report.in_window, report.created, report.updated, report.unchanged) == (1, 1, 0, 0)
    report = project(team, log_dir, window=Window())
    assert set(PullRequest.objects.values_list("github_pr_id", flat=True)) == {1, 2}
    assert report.in_window == report.created + report.updated + report.unchanged == 2


def test_a_log_replaced_by_a_fresh_fetch_is_reprojected(team, log_dir, tmp_path):
    write_log(log_dir, [[pr_event(n) for n in range(1, 20)]])
    project(team, log_dir)
    other = tmp_path / "fresh" / "web"
    write_log(other, [[changed(pr_event(3), title="refetched")]])
    report = Projector(team, REPO, EventLog(other)).project()
    assert report.updated == 1
    assert PullRequest.objects.get(github_pr_id=3).title == "refetched"


def test_batches_larger_than_the_batch_size_are_split_and_resume(team, log_dir):
    write_log(log_dir, [[pr_event(n) for n in range(1, 51)]])
    report = project(team, log_dir, batch_events=7)
    assert report.created == 50 and PullRequest.objects.count() == 50

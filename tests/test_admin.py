"""The admin: every seeded model browsable and read-only, list pages at a constant number of
queries, capped PR inlines, GitHub links, the merged-PRs chart and the "Ingestion status" page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.metrics.charts import merged_per_week
from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.seeding.fetch.state import FetchState
from apps.seeding.models import AppliedOffset, QuarantinedPR
from apps.seeding.projection.projector import Projector
from apps.teams.models import Team
from eventlog import Event, EventLog, open_writer
from tests.seeding.factories import pr_event, write_log

pytestmark = pytest.mark.django_db
SEEDED = [TeamMember, PullRequest, PRReview, Commit, PRFile, PRCheckRun, AppliedOffset,
          QuarantinedPR]
HOSTILE = "<script>alert(1)</script>\x1b[2J"
T0 = datetime(2026, 10, 1, tzinfo=UTC)


def url_of(model, view="changelist", *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def seeded(team, tmp_path):
    write_log(tmp_path / "log", [[pr_event(1), pr_event(2, state="merged")]])
    Projector(team, "acme/web", EventLog(tmp_path / "log")).project()
    QuarantinedPR.objects.create(team=team, github_repo="acme/web", number=3, event_seq=9,
                                 reason="value too long")


def add_children(team, pr, member, count, prefix="", start=0):
    """``count`` reviews, commits, files and CI rows (half check runs, half statuses), numbered
    from ``start``."""
    numbers = range(start, start + count)
    PRReview.objects.bulk_create(PRReview(team=team, pull_request=pr, reviewer=member,
                                          github_review_id=pr.pk * 1000 + i, state="approved")
                                 for i in numbers)
    Commit.objects.bulk_create(Commit(team=team, pull_request=pr, author=member,
                                      github_repo=pr.github_repo, github_sha=f"{pr.pk}{i:039x}",
                                      message=f"commit {i}") for i in numbers)
    PRFile.objects.bulk_create(PRFile(team=team, pull_request=pr, filename=f"{prefix}f{i:03d}.py",
                                      status="modified", file_category="backend")
                               for i in numbers)
    PRCheckRun.objects.bulk_create(
        PRCheckRun(team=team, pull_request=pr, name=f"ci-{i}", status="completed",
                   kind="check_run" if i % 2 else "status",
                   github_check_run_id=pr.pk * 1000 + i if i % 2 else None)
        for i in numbers)


def make_prs(team, count, repo="acme/web", merged_at=None, cycle=10.0, children=1):
    """``count`` merged PRs of ``repo``, each by its own author, with ``children`` of each."""
    first = PullRequest.objects.count() + 1
    members = TeamMember.objects.bulk_create(
        TeamMember(team=team, github_login=f"user{n}") for n in range(first, first + count))
    prs = PullRequest.objects.bulk_create(
        PullRequest(team=team, github_repo=repo, github_pr_id=n, title=f"PR {n}",
                    state="merged", author=m, pr_created_at=T0, pr_updated_at=T0,
                    merged_at=merged_at or T0, cycle_time_hours=cycle)
        for n, m in zip(range(first, first + count), members, strict=True))
    for pr, member in zip(prs, members, strict=True):
        add_children(team, pr, member, children)
    return prs


@pytest.fixture
def many(team):
    make_prs(team, 60)
    AppliedOffset.objects.bulk_create(AppliedOffset(team=team, github_repo=f"acme/r{n}")
                                      for n in range(60))
    QuarantinedPR.objects.bulk_create(QuarantinedPR(team=team, github_repo="acme/web",
                                                    number=n, event_seq=n, reason="x")
                                      for n in range(60))


@pytest.mark.parametrize("model", [m for m in admin.site._registry
                                   if m._meta.app_label in ("teams", "metrics", "seeding")],
                         ids=lambda m: m.__name__)
def test_changelist_search_and_change_page_render(admin_client, seeded, model):
    url = url_of(model)
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "1"}).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(url_of(model, "change", obj.pk)).status_code == 200


def test_every_model_is_registered():
    for model in SEEDED:
        assert model in admin.site._registry


@pytest.mark.parametrize("model", SEEDED, ids=lambda m: m.__name__)
def test_list_pages_run_as_many_queries_for_50_rows_as_for_5(admin_client, many, model,
                                                             monkeypatch):
    admin_client.get(url_of(model))  # warm up sessions and caches
    counts = []
    for size in (5, 50):
        monkeypatch.setattr(admin.site._registry[model], "list_per_page", size)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url_of(model))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16


def test_pr_page_caps_each_inline_and_links_to_the_full_filtered_list(admin_client, team):
    small, big, bigger = make_prs(team, 3, children=3)
    add_children(team, big, None, 57, prefix="big/", start=3)
    add_children(team, bigger, None, 117, prefix="bigger/", start=3)
    admin_client.get(url_of(PullRequest, "change", small.pk))
    counts = {}
    for pr in (small, bigger, big):
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url_of(PullRequest, "change", pr.pk))
        counts[pr] = len(queries)
    assert counts[big] == counts[bigger] <= counts[small] + 4  # + a COUNT per capped inline
    html = response.content.decode()
    for prefix in ("files", "reviews", "commits", "check_runs"):
        rows = html[html.index(f'id="{prefix}-rows"'):]
        assert rows[:rows.index("</tbody>")].count("<tr") == 50
    assert ">big/f003.py</td>" in html and ">big/f052.py</td>" in html  # by name: 50 of 60
    assert ">big/f053.py</td>" not in html and ">f000.py</td>" not in html
    for model, label in ((PRFile, "PR files"), (PRReview, "reviews"), (Commit, "commits"),
                         (PRCheckRun, "CI checks")):
        see_all = f"{url_of(model)}?pull_request__id__exact={big.pk}"
        assert f'<a href="{see_all}">See all 60 in the {label} list</a>' in html
    small_page = admin_client.get(url_of(PullRequest, "change", small.pk)).content.decode()
    assert "See all" not in small_page
    listed = admin_client.get(url_of(PRFile), {"pull_request__id__exact": big.pk})
    assert listed.context["cl"].result_count == 60


@pytest.mark.parametrize("model", SEEDED, ids=lambda m: m.__name__)
def test_seeded_rows_are_read_only(admin_client, seeded, model):
    obj = model.objects.first()
    before = model.objects.count()
    assert admin_client.get(url_of(model, "add")).status_code == 403
    assert admin_client.post(url_of(model, "change", obj.pk), {}).status_code == 403
    assert admin_client.post(url_of(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.count() == before
    page = admin_client.get(url_of(model, "change", obj.pk)).content.decode()
    assert 'name="_save"' not in page
    assert url_of(model, "add") not in admin_client.get(url_of(model)).content.decode()


def test_pr_pages_link_to_github_label_columns_and_explain_missing_data(admin_client, team):
    [pr] = make_prs(team, 1, children=2)
    pr.title = HOSTILE
    pr.missing_data = {"files": {"reason": "too_large", "message": "GitHub answered null",
                                 "expected": 3200, "fetched": None},
                       "commits": {"reason": "truncated", "message": "", "expected": 300,
                                   "fetched": 250}}
    pr.save()
    listing = admin_client.get(url_of(PullRequest)).content.decode()
    assert 'href="https://github.com/acme/web/pull/1"' in listing
    for label in ("Created", "Merged", "Cycle time (h)"):
        assert f">{label}</a>" in listing
    assert "<script>alert" not in listing and "\x1b" not in listing
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J" in listing
    page = admin_client.get(url_of(PullRequest, "change", pr.pk)).content.decode()
    assert "<li>files unknown: GitHub declined (too large), 3,200 expected</li>" in page
    assert "<li>commits partial: GitHub stopped paginating, 300 expected, 250 fetched</li>" in page
    commit = pr.commits.first()
    assert f'href="https://github.com/acme/web/commit/{commit.github_sha}"' in page
    run = pr.check_runs.get(kind="check_run")
    assert f'href="https://github.com/acme/web/runs/{run.github_check_run_id}"' in page
    assert f"https://github.com/acme/web/commit/{commit.github_sha}" in \
        admin_client.get(url_of(Commit)).content.decode()


def test_a_commit_status_links_only_to_http_targets(admin_client, team):
    [pr] = make_prs(team, 1, children=0)
    PRCheckRun.objects.create(team=team, pull_request=pr, kind="status", name="evil",
                              status="success", url="javascript:alert(1)")
    PRCheckRun.objects.create(team=team, pull_request=pr, kind="status", name="ok",
                              status="success", url="https://ci.example/1")
    page = admin_client.get(url_of(PRCheckRun)).content.decode()
    assert "javascript:" not in page and 'href="https://ci.example/1"' in page


def test_pr_list_filters_by_repository_author_state_and_date(admin_client, team):
    prs = make_prs(team, 3) + make_prs(team, 2, repo="acme/api")
    prs[0].state = "open"
    prs[0].save()
    url = url_of(PullRequest)

    def shown(**params):
        response = admin_client.get(url, params)
        assert response.status_code == 200, response.get("Location")
        return sorted(pr.github_pr_id for pr in response.context["cl"].result_list)

    assert shown(repo="acme/api") == [4, 5]
    assert shown(author=prs[1].author_id) == [2]
    assert shown(state="open") == [1]
    assert shown(pr_created_at__year=2026, pr_created_at__month=10) == [1, 2, 3, 4, 5]
    choices = admin_client.get(url).content.decode()
    assert "user1 (1)" in choices and ">acme/api</a>" in choices
    assert admin_client.get(url_of(PRCheckRun), {"kind__exact": "status"}).status_code == 200


def test_merged_per_week_counts_weeks_and_takes_the_median(team):
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday; its week starts on the 23rd
    for merged, cycle in ((datetime(2026, 11, 24, tzinfo=UTC), 10.0),
                          (datetime(2026, 11, 25, 11, tzinfo=UTC), 30.0),
                          (datetime(2026, 11, 2, tzinfo=UTC), 5.0),
                          (datetime(2026, 11, 8, 23, tzinfo=UTC), None),
                          (datetime(2026, 6, 1, tzinfo=UTC), 7.0),     # first day of the chart
                          (datetime(2026, 5, 31, 23, tzinfo=UTC), 1000.0)):  # before it
        make_prs(team, 1, merged_at=merged, cycle=cycle)
    with CaptureQueriesContext(connection) as queries:
        chart = merged_per_week(PullRequest.objects.all(), now=now)
    assert len(queries) == 2
    counts = [bar["count"] for bar in chart["bars"]]
    assert len(counts) == 26 and chart["start"] == datetime(2026, 6, 1).date()
    assert counts[0] == 1 and counts[22] == 2 and counts[25] == 2 and sum(counts) == 5
    assert (chart["merged"], chart["timed"], chart["median_hours"], chart["peak"]) == \
        (5, 4, 8.5, 2)
    assert chart["bars"][25]["height"] == 80 and chart["bars"][0]["height"] == 40
    none = merged_per_week(PullRequest.objects.filter(github_repo="x/y"), now=now)
    assert (none["merged"], none["median_hours"]) == (0, None)


def test_pr_list_charts_the_filtered_prs(admin_client, team):
    recently = timezone.now() - timedelta(days=2)
    make_prs(team, 1, merged_at=recently, cycle=10.0)
    make_prs(team, 1, merged_at=recently, cycle=30.0)
    make_prs(team, 1, repo="acme/api", merged_at=recently, cycle=2.0)
    response = admin_client.get(url_of(PullRequest))
    assert (response.context["merged_chart"]["merged"],
            response.context["merged_chart"]["median_hours"]) == (3, 10.0)
    html = response.content.decode()
    assert 'id="merged-chart"' in html and '<strong id="median-cycle-time">10.0 h</strong>' in html
    filtered = admin_client.get(url_of(PullRequest), {"repo": "acme/web"}).context["merged_chart"]
    assert (filtered["merged"], filtered["median_hours"]) == (2, 20.0)


@pytest.fixture
def status_data(cache_dir, team):
    state = FetchState(name_with_owner="acme/web", synced_at="2026-11-01T00:00:00Z",
                       last_pass={"id": "full-1", "mode": "full", "status": "failed",
                                  "finished_at": "2026-11-01T01:00:00Z", "error": HOSTILE})
    with open_writer(cache_dir / "acme" / "web", fsync="never") as writer:
        writer.append_batch([Event("pr", "pr:1", pr_event(1, title=HOSTILE))], state.to_meta())
    Projector(team, "acme/web", EventLog(cache_dir / "acme" / "web")).project()
    QuarantinedPR.objects.create(team=team, github_repo="acme/web", number=7, event_seq=0,
                                 reason=f"title {HOSTILE}")
    return cache_dir


def test_status_page_is_for_staff_with_permission_only(client, status_data):
    url = reverse("admin:seeding_ingestion_status")
    assert client.get(url).status_code == 302  # to the login page
    User.objects.create_user("staff", password="pw", is_staff=True)
    client.login(username="staff", password="pw")
    assert client.get(url).status_code == 403
    assert "ingestion-status-link" not in client.get(reverse("admin:index")).content.decode()


def test_status_page_shows_every_row_escaped_with_links(admin_client, status_data, team):
    index = admin_client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:seeding_ingestion_status")
    assert f'<a href="{url}">Ingestion status</a>' in index
    response = admin_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "\x1b" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J" in html
    assert f'href="{url_of(PullRequest)}?repo=acme%2Fweb&amp;team__id__exact={team.pk}"' in html
    assert "title &lt;script&gt;" in html and ">1</a>" in html  # one quarantined PR, linked
    assert "failed" in html and "days ago" in html


def test_status_page_on_an_empty_cache(admin_client, cache_dir):
    html = admin_client.get(reverse("admin:seeding_ingestion_status")).content.decode()
    assert 'id="no-logs"' in html


def test_status_page_lists_teams_of_a_log_and_logs_no_team_tracks(admin_client, cache_dir, team):
    write_log(cache_dir / "acme" / "web", [[pr_event(1)]])
    write_log(cache_dir / "acme" / "api", [[pr_event(2)]])
    Projector(team, "acme/web", EventLog(cache_dir / "acme" / "web")).project()
    other = Team.objects.create(name="Other", slug="other")
    Projector(other, "acme/web", EventLog(cache_dir / "acme" / "web")).project()
    rows = admin_client.get(reverse("admin:seeding_ingestion_status")).context["rows"]
    assert [(r["repo"], r["team"]) for r in rows] == [
        ("acme/api", None), ("acme/web", "acme"), ("acme/web", "other")]

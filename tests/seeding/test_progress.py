"""Progress output: live on a terminal, plain lines (and quiet) otherwise."""

import io

from apps.seeding.fetch.state import PassState
from apps.seeding.progress import ConsoleReporter
from apps.seeding.projection.projector import ProjectionReport

P = PassState("full-1", "full", "2026-01-01T00:00:00Z", pages=10, prs=500,
              stats={"requests": 12, "points": 40, "waits": 1})


def test_plain_output_has_one_line_per_ten_pages_and_announces_waits():
    out = io.StringIO()
    slept = []
    r = ConsoleReporter(out, sleep=slept.append)
    assert not r.live
    r.pass_started("acme/web", P, resumed=True)
    r.page_committed("acme/web", P, 3)
    r.wait(42, "rate limit")
    r.projection("acme/web", 100)(50, ProjectionReport(created=5))
    r.finish_repo()
    text = out.getvalue()
    assert "resuming full pass full-1 at page 11" in text
    assert "500 PRs, 10 pages, 12 requests, 40 points, 1 waits" in text
    assert "waiting 42 s (rate limit)" in text and slept == [42]
    assert "\x1b[" not in text  # no terminal control codes in logs


def test_terminal_output_shows_a_live_countdown_and_cleans_up():
    out = io.StringIO()
    slept = []
    r = ConsoleReporter(out, force_terminal=True, sleep=slept.append)
    assert r.live
    r.pass_started("acme/web", P, resumed=False)
    r.page_committed("acme/web", P, 3)
    r.wait(2.5, "secondary rate limit")
    update = r.projection("acme/web", 100)
    update(99, ProjectionReport(created=7))
    r.finish_repo()
    assert slept == [1.0, 1.0, 0.5]
    assert "starting full pass" in out.getvalue()

"""Progress output: a live board on a terminal, plain lines (and heartbeats) otherwise; text
from GitHub escaped; verbosity and colour honoured."""

import io

from apps.seeding.fetch.reporting import FetchWarning, WarningKind
from apps.seeding.fetch.state import PassState
from apps.seeding.progress import ConsoleReporter
from apps.seeding.projection.projector import ProjectionReport

P = PassState("full-1", "full", "2026-01-01T00:00:00Z", pages=10, prs=500,
              stats={"requests": 12, "points": 40, "waits": 1})


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_plain_output_has_one_line_per_ten_pages_and_announces_waits():
    out = io.StringIO()
    slept = []
    r = ConsoleReporter(out, sleep=slept.append)
    assert not r.live
    r.repo_started("acme/web")
    r.pass_started("acme/web", P, resumed=True)
    r.page_committed("acme/web", P, 3)
    r.wait(42, "rate limit")
    r.projection("acme/web", 100)(50, ProjectionReport())
    r.finish()
    text = out.getvalue()
    assert "resuming full pass full-1 at page 11" in text
    assert "500 PRs, 10 pages, 12 requests, 40 points, 1 wait" in text
    assert "acme/web: waiting 42 s (rate limit)" in text and slept == [30.0, 12.0]
    assert "\x1b[" not in text  # no terminal control codes in logs


def test_a_long_wait_without_a_terminal_prints_a_heartbeat_at_least_every_30_s():
    out, clock = io.StringIO(), Clock()

    def sleep(seconds):
        clock.now += seconds

    r = ConsoleReporter(out, sleep=sleep, clock=clock)
    r.repo_started("acme/web")
    r.wait(3600, "rate limit")
    lines = [line for line in out.getvalue().splitlines() if "wait" in line]
    assert len(lines) >= 3600 // 30 and "still waiting" in lines[1]


def test_terminal_output_shows_a_live_board_and_cleans_up():
    out = io.StringIO()
    slept = []
    r = ConsoleReporter(out, force_terminal=True, sleep=slept.append)
    assert r.live
    r.repo_started("acme/web")
    r.pass_started("acme/web", P, resumed=False)
    r.page_committed("acme/web", P, 3)
    r.wait(2.5, "secondary rate limit")
    update = r.projection("acme/web", 100)
    update(99, ProjectionReport())
    r.finish()
    assert slept == [1.0, 1.0, 0.5]
    assert "starting full pass" in out.getvalue()


def test_no_color_means_no_escape_sequence_at_all_even_on_a_terminal():
    out = io.StringIO()
    r = ConsoleReporter(out, force_terminal=True, color=False, sleep=lambda s: None)
    r.repo_started("acme/web")
    r.pass_started("acme/web", P, resumed=False)
    r.warning("acme/web", FetchWarning(WarningKind.RENAMED, "renamed"))
    r.wait(3, "rate limit")
    r.finish()
    assert "\x1b" not in out.getvalue() and "renamed" in out.getvalue()


def test_verbosity_0_prints_nothing_but_errors_and_2_prints_every_page():
    quiet, chatty = io.StringIO(), io.StringIO()
    for stream, level in ((quiet, 0), (chatty, 2)):
        r = ConsoleReporter(stream, verbosity=level, sleep=lambda s: None)
        r.pass_started("acme/web", P, resumed=False)
        for pages in range(1, 4):
            r.page_committed("acme/web", PassState("full-1", "full", None, pages=pages), 1)
        r.note("acme/web", "GitHub timed out; page size now 25")
    assert quiet.getvalue() == ""
    assert chatty.getvalue().count("acme/web: 0 PRs") == 3 and "page size now 25" in \
        chatty.getvalue()


def test_text_from_github_is_escaped_in_every_line():
    out = io.StringIO()
    r = ConsoleReporter(out, force_terminal=True, color=False, sleep=lambda s: None)
    r.warning("acme/web", FetchWarning(WarningKind.UNKNOWN_ENUM,
                                       "odd \x1b]52;c;ZXZpbA==\x07 \x1b[2J value"))
    r.finish()
    text = out.getvalue()
    assert "\x1b" not in text and "\\x1b]52" in text and "\\x1b[2J" in text

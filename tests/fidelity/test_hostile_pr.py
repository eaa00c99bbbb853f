"""A hostile PR end to end (issue 11's acceptance, through this suite's pipeline): a title with
ANSI and OSC sequences, NUL, lone surrogates, right-to-left and zero-width characters and 1 MiB
of text is fetched, logged byte for byte, projected as the database can hold it, and printed
with every control character escaped (``\\x1b``), never raw."""

import json
import re

import pytest
from django.db import connection

from apps.metrics.models import PullRequest
from eventlog import cli as eventlog_cli
from tests.fakegithub import generate_dataset
from tests.fakegithub.hostile import HOSTILE_TEXT, MEGA_UNIT

from .support import NOW, pr_events, seed

pytestmark = pytest.mark.django_db(transaction=True)
REPO = "acme/web"
# What a terminal could act on: C0/C1 controls (ESC, BEL, CSI ...), bidi overrides/isolates.
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e"
                              "\u2066-\u2069]")
BASE = generate_dataset({REPO: 20}, seed=111, now=NOW, days=30, nulls=False, ci="both")
NEWEST = max(BASE["repos"][REPO]["pullRequests"], key=lambda p: p["updatedAt"])["number"]
MIB = 1024 * 1024


def dataset():
    data = json.loads(json.dumps(BASE))
    pr = next(p for p in data["repos"][REPO]["pullRequests"] if p["number"] == NEWEST)
    pr["title"] = HOSTILE_TEXT + pr["title"] + MEGA_UNIT * (MIB // len(MEGA_UNIT.encode()) + 1)
    return data, pr["title"]


def forbid_ci_with_a_hostile_message(body):
    """GitHub's FORBIDDEN partial error on the hostile PR's check suites, its message hostile
    too: it reaches the command's warning line."""
    for i, edge in enumerate(body["data"]["repository"]["pullRequests"]["edges"]):
        if edge["node"]["number"] == NEWEST:
            edge["node"]["headCommit"]["nodes"][0]["commit"]["checkSuites"] = None
            path = ["repository", "pullRequests", "edges", i, "node", "headCommit", "nodes", 0,
                    "commit", "checkSuites"]
            body["errors"] = [{"type": "FORBIDDEN", "path": path,
                               "message": f"Resource not accessible {HOSTILE_TEXT}"}]


def stored(text: str) -> str:
    unstorable = "[\x00\ud800-\udfff]" if connection.vendor == "postgresql" else "[\ud800-\udfff]"
    return re.sub(unstorable, "\ufffd", text)


@pytest.fixture
def hostile(serve, cache_dir):
    data, title = dataset()
    gh = serve(data)
    gh.faults.tamper_next(forbid_ci_with_a_hostile_message)
    run = seed("--repo", REPO, "--days-back", "60")
    return run, title


def test_the_hostile_title_is_logged_byte_for_byte(hostile, cache_dir):
    run, title = hostile
    assert run.code == 0, run.output[:2000]
    [event] = pr_events(cache_dir / REPO, NEWEST)
    assert event["title"] == title and len(title.encode("utf-8", "surrogatepass")) > MIB
    assert "\x00" in event["title"] and "\ud800" in event["title"] and "\x1b]8;;" in title


def test_the_hostile_title_is_stored_as_the_database_can_hold_it(hostile):
    _, title = hostile
    row = PullRequest.objects.get(github_pr_id=NEWEST)
    assert row.title == stored(title) and len(row.title) == len(title)
    assert "\x1b[31m" in row.title and "\u202e" in row.title  # text, not controls, for a DB
    assert PullRequest.objects.count() == 20


def test_the_command_prints_githubs_hostile_text_escaped(hostile):
    run, _ = hostile
    assert "Resource not accessible" in run.output
    assert TERMINAL_CONTROL.search(run.output) is None, run.output[:2000]
    assert "\\x1b" in run.output and "\\x07" in run.output


def test_eventlog_tail_prints_the_title_escaped_and_json_exactly(hostile, cache_dir, capsys):
    _, title = hostile
    capsys.readouterr()
    assert eventlog_cli.main(["tail", REPO, "-n", "50", "--cache-dir", str(cache_dir)]) == 0
    text = capsys.readouterr().out
    assert TERMINAL_CONTROL.search(text) is None and "\\x1b" in text and "\\x00" in text
    assert eventlog_cli.main(["tail", REPO, "-n", "50", "--json",
                              "--cache-dir", str(cache_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    titles = [json.loads(line)["data"].get("title") for line in lines]
    assert title in titles  # --json stays exact

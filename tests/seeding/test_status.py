"""``seed_real_projects --status``: every log joined with every team tracking it, at a glance."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.seeding import status
from apps.seeding.fetch.state import FetchState, PassState
from apps.seeding.models import AppliedOffset, QuarantinedPR
from apps.seeding.projection.projector import Projector
from apps.teams.models import Team
from eventlog import Event, EventLog, open_writer

from .factories import pr_event

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
HOSTILE = "<script>alert(1)</script>\x1b[2J\u202e"


def last_pass(**fields):
    return {"id": "full-1", "mode": "full", "status": "complete", "reason": "window",
            "finished_at": "2026-11-28T12:00:00Z", **fields}


def write(cache_dir, repo, numbers, state: FetchState, batches=1):
    """A log of ``repo`` holding ``pr`` events for ``numbers``, in ``batches`` commits."""
    with open_writer(cache_dir / repo, fsync="never") as writer:
        for _ in range(batches):
            writer.append_batch([Event("pr", f"pr:{n}", pr_event(n)) for n in numbers],
                                state.to_meta())


@pytest.fixture
def two_logs(cache_dir, team):
    """acme/web (named Acme/Web by GitHub, 3 PRs, projected by two teams, one of them
    behind) and acme/api (2 PRs, failed pass, tracked by nobody); a third team tracks a log
    that is gone."""
    web = FetchState(name_with_owner="Acme/Web", synced_at="2026-11-28T12:00:00Z",
                     last_pass=last_pass(),
                     incomplete={"2": {"missing": {"files": "too_large"}, "tries": 1}})
    write(cache_dir, "acme/web", [1, 2, 3], web, batches=2)
    api = FetchState(synced_at="2026-11-01T12:00:00Z", passes=2,
                     active=None, last_pass=last_pass(id="update-2", mode="update",
                                                      status="complete", reason=None))
    write(cache_dir, "acme/api", [7, 8], api)
    Projector(team, "Acme/Web", EventLog(cache_dir / "acme/web")).project()
    other = Team.objects.create(name="Other", slug="other")
    Projector(other, "acme/web", EventLog(cache_dir / "acme/web")).project()
    AppliedOffset.objects.filter(team=other).update(applied_offset=3)
    QuarantinedPR.objects.create(team=other, github_repo="acme/web", number=3, event_seq=2,
                                 reason="value too long")
    gone = Team.objects.create(name="Gone", slug="gone")
    AppliedOffset.objects.create(team=gone, github_repo="acme/old", applied_offset=41)
    return cache_dir


def by_key(rows):
    return {(r["repo"], r["team"]): r for r in rows}


def test_empty_or_missing_cache_has_no_rows_and_says_so(tmp_path):
    for cache in (tmp_path / "missing", tmp_path):
        assert status.collect(cache) == []
    lines = status.render([])
    assert len(lines) == 1 and lines[0].startswith("no logs yet")


def test_one_row_per_log_and_team_with_untracked_logs_and_lost_logs(two_logs):
    rows = status.collect(two_logs, now=NOW)
    assert [(r["repo"], r["team"]) for r in rows] == [
        ("acme/api", None), ("acme/old", "gone"), ("Acme/Web", "acme"), ("Acme/Web", "other")]
    web = by_key(rows)
    acme, other = web["Acme/Web", "acme"], web["Acme/Web", "other"]
    assert acme["log"] == "acme/web" and acme["prs_in_log"] == 3 and acme["prs_in_db"] == 3
    assert acme["last_seq"] == 7 and acme["applied_offset"] == 7 and acme["lag"] == 0
    assert other["lag"] == 4 and other["prs_in_db"] == 3  # its rows say acme/web: same log
    assert other["quarantined"] == [{"number": 3, "reason": "value too long"}]
    assert acme["quarantined"] == []
    assert acme["incomplete"] == [{"number": 2, "missing": {"files": "too_large"}, "tries": 1}]
    assert acme["last_pass"] == {k: v for k, v in last_pass().items()}
    assert acme["outcome"] == "complete (window)"
    assert (acme["age_days"], acme["stale"]) == (2.0, False)
    api = web["acme/api", None]
    assert (api["prs_in_log"], api["prs_in_db"], api["lag"], api["applied_offset"]) == \
        (2, None, None, None)
    assert (api["age_days"], api["stale"], api["outcome"]) == (29.0, True, "complete")
    lost = web["acme/old", "gone"]
    assert (lost["log"], lost["prs_in_log"], lost["applied_offset"], lost["outcome"]) == \
        (None, None, 41, "log missing")
    json.dumps(rows)  # JSON-ready


def test_each_log_is_read_once_and_the_database_answers_three_queries(two_logs, monkeypatch):
    reads = []
    original = EventLog.read
    monkeypatch.setattr(EventLog, "read", lambda self, *a, **k: reads.append(self.path)
                        or original(self, *a, **k))
    with CaptureQueriesContext(connection) as queries:
        status.collect(two_logs, now=NOW)
    assert sorted(p.name for p in reads) == ["api", "web"]
    assert len(queries) == 3


def test_pending_update_failed_pass_and_last_error(cache_dir):
    failed = FetchState(active=PassState("full-1", "full", None), passes=1,
                        last_pass=last_pass(status="failed", reason=None, error=HOSTILE))
    write(cache_dir, "acme/a", [1], failed)
    pending = FetchState(active=PassState("update-3", "update", "x"),
                         synced_at="2026-11-29T00:00:00Z",
                         last_pass=last_pass(id="update-3", mode="update", status="stopped"))
    write(cache_dir, "acme/b", [1], pending)
    write(cache_dir, "acme/c", [1], FetchState())
    rows = by_key(status.collect(cache_dir, now=NOW))
    a, b, c = rows["acme/a", None], rows["acme/b", None], rows["acme/c", None]
    assert (a["outcome"], a["last_error"], a["pass_in_progress"]) == ("failed", HOSTILE, True)
    assert (b["outcome"], b["update_pending"]) == ("update pending", True)
    assert (c["outcome"], c["last_pass"], c["age_days"], c["stale"]) == \
        ("no pass yet", None, None, False)


def test_an_unreadable_log_is_a_row_not_an_exception(cache_dir):
    write(cache_dir, "acme/web", [1, 2], FetchState())
    segment = next((cache_dir / "acme" / "web").glob("*.jsonl"))
    data = bytearray(segment.read_bytes())
    data[20:30] = b"XXXXXXXXXX"
    segment.write_bytes(bytes(data))
    [row] = status.collect(cache_dir, now=NOW)
    assert row["log_error"] and row["prs_in_log"] is None and row["outcome"] == "log unreadable"
    assert any("log cannot be read" in line for line in status.render([row]))


def test_render_is_a_table_then_attention_lines_all_escaped(two_logs):
    QuarantinedPR.objects.update(reason=HOSTILE)
    rows = status.collect(two_logs, now=NOW)
    rows[0]["last_error"] = HOSTILE
    lines = status.render(rows)
    assert lines[0].split() == ["repo", "team", "log", "PRs", "db", "PRs", "lag", "last",
                                "pass", "outcome", "synced"]
    assert lines[1].split()[:5] == ["acme/api", "-", "2", "-", "-"]
    assert "STALE" in lines[1]
    assert lines[3].split()[:5] == ["Acme/Web", "acme", "3", "3", "0"]
    text = "\n".join(lines)
    for raw in ("\x1b", "\u202e"):
        assert raw not in text
    assert "acme/api: last error: <script>alert(1)</script>\\x1b[2J\\u202e" in lines
    assert "Acme/Web (team other)#3: quarantined: <script>alert(1)</script>\\x1b[2J\\u202e" \
        in lines
    assert "Acme/Web#2: incomplete: files (too_large); 1 retry so far" in lines
    assert text.count("Acme/Web#2: incomplete") == 1  # a log's line once, whatever its teams
    assert "Acme/Web (team other): projection 4 records behind the log" in lines
    assert "acme/api: no team tracks this log yet (not projected)" in lines
    assert "acme/old (team gone): tracked at offset 41 but no log is left" in lines
    assert any(line.startswith("acme/api: last complete sync") for line in lines)


def test_command_prints_the_table_or_json(two_logs):
    out = io.StringIO()
    call_command("seed_real_projects", "--status", stdout=out)
    assert out.getvalue().splitlines()[0].startswith("repo ")
    out = io.StringIO()
    call_command("seed_real_projects", "--status", "--json", stdout=out)
    assert [r["team"] for r in json.loads(out.getvalue())] == [None, "gone", "acme", "other"]

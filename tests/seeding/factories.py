"""PR events as the fetcher writes them, for projector tests that need no server.

Built by the one generator the fake GitHub serves from (``tests.fakegithub.make_pull_request``,
exact child counts), served as GitHub would serve it to the page query, and parsed by the app's
own parser: the same events the fetcher writes, not a hand-made imitation.
"""

from __future__ import annotations

import copy
from typing import Any

from apps.seeding.fetch.github.parse import Parser
from apps.seeding.fetch.github.queries import Selection, pr_fields
from eventlog import Event, open_writer
from tests.fakegithub import make_pull_request
from tests.fakegithub.serve_one import served_pull_request

SELECTION = pr_fields(Selection())


def actor(login: str, *, id: int | None = None, kind: str = "User", name: str | None = None):
    """An account as GitHub serves ``author`` (``__typename`` User, Bot, ...)."""
    return {"__typename": kind, "login": login, "id": f"U_{login}",
            "databaseId": id or abs(hash(login)) % 10**8, "name": name,
            "url": f"https://github.com/{login}",
            "avatarUrl": "https://avatars.githubusercontent.com/u/1"}


def pr_event(number: int, *, updated="2026-11-01T10:00:00Z", created="2026-10-01T09:00:00Z",
             state="open", reviews=2, commits=3, files=4, runs=5, statuses=0, title=None,
             author: dict | None | str = "default", **overrides: Any) -> dict[str, Any]:
    """The event of one generated PR with exactly these children (ids unique by number)."""
    pr = make_pull_request(number, reviews=reviews, commits=commits, files=files,
                           runs=runs, statuses=statuses, state=state.upper(),
                           title=title or f"PR {number} 🚀", body="line 1\r\nline 2",
                           createdAt=created, updatedAt=updated, **overrides)
    if state == "merged":
        pr.update(mergedAt="2026-11-01T10:00:00Z", closedAt="2026-11-01T10:00:00Z")
    elif state == "closed":
        pr.update(mergedAt=None, closedAt="2026-11-01T10:00:00Z")
    else:
        pr.update(mergedAt=None, closedAt=None)
    if author != "default":
        pr["author"] = author
    node = served_pull_request(pr, selection=SELECTION)
    return Parser().pull_request(node, f"pr {number}", checks=True, statuses=True)


def changed(event: dict[str, Any], **fields) -> dict[str, Any]:
    new = copy.deepcopy(event)
    new.update(fields)
    return new


def write_log(log_dir, batches: list[list[dict[str, Any]]], meta=None) -> None:
    """Append each list of PR events as one committed batch."""
    with open_writer(log_dir, fsync="never") as writer:
        for events in batches:
            writer.append_batch([Event("pr", f"pr:{e['number']}", e) for e in events], meta or {})

"""Writing one planned batch: members, PR rows and their children, inside the caller's
transaction. The statements are built once per projector (``Statements``).

Children are replaced connection by connection: a connection the event holds as a list
replaces exactly the rows of that PR (reviews, commits, files, check runs, statuses); one it
does not hold (not fetched, or GitHub would not serve it) leaves the rows the database has.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.metrics.models import Commit, PRCheckRun, PRFile, PRReview, PullRequest, TeamMember
from apps.teams.models import Team

from . import rows
from .plan import Bump, ChangedPR, CIUpdate
from .upsert import BulkUpsert, storable_text

MEMBER_FIELDS = ["team_id", "github_login", "github_id", "display_name", "is_bot"]
PR_FIELDS = [
    "team_id", "github_repo", "github_pr_id", "title", "body", "state", "is_draft", "author_id",
    "pr_created_at", "pr_updated_at", "merged_at", "closed_at", "additions", "deletions",
    "changed_files", "commits_count", "head_ref", "base_ref", "head_sha", "labels",
    "assignees", "milestone_title", "linked_issues", "first_review_at", "review_time_hours",
    "cycle_time_hours", "missing_data", "event_seq", "event_digest",
]
REVIEW_FIELDS = ["team_id", "pull_request_id", "reviewer_id", *rows.REVIEW_COLUMNS]
COMMIT_FIELDS = ["team_id", "pull_request_id", "github_repo", "author_id", *rows.COMMIT_COLUMNS]
FILE_FIELDS = ["team_id", "pull_request_id", *rows.FILE_COLUMNS]
CI_FIELDS = ["team_id", "pull_request_id", *rows.CI_COLUMNS]
CHILD_MODELS = {"reviews": PRReview, "commits": Commit, "files": PRFile}
CI_KINDS = {"check_runs": PRCheckRun.Kind.CHECK_RUN, "statuses": PRCheckRun.Kind.STATUS}


class Statements:
    """Every bulk statement a projector uses, built once."""

    def __init__(self) -> None:
        self.members = BulkUpsert(TeamMember, MEMBER_FIELDS, ["team_id", "github_login"])
        self.prs = BulkUpsert(PullRequest, PR_FIELDS, PR_FIELDS[:3])
        self.reviews = BulkUpsert(PRReview, REVIEW_FIELDS, ["team_id", "github_review_id"])
        self.commits = BulkUpsert(Commit, COMMIT_FIELDS, None)
        self.files = BulkUpsert(PRFile, FILE_FIELDS, None)
        self.ci = BulkUpsert(PRCheckRun, CI_FIELDS, None)


class BatchWriter:
    """Writes planned entries of ``team``'s rows of ``repo``."""

    def __init__(self, team: Team, repo: str, statements: Statements) -> None:
        self.team, self.repo, self.sql = team, repo, statements

    def write(self, entries: Iterable[ChangedPR | CIUpdate | Bump]) -> None:
        entries = list(entries)
        bumps = [e for e in entries if isinstance(e, Bump)]
        if bumps:
            PullRequest.objects.bulk_update(
                [PullRequest(pk=b.pk, event_seq=b.seq) for b in bumps], ["event_seq"])
        changed = [e for e in entries if isinstance(e, ChangedPR)]
        if changed:
            members = self._members(a for c in changed for a in rows.actors(c.event))
            prs = self._pull_requests(changed, members)
            self._children(changed, prs, members)
        updates = [e for e in entries if isinstance(e, CIUpdate)]
        if updates:
            self._ci_updates(updates)

    def _members(self, actors: Iterable[dict[str, Any]]) -> dict[str, int]:
        wanted: dict[str, dict[str, Any]] = {}
        for actor in actors:
            fields = rows.member_fields(actor)
            _coalesce(wanted.setdefault(storable_text(actor["login"]), fields), fields)
        if not wanted:
            return {}
        current = {login: (gid, name, bot) for login, gid, name, bot in TeamMember.objects
                   .filter(team=self.team, github_login__in=list(wanted)).order_by()
                   .values_list("github_login", "github_id", "display_name", "is_bot")}
        upserts = []
        for login, fields in wanted.items():
            old = current.get(login)
            if old is not None:
                _coalesce(fields, dict(zip(MEMBER_FIELDS[2:], old, strict=True)))
                if tuple(fields[k] for k in MEMBER_FIELDS[2:]) == old:
                    continue
            upserts.append((self.team.pk, login, *(fields[k] for k in MEMBER_FIELDS[2:])))
        self.sql.members.execute(upserts)
        return dict(TeamMember.objects.filter(team=self.team, github_login__in=list(wanted))
                    .order_by().values_list("github_login", "pk"))

    def _pull_requests(self, changed: list[ChangedPR], members: dict[str, int]) -> dict[int, int]:
        values = []
        for c in changed:
            fields = rows.pull_request_fields(c.event)
            fields.update(author_id=_member_id(members, c.event["author"]),
                          event_seq=c.seq, event_digest=c.digest)
            values.append((self.team.pk, self.repo, c.number,
                           *(fields[k] for k in PR_FIELDS[3:])))
        self.sql.prs.execute(values)
        return dict(PullRequest.objects.filter(
            team=self.team, github_repo=self.repo, github_pr_id__in=[c.number for c in changed])
            .order_by().values_list("github_pr_id", "pk"))

    def _children(self, changed: list[ChangedPR], prs: dict[int, int],
                  members: dict[str, int]) -> None:
        """Replace, per connection held as a list, the rows of PRs that existed; new PRs have
        none to remove."""
        for name, model in CHILD_MODELS.items():
            ids = [c.pk for c in changed if c.pk is not None and c.event[name] is not None]
            if ids:
                model.objects.filter(pull_request_id__in=ids).delete()
        self._delete_ci([(c.pk, c.event) for c in changed if c.pk is not None])
        children = _Children(self.team.pk, self.repo, members)
        for c in changed:
            children.add(prs[c.number], c.event)
        children.save(self.sql)

    def _ci_updates(self, updates: list[CIUpdate]) -> None:
        self._delete_ci([(u.pk, u.ci) for u in updates])
        children = _Children(self.team.pk, self.repo, {})
        for u in updates:
            children.add_ci(u.pk, u.ci)
        children.save(self.sql)
        PullRequest.objects.bulk_update(
            [PullRequest(pk=u.pk, event_seq=u.seq) for u in updates], ["event_seq"])

    @staticmethod
    def _delete_ci(items: list[tuple[int, dict[str, Any]]]) -> None:
        for name, kind in CI_KINDS.items():
            ids = [pk for pk, data in items if data[name] is not None]
            if ids:
                PRCheckRun.objects.filter(pull_request_id__in=ids, kind=kind).delete()


class _Children:
    """Child rows of a batch as tuples, de-duplicated per PR by their unique keys."""

    def __init__(self, team_id: int, repo: str, members: dict[str, int]) -> None:
        self.team_id, self.repo, self.members = team_id, repo, members
        self.reviews: dict[int, tuple] = {}
        self.commits: dict[tuple[int, str], tuple] = {}
        self.files: dict[tuple[int, str], tuple] = {}
        self.ci: dict[tuple[int, str, Any], tuple] = {}

    def _member(self, actor: dict[str, Any] | None) -> int | None:
        return _member_id(self.members, actor)

    def add(self, pr: int, data: dict[str, Any]) -> None:
        team, member = self.team_id, self._member
        for r in data["reviews"] or ():
            self.reviews[r["id"]] = (team, pr, member(r["author"]), *rows.review_values(r))
        for c in data["commits"] or ():
            self.commits[(pr, c["sha"])] = (team, pr, self.repo, member(c["author"]),
                                            *rows.commit_values(c))
        for f in data["files"] or ():
            self.files[(pr, f["path"])] = (team, pr, *rows.file_values(f))
        self.add_ci(pr, data)

    def add_ci(self, pr: int, data: dict[str, Any]) -> None:
        for run in data["check_runs"] or ():
            self.ci[(pr, "check_run", run["id"])] = (self.team_id, pr,
                                                     *rows.check_run_values(run))
        for status in data["statuses"] or ():
            self.ci[(pr, "status", status["context"])] = (self.team_id, pr,
                                                          *rows.status_values(status))

    def save(self, sql: Statements) -> None:
        sql.reviews.execute(self.reviews.values())
        sql.commits.execute(self.commits.values())
        sql.files.execute(self.files.values())
        sql.ci.execute(self.ci.values())


def _member_id(members: dict[str, int], actor: dict[str, Any] | None) -> int | None:
    return members.get(storable_text(actor["login"])) if actor else None


def _coalesce(target: dict[str, Any], other: dict[str, Any]) -> None:
    """Fill ``target``'s empty values from ``other``; a bot flag, once set, stays set."""
    for key, value in other.items():
        if key == "is_bot":
            target[key] = bool(target.get(key)) or bool(value)
        elif target.get(key) in (None, "") and value not in (None, ""):
            target[key] = value

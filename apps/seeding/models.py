"""Tracking record of the projector: how far a team's projection of a repo log has got."""

from django.db import models

from apps.teams.models import Team


class AppliedOffset(models.Model):
    """The last event-log ``seq`` applied to a team's rows for one repository log.

    Written in the same transaction as the rows it covers (see ``apps.seeding.projection``), so
    after a crash the rows and this offset always agree. ``window_*`` record the filter the rows
    were projected with; a different window re-projects from the start of the log.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="applied_offsets")
    github_repo = models.CharField(max_length=255)
    applied_offset = models.BigIntegerField(default=-1)
    window_since = models.DateTimeField(null=True, blank=True)
    window_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "github_repo"], name="uniq_applied_offset"),
        ]

    def __str__(self) -> str:
        return f"{self.team.slug} {self.github_repo} @ {self.applied_offset}"


class QuarantinedPR(models.Model):
    """A PR event the database refused (a value it cannot hold): kept out of the batch so the
    rest of the repository projects, listed in the summary, and tried again by the next run."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="quarantined_prs")
    github_repo = models.CharField(max_length=255)
    number = models.IntegerField()
    event_seq = models.BigIntegerField()
    reason = models.TextField()
    attempts = models.IntegerField(default=1)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "github_repo", "number"],
                                    name="uniq_quarantined_pr"),
        ]
        verbose_name = "quarantined PR"

    def __str__(self) -> str:
        return f"{self.github_repo}#{self.number} (seq {self.event_seq})"

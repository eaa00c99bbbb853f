"""Admin pages of the seeding machinery: tracking records, quarantined PRs (read-only, like the
rows they describe) and the "Ingestion status" page, every log and team at a glance.

The status page lives at ``admin/seeding/appliedoffset/status/`` (URL name
``admin:seeding_ingestion_status``): staff only, and only for users who may view tracking
records. It shows ``status.collect(settings.SEEDING_CACHE_DIR)``; every text from GitHub, a log
or the database goes through ``printable`` and Django's autoescaping. The admin index links to
it (``admin/seeding/index.html``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path

from apps.metrics.admin import ReadOnlyAdmin
from apps.metrics.admin_inlines import changelist_url, github_link
from apps.metrics.models import PullRequest
from apps.teams.models import Team
from eventlog.text import printable

from . import status
from .models import AppliedOffset, QuarantinedPR

if admin.site.index_template is None:
    admin.site.index_template = "admin/seeding/index.html"


@admin.register(AppliedOffset)
class AppliedOffsetAdmin(ReadOnlyAdmin):
    list_display = ("github_repo", "team", "applied_offset", "window_since", "window_until",
                    "updated_at")
    list_filter = ("team",)
    list_select_related = ("team",)
    search_fields = ("github_repo",)

    def get_urls(self):
        view = self.admin_site.admin_view(self.status_view)
        return [path("status/", view, name="seeding_ingestion_status"), *super().get_urls()]

    def status_view(self, request):
        """The "Ingestion status" page: one table row per (log, team)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = status.collect(settings.SEEDING_CACHE_DIR)
        team_ids = dict(Team.objects.values_list("slug", "id"))
        context = {
            **self.admin_site.each_context(request), "title": "Ingestion status",
            "opts": self.model._meta, "cache_dir": printable(str(settings.SEEDING_CACHE_DIR)),
            "rows": [display_row(row, team_ids.get(row["team"])) for row in rows],
            "attention": list(dict.fromkeys(
                printable(line, 400) for row in rows for line in status.attention(row))),
        }
        return TemplateResponse(request, "admin/seeding/ingestion_status.html", context)


def display_row(row: dict[str, Any], team_id: int | None) -> dict[str, Any]:
    """``row`` with every text escaped by ``printable`` and links to its PRs and quarantined
    PRs in the admin (filtered by repository and team)."""
    shown = _escaped(row)
    team = {"team__id__exact": team_id} if team_id is not None else {}
    shown["prs_url"] = changelist_url(PullRequest, repo=row["repo"], **team)
    shown["quarantined_url"] = changelist_url(QuarantinedPR, github_repo=row["repo"], **team)
    return shown


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value, 300)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


@admin.register(QuarantinedPR)
class QuarantinedPRAdmin(ReadOnlyAdmin):
    list_display = ("github_repo", "number", "team", "event_seq", "attempts", "short_reason",
                    "last_seen", "on_github")
    list_filter = ("team",)
    list_select_related = ("team",)
    search_fields = ("github_repo", "=number", "reason")

    @admin.display(description="Reason", ordering="reason")
    def short_reason(self, obj):
        return printable(obj.reason, 120)

    @admin.display(description="GitHub")
    def on_github(self, obj):
        return github_link(f"{obj.github_repo}/pull/{obj.number}", "open on GitHub")

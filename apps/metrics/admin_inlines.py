"""A pull request's children on its admin page, and the links list pages share with it.

Each child table is read-only and shows at most ``INLINE_CAP`` rows (a 379-file PR page would
otherwise weigh a megabyte), with a "see all N" link to the child list filtered to the PR: two
queries per table at most, whatever the PR's size.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from eventlog.text import printable

from . import models

GITHUB = "https://github.com"
INLINE_CAP = 50


def changelist_url(model: type, **params: Any) -> str:
    """The admin list of ``model``, filtered by ``params`` (query-string lookups)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def github_link(path: str, text: str = "GitHub"):
    """A link to ``https://github.com/{path}`` (escaped)."""
    return format_html('<a href="{}/{}" rel="noreferrer">{}</a>', GITHUB, path, text)


def field_column(name: str, label: str):
    """A list or page column showing field ``name`` under ``label`` (sortable by it)."""
    @admin.display(description=label, ordering=name)
    def column(self, obj):
        return getattr(obj, name)
    return column


class ReadOnlyPermissions:
    """Viewing only: no add, change or delete (the projector owns seeded rows). A mixin for
    model admins and inlines alike."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CappedFormSet(BaseInlineFormSet):
    """The first ``cap`` children of the PR (two queries at most), with their total."""

    cap = INLINE_CAP

    def get_queryset(self):
        if not hasattr(self, "_capped"):
            full = super().get_queryset()
            self._capped = full[: self.cap]
            shown = len(self._capped)  # evaluates once; forms read the cached rows
            self.total = shown if shown < self.cap else full.count()
            self.capped = self.total > shown
            self.see_all_url = changelist_url(self.model, pull_request__id__exact=self.instance.pk)
        return self._capped


class CappedInline(ReadOnlyPermissions, admin.TabularInline):
    """A read-only child table of a PR, capped (see ``CappedFormSet``), rendered as a plain
    table: no form inputs (nothing is ever submitted), a "View" link per row."""

    formset = CappedFormSet
    template = "admin/metrics/capped_tabular.html"
    extra, max_num, can_delete = 0, 0, False


class PRReviewInline(CappedInline):
    model, verbose_name_plural = models.PRReview, "reviews"
    fields = readonly_fields = ("reviewer", "state", "submitted_at")
    ordering = ("submitted_at", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reviewer")


class CommitInline(CappedInline):
    model, verbose_name_plural = models.Commit, "commits"
    fields = readonly_fields = ("sha", "headline", "author_name", "committed_at", "additions",
                                "deletions")
    ordering = ("committed_at", "pk")

    @admin.display(description="SHA")
    def sha(self, obj):
        return github_link(f"{obj.github_repo}/commit/{obj.github_sha}", obj.github_sha[:10])

    @admin.display(description="Message")
    def headline(self, obj):
        return printable(obj.message.split("\n", 1)[0], 100)


class PRFileInline(CappedInline):
    model, verbose_name_plural = models.PRFile, "PR files"
    fields = readonly_fields = ("path", "status", "additions", "deletions", "file_category")
    ordering = ("filename",)

    @admin.display(description="File")
    def path(self, obj):
        return printable(obj.filename, 200)


class PRCheckRunInline(CappedInline):
    model, verbose_name_plural = models.PRCheckRun, "CI checks"
    fields = readonly_fields = ("kind", "ci_name", "status", "conclusion", "duration",
                                "completed_at")
    duration = field_column("duration_seconds", "Duration (s)")
    ordering = ("kind", "name", "pk")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pull_request")

    @admin.display(description="Name")
    def ci_name(self, obj):
        return check_link(obj)


def check_link(run: models.PRCheckRun):
    """A check run's page on GitHub; a commit status's own target URL when it is http(s)."""
    name = printable(run.name, 80)
    if run.kind == run.Kind.CHECK_RUN and run.github_check_run_id:
        return github_link(f"{run.pull_request.github_repo}/runs/{run.github_check_run_id}", name)
    if run.url.startswith(("https://", "http://")):
        return format_html('<a href="{}" rel="noreferrer">{}</a>', run.url, name)
    return name

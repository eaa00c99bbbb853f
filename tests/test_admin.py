"""Every seeded model can be browsed in the admin (list, filters, search, change page)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.metrics.models import PullRequest
from apps.seeding.models import AppliedOffset
from apps.seeding.projection.projector import Projector
from eventlog import EventLog
from tests.seeding.factories import pr_event, write_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(team, tmp_path):
    write_log(tmp_path / "log", [[pr_event(1), pr_event(2, state="merged")]])
    Projector(team, "acme/web", EventLog(tmp_path / "log")).project()


@pytest.mark.parametrize("model", [m for m in admin.site._registry
                                   if m._meta.app_label in ("teams", "metrics", "seeding")],
                         ids=lambda m: m.__name__)
def test_changelist_search_and_change_page_render(admin_client, seeded, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "1"}).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                     args=[obj.pk])
    assert admin_client.get(change).status_code == 200


def test_every_model_is_registered():
    from apps.metrics import models as metrics

    for model in (metrics.TeamMember, PullRequest, metrics.PRReview, metrics.Commit,
                  metrics.PRFile, metrics.PRCheckRun, AppliedOffset):
        assert model in admin.site._registry

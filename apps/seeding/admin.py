from django.contrib import admin

from .models import AppliedOffset


@admin.register(AppliedOffset)
class AppliedOffsetAdmin(admin.ModelAdmin):
    list_display = ("team", "github_repo", "applied_offset", "window_since", "updated_at")
    list_filter = ("team",)
    search_fields = ("github_repo",)

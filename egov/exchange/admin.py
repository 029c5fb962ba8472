"""The exchange log in the admin: read-only, so failures stay visible and nothing is edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ExchangeMessage


@admin.register(ExchangeMessage)
class ExchangeMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "direction", "system", "kind", "reference", "status", "attempts", "sent_at")
    list_filter = ("direction", "status", "kind", "system")
    search_fields = ("reference", "remote_reference", "object_id")
    readonly_fields = [f.name for f in ExchangeMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

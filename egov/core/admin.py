"""Django admin for IT staff: calendar overrides (through the service), the audit trail (read-only)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent, WorkingDayOverride
from .services import working_day_override_delete, working_day_override_set


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason")
    list_filter = ("kind",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = working_day_override_set(actor=request.user, day=obj.date, kind=obj.kind, reason=obj.reason)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        working_day_override_delete(actor=request.user, day=obj.date, reason="admin")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id", "actor_label")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

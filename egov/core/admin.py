"""Django admin for IT staff: calendar overrides (through the service), the audit trail (read-only)."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from .audit import audit_record
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


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin edits land in the audit trail too: one event per save or delete, in the same transaction."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            changed = {name: form.cleaned_data.get(name) for name in form.changed_data}
            super().save_model(request, obj, form, change)
            action = f"{obj._meta.label_lower}.{'admin_change' if change else 'admin_add'}"
            audit_record(actor=request.user, action=action, obj=obj, changes=changed, reason="django-admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action=f"{obj._meta.label_lower}.admin_delete", obj=obj, reason="django-admin"
            )
            super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            if formset.has_changed():
                audit_record(
                    actor=request.user,
                    action=f"{form.instance._meta.label_lower}.admin_change",
                    obj=form.instance,
                    changes={"inline": str(formset.model._meta.verbose_name_plural)},
                    reason="django-admin",
                )

from django.contrib import admin

from egov.core.admin import AuditedModelAdmin

from .models import Procedure, Sector


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ("name", "slug")


@admin.register(Procedure)
class ProcedureAdmin(AuditedModelAdmin):
    """Read-only here: procedures change only through the catalogue services (back office)."""

    list_display = ("code", "name", "sector", "owner", "status")
    list_filter = ("status", "online_level", "sector")
    search_fields = ("code", "name_folded")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

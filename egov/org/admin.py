from django.contrib import admin

from egov.core.admin import AuditedModelAdmin

from .models import Agency, Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "kind", "is_active", "successor")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "name_folded")


@admin.register(Agency)
class AgencyAdmin(AuditedModelAdmin):
    list_display = ("eid_code", "name", "level", "kind", "is_active")
    list_filter = ("level", "kind", "is_active")
    search_fields = ("eid_code", "name", "name_folded")

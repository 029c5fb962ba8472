from django.contrib import admin

from egov.core.admin import AuditedModelAdmin

from .models import OfficialRole, User


class RoleInline(admin.TabularInline):
    model = OfficialRole
    extra = 0
    autocomplete_fields = ("agency",)


@admin.register(User)
class UserAdmin(AuditedModelAdmin):
    list_display = ("username", "full_name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("username", "full_name")
    exclude = ("password",)
    inlines = [RoleInline]

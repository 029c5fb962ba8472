"""Django admin for IT staff: the outbox, read-only, recipients masked; failed messages are found here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Message

_FIELDS = (
    "key",
    "channel",
    "recipient_masked",
    "subject",
    "body",
    "status",
    "attempts",
    "last_error",
    "object_type",
    "object_id",
    "created_at",
    "next_attempt_at",
    "sent_at",
)


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Messages change only through the outbox services; the admin shows them, never edits them."""

    list_display = ("created_at", "status", "channel", "recipient_masked", "attempts", "subject")
    list_filter = ("status", "channel")
    # Exact match only: support staff who have a citizen's number or address can find their messages,
    # but nobody can browse recipients by fragments.
    search_fields = ("=recipient", "=key", "=object_id")
    date_hierarchy = "created_at"
    fields = _FIELDS
    readonly_fields = _FIELDS

    @admin.display(description=_("người nhận"))
    def recipient_masked(self, obj: Message) -> str:
        return obj.masked_recipient

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

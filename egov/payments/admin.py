"""Django admin for IT staff: payments, receipts, callbacks and reconciliations, read-only (they change only
through the services); a callback refused or a payment due for refund is found here."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import GatewayCallback, Payment, Receipt, Reconciliation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("order_id", "method", "gateway", "amount", "status", "created_at", "paid_at")
    list_filter = ("status", "method", "gateway")
    search_fields = ("order_id", "gateway_txn")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ("series", "number", "agency", "total", "issued_at")
    list_filter = ("year",)
    search_fields = ("number",)
    exclude = ("data",)  # the payer's name and address stay out of the list screens


@admin.register(GatewayCallback)
class GatewayCallbackAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "source", "gateway", "order_id", "answer")
    list_filter = ("answer", "source", "gateway")
    search_fields = ("order_id",)


@admin.register(Reconciliation)
class ReconciliationAdmin(ReadOnlyAdmin):
    list_display = ("day", "gateway", "matched_count", "ours_count", "gateway_count")

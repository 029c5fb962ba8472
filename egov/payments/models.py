"""Fees asked of an applicant, each attempt to pay them, the electronic receipts, callbacks and reconciliation.

`FakeGatewayTransaction` is the demo payment platform's own book: it stands for data held outside egov.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.org.models import Agency


class PaymentRequest(models.Model):
    """Yêu cầu thực hiện nghĩa vụ tài chính: what the applicant is asked to pay for one dossier."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="payment_requests")
    # [{"fee_id", "name", "kind", "amount"}], as asked (the catalogue may change later).
    lines = models.JSONField(_("các khoản thu"))
    total = models.PositiveBigIntegerField(_("tổng số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN)
    pauses_clock = models.BooleanField(_("tạm dừng tính thời hạn"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(status="open"), name="payment_request_one_open"
            ),
            models.CheckConstraint(condition=models.Q(total__gt=0), name="payment_request_total_positive"),
        ]
        verbose_name = _("yêu cầu thực hiện nghĩa vụ tài chính")
        verbose_name_plural = _("yêu cầu thực hiện nghĩa vụ tài chính")

    def __str__(self) -> str:
        return f"{self.dossier} · {self.total}"


class Method(models.TextChoices):
    ONLINE = "online", _("Trực tuyến qua cổng thanh toán")
    CASH = "cash", _("Tiền mặt tại quầy")
    CARD = "card", _("Thẻ (POS) tại quầy")
    TRANSFER = "transfer", _("Chuyển khoản, nộp tại quầy")


DESK_METHODS = (Method.CASH, Method.CARD, Method.TRANSFER)


class Payment(models.Model):
    """One attempt to pay a request: an online order at the gateway, or a payment taken at the desk."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ cổng thanh toán")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Đã hủy")
        FAILED = "failed", _("Không thành công")
        # Paid at the gateway after the request had already been paid another way: to be refunded.
        REFUND_DUE = "refund_due", _("Thu trùng, cần hoàn tiền")

    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="payments")
    order_id = models.CharField(_("mã đơn thanh toán"), max_length=40, unique=True)
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices)
    gateway = models.CharField(_("cổng thanh toán"), max_length=40, blank=True)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway_txn = models.CharField(_("mã giao dịch tại cổng"), max_length=60, blank=True)
    reference = models.CharField(_("số chứng từ"), max_length=100, blank=True)
    response_code = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    # For an online payment: the moment the gateway says it was paid (what reconciliation counts by day).
    paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # However many callbacks arrive, a request is paid once.
            models.UniqueConstraint(fields=["request"], condition=models.Q(status="paid"), name="payment_paid_once"),
        ]
        indexes = [models.Index(fields=["gateway", "status", "paid_at"], name="payment_reconcile_idx")]
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")

    def __str__(self) -> str:
        return self.order_id


class Receipt(models.Model):
    """Biên lai điện tử: the data printed and its SHA-256; the PDF is rendered from it on demand."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="receipts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    series = models.CharField(_("ký hiệu"), max_length=20)
    number = models.CharField(_("số biên lai"), max_length=20)
    total = models.PositiveBigIntegerField()
    issued_at = models.DateTimeField()
    data = models.JSONField()
    content_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "sequence"], name="receipt_number_unique")]
        verbose_name = _("biên lai điện tử")
        verbose_name_plural = _("biên lai điện tử")

    def __str__(self) -> str:
        return f"{self.series} {self.number}"


class ReceiptCounter(models.Model):
    """The last receipt number per agency and year; locked while a number is taken (gap-free)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="receipt_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.last}"


class GatewayCallback(models.Model):
    """Every callback received (IPN or browser return) and what we answered: failures stay visible."""

    received_at = models.DateTimeField()
    source = models.CharField(max_length=10)  # "ipn" or "return"
    gateway = models.CharField(max_length=40)
    order_id = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict)
    answer = models.CharField(max_length=20)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["order_id"], name="payment_callback_order_idx")]

    def __str__(self) -> str:
        return f"{self.source} {self.order_id} {self.answer}"


class Reconciliation(models.Model):
    """Đối soát: one day's paid online payments against the gateway's statement for that day."""

    gateway = models.CharField(max_length=40)
    day = models.DateField(_("ngày"))
    created_at = models.DateTimeField()
    matched_count = models.PositiveIntegerField(default=0)
    matched_amount = models.PositiveBigIntegerField(default=0)
    ours_count = models.PositiveIntegerField(default=0)
    ours_amount = models.PositiveBigIntegerField(default=0)
    gateway_count = models.PositiveIntegerField(default=0)
    gateway_amount = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-day", "gateway"]
        constraints = [models.UniqueConstraint(fields=["gateway", "day"], name="reconciliation_once_a_day")]
        verbose_name = _("đối soát thanh toán")
        verbose_name_plural = _("đối soát thanh toán")

    def __str__(self) -> str:
        return f"{self.gateway} {self.day}"


class Discrepancy(models.Model):
    """One line that does not match between our books and the gateway's statement."""

    class Kind(models.TextChoices):
        MISSING_HERE = "missing_here", _("Cổng đã thu nhưng hệ thống chưa ghi nhận")
        MISSING_AT_GATEWAY = "missing_at_gateway", _("Hệ thống ghi nhận nhưng cổng không có")
        AMOUNT_DIFFERS = "amount_differs", _("Số tiền khác nhau")

    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="discrepancies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order_id = models.CharField(max_length=40)
    gateway_txn = models.CharField(max_length=60, blank=True)
    our_amount = models.PositiveBigIntegerField(null=True, blank=True)
    gateway_amount = models.PositiveBigIntegerField(null=True, blank=True)
    # The agency that collected it, when the order is ours: an agency administrator sees only these.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dossier_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["reconciliation", "kind", "order_id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_id}"


class FakeGatewayTransaction(models.Model):
    """The fake payment platform's own record of an order (a real platform keeps this on its side)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        CANCELLED = "cancelled", _("Đã hủy")
        REVERSED = "reversed", _("Đã đảo giao dịch")

    order_id = models.CharField(max_length=40, unique=True)
    merchant = models.CharField(max_length=40)
    amount = models.PositiveBigIntegerField()
    description = models.CharField(max_length=255)
    return_url = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    txn_no = models.CharField(max_length=60, blank=True)
    response_code = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Delivery of the server-to-server callback (IPN): tried until the merchant answers.
    ipn_attempts = models.PositiveSmallIntegerField(default=0)
    ipn_answer = models.CharField(max_length=20, blank=True)
    ipn_delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"

"""The exchange message log: every message to or from another system, kept with its status and attempts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeMessage(models.Model):
    """One message sent to (outbox, retried until sent) or received from (deduplicated) another system.

    `reference` is unique per direction: our idempotency key for an outgoing message, the sender's
    message id for an incoming one, so the same event never makes two rows. The payload holds no
    personal identifiers (no ID number, phone, address or e-form data): only what the receiver needs.
    """

    class Direction(models.TextChoices):
        OUT = "out", _("Gửi đi")
        IN = "in", _("Nhận về")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")
        RECEIVED = "received", _("Đã nhận, chờ xử lý")
        PROCESSED = "processed", _("Đã xử lý")

    class Kind(models.TextChoices):
        STEP_REQUEST = "step_request", _("Xin ý kiến, xác minh")
        STEP_REPLY = "step_reply", _("Phản hồi")

    direction = models.CharField(_("chiều"), max_length=3, choices=Direction.choices)
    system = models.CharField(_("hệ thống"), max_length=100)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    reference = models.CharField(_("mã thông điệp"), max_length=200)
    remote_reference = models.CharField(_("mã bên kia"), max_length=200, blank=True)
    via = models.CharField(_("gửi qua"), max_length=20, blank=True)  # the backend's short name, once sent
    reply_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies", verbose_name=_("trả lời cho")
    )
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"))
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"), null=True, blank=True)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    processed_at = models.DateTimeField(_("thời điểm xử lý"), null=True, blank=True)
    processing_note = models.TextField(_("kết quả xử lý"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "reference"], name="exchange_message_reference_unique")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="exchange_message_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="exchange_message_object_idx"),
        ]
        verbose_name = _("thông điệp liên thông")
        verbose_name_plural = _("nhật ký liên thông")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.system} {self.reference} ({self.get_status_display()})"

    @property
    def answer(self) -> ExchangeMessage | None:
        """The reply to an outgoing message, if one came (prefetch `replies`)."""
        replies = list(self.replies.all())
        return replies[0] if replies else None

"""The outbox: one row per e-mail or SMS, written in the caller's transaction and sent afterwards."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.pii import mask_pii

KEY_MAX_LENGTH = 200
SUBJECT_MAX_LENGTH = 255


def mask_recipient(recipient: str) -> str:
    """The recipient with most of it hidden: `n***@example.vn`, `********78`."""
    masked = mask_pii(recipient)
    # Anything mask_pii does not recognise (it should not get here: services validate) shows nothing.
    return masked if masked != recipient else "***"


class Message(models.Model):
    """An e-mail or SMS to send once; `key` names the event so that it never produces two messages."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    key = models.CharField(_("khóa chống trùng"), max_length=KEY_MAX_LENGTH, unique=True)
    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=7, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"))
    # When the message is due: its creation, then each retry's time. The sweep looks for overdue ones.
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"))
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notif_message_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="notif_message_object_idx"),
        ]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo đã gửi và chờ gửi")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.masked_recipient} ({self.get_status_display()})"

    @property
    def masked_recipient(self) -> str:
        return mask_recipient(self.recipient)

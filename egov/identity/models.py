"""What the province administrator decides about each relying-party system (client)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientPolicy(models.Model):
    """The scopes a registered system may ask for, and who registered it; one per OAuth application."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.CASCADE, related_name="egov_policy"
    )
    allowed_scopes = models.CharField(_("phạm vi được cấp"), max_length=300)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("thời điểm đăng ký"))
    secret_rotated_at = models.DateTimeField(_("lần đổi khóa bí mật gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")

    def __str__(self) -> str:
        return str(self.application)


class UserSession(models.Model):
    """One signed-in browser of a user, so that they can see and end it (and deactivation ends them all)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(_("đăng nhập lúc"))
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    # Only the network part of the address: enough to recognise "my office", not to track a person.
    network = models.CharField(_("mạng"), max_length=50, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    def __str__(self) -> str:
        return f"{self.user} · {self.signed_in_at:%d/%m/%Y %H:%M}"


class FederatedIdentity(models.Model):
    """An account's link to the national identity service (VNeID): by ID number, with the level of assurance."""

    class Level(models.IntegerChoices):
        LEVEL_1 = 1, _("Mức 1")
        LEVEL_2 = 2, _("Mức 2")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federated_identities")
    provider = models.CharField(max_length=20, default="vneid")
    subject = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(_("mức độ định danh"), choices=Level.choices)
    linked_at = models.DateTimeField(_("liên kết lúc"))
    last_sign_in_at = models.DateTimeField(_("lần đăng nhập gần nhất"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="federated_identity_unique")]
        verbose_name = _("tài khoản định danh liên kết")
        verbose_name_plural = _("tài khoản định danh liên kết")

    def __str__(self) -> str:
        return f"{self.provider}:{self.user}"

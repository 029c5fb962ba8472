"""Electronic results: a dossier's result document, drafted then signed with the agency's certificate."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.org.models import Agency


def _draft_path(instance: Result, filename: str) -> str:
    # Unguessable names: results are served only through views that check who asks.
    return f"results/{instance.dossier.public_id}/draft-{uuid.uuid4().hex}.pdf"


def _signed_path(instance: Result, filename: str) -> str:
    return f"results/{instance.dossier.public_id}/signed-{uuid.uuid4().hex}.pdf"


class Result(models.Model):
    """The result of one dossier (kết quả giải quyết): a draft PDF, then the same PDF signed (PAdES).

    A draft is an uploaded PDF (a decision, a licence…) or the standard letter made from a text. Once
    signed it does not change: `sha256` is what the public verification page looks for.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tệp PDF tải lên")
        LETTER = "letter", _("Thông báo kết quả soạn trên hệ thống")

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="result")
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices)
    text = models.TextField(_("nội dung kết quả"), blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    draft_file = models.FileField(upload_to=_draft_path)
    draft_sha256 = models.CharField(max_length=64)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()

    number = models.CharField(_("số"), max_length=40, blank=True)
    file = models.FileField(upload_to=_signed_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    signed_at = models.DateTimeField(_("ký lúc"), null=True, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cơ quan ký")
    )
    agency_name = models.CharField(max_length=255, blank=True)  # as it was when signed

    class Meta:
        verbose_name = _("kết quả giải quyết")
        verbose_name_plural = _("kết quả giải quyết")

    def __str__(self) -> str:
        return f"{self.dossier} · {self.number or 'dự thảo'}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class ResultCounter(models.Model):
    """The last result number given per agency and year; locked while a number is taken (gap-free)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="result_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.last}"

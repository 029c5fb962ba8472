"""Dossiers (hồ sơ), their documents, the citizen-visible timeline, slips and the daily code counters."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.catalog.models import Component, FormVersion, OnlineLevel, Procedure, ProcessTemplate
from egov.org.models import Agency


class Status(models.TextChoices):
    NEW = "new", _("Mới đăng ký")
    RECEIVED = "received", _("Được tiếp nhận")
    REFUSED = "refused", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung giấy tờ")
    PAYING = "paying", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Công dân yêu cầu rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESOLVED = "resolved", _("Đã xử lý xong")
    RETURNED = "returned", _("Đã trả kết quả")


class Channel(models.TextChoices):
    DESK = "desk", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class Dossier(models.Model):
    """One application for one procedure. Status changes only through `services.dossier_transition`."""

    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("cơ quan tiếp nhận")
    )
    rule_set = models.CharField(_("bộ quy tắc"), max_length=20, default="nd118_2025")
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NEW)
    channel = models.CharField(_("kênh nộp"), max_length=8, choices=Channel.choices)
    # What the procedure said when the dossier was submitted (the catalogue may change later).
    procedure_name = models.CharField(max_length=1000)
    duration_value = models.PositiveIntegerField()
    duration_unit = models.CharField(max_length=20)
    # The procedure's online level then: the reports' online-capable and toàn trình counts use it.
    online_level = models.CharField(max_length=10, choices=OnlineLevel.choices, blank=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("tài khoản người nộp"),
    )
    applicant_name = models.CharField(_("người nộp"), max_length=200)
    applicant_personal_id = models.CharField(_("số định danh / mã số thuế"), max_length=13, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    # Applying on someone's behalf (người được ủy quyền).
    proxy_name = models.CharField(_("người được ủy quyền"), max_length=200, blank=True)
    proxy_personal_id = models.CharField(_("số định danh người được ủy quyền"), max_length=12, blank=True)
    proxy_phone = models.CharField(_("điện thoại người được ủy quyền"), max_length=15, blank=True)

    postal_waybill = models.CharField(_("số vận đơn bưu chính"), max_length=40, blank=True)
    result_by_post = models.BooleanField(_("trả kết quả qua bưu chính"), default=False)
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The internal process version in force when the dossier was received; later versions do not apply to it.
    process_template = models.ForeignKey(
        ProcessTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_data = models.JSONField(_("tờ khai điện tử"), default=dict, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    clock_start_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    # Set while the clock is stopped (waiting for the applicant's supplement during processing).
    paused_at = models.DateTimeField(_("tạm dừng tính thời hạn từ"), null=True, blank=True)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    # Kept by `services.dossier_transition` for the reports (docs/reports.md): the due moment the
    # statistics grade against (pauses count, an extension does not), when the dossier left the open
    # states (resolved, withdrawn, stopped, refused), and its grade when resolved.
    statutory_due_at = models.DateTimeField(_("hạn tính thống kê"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    timeliness = models.CharField(_("tiến độ giải quyết"), max_length=8, blank=True)
    return_channel = models.CharField(_("trả kết quả qua"), max_length=8, choices=Channel.choices, blank=True)
    return_waybill = models.CharField(_("vận đơn trả kết quả"), max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "created_at"], name="dossier_queue_idx"),
            models.Index(fields=["applicant", "created_at"], name="dossier_applicant_idx"),
            models.Index(fields=["agency", "received_at"], name="dossier_report_received_idx"),
            models.Index(fields=["agency", "finished_at"], name="dossier_report_finished_idx"),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.get_status_display()})"


def _document_path(instance: Document, filename: str) -> str:
    # Unguessable names: files are served only through a view that checks who asks.
    return f"dossiers/{instance.dossier.public_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A file attached to a dossier (giấy tờ): checked by content, hashed, stored through Django's storage."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    component = models.ForeignKey(Component, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(_("tên giấy tờ"), max_length=600)
    file = models.FileField(upload_to=_document_path)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier", "uploaded_at", "id"]
        verbose_name = _("giấy tờ")
        verbose_name_plural = _("giấy tờ")

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """An application being prepared: saved and resumed by its owner, becomes a dossier when submitted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The internal process version in force when the dossier was received; later versions do not apply to it.
    process_template = models.ForeignKey(
        ProcessTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    form_data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.owner_id})"


def _draft_path(instance: DraftFile, filename: str) -> str:
    return f"drafts/{instance.draft.public_id}/{uuid.uuid4().hex}"


class DraftFile(models.Model):
    """A file uploaded into a draft; it becomes a Document (same stored file) when the draft is submitted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(Component, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=600)
    file = models.FileField(upload_to=_draft_path)
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class TimelineEvent(models.Model):
    """What happened to a dossier, as the applicant sees it (the audit trail keeps the full detail)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=200)
    status_from = models.CharField(max_length=12, blank=True)
    status_to = models.CharField(max_length=12, choices=Status.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.status_from}→{self.status_to}"


class Slip(models.Model):
    """A slip issued to the applicant (receipt, supplement request, refusal), with its content hash."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="slips")
    kind = models.CharField(max_length=20)
    issued_at = models.DateTimeField()
    content_hash = models.CharField(max_length=64)
    data = models.JSONField()

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier} {self.kind}"


class Extension(models.Model):
    """The one extension (gia hạn) a dossier may get, with the apology letter; the original date is kept."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    reason = models.TextField(_("lý do"))
    original_due_at = models.DateTimeField(_("hạn ban đầu"))
    new_due_at = models.DateTimeField(_("hẹn lại"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier} → {self.new_due_at:%d/%m/%Y}"


class Rating(models.Model):
    """The applicant's satisfaction (1–5) after the result, once per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("mức hài lòng"))
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_to_5")]

    def __str__(self) -> str:
        return f"{self.dossier} {self.score}/5"


class DailyCounter(models.Model):
    """The last sequence number given per agency and day; locked while a code is taken (gap-free)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.last}"

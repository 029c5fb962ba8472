"""Procedures (thủ tục hành chính), their sectors, fees and dossier components."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.core.calendar import DurationUnit
from egov.org.models import Agency


class Sector(models.Model):
    """Lĩnh vực."""

    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)
    name_folded = models.CharField(max_length=200, editable=False)

    class Meta:
        ordering = ["name_folded"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class ProcedureStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công bố")
    SUSPENDED = "suspended", _("Tạm ngừng")


class Procedure(models.Model):
    """Thủ tục hành chính, as published by the province's decision."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực"))
    at_province = models.BooleanField(_("cấp tỉnh"), default=False)
    at_commune = models.BooleanField(_("cấp xã"), default=False)
    owner = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="owned_procedures",
        verbose_name=_("cơ quan quản lý thủ tục"),
        help_text=_("Cơ quan chủ trì, cập nhật và đề nghị công bố thủ tục."),
    )
    implementing_agency = models.CharField(_("cơ quan thực hiện"), max_length=300)
    receiving_agency = models.CharField(_("nơi tiếp nhận hồ sơ"), max_length=300)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices)
    duration_value = models.PositiveIntegerField(_("thời hạn giải quyết"))
    duration_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=20,
        choices=[
            (DurationUnit.WORKING_DAYS.value, _("ngày làm việc")),
            (DurationUnit.CALENDAR_DAYS.value, _("ngày")),
        ],
    )
    duration_note = models.CharField(_("ghi chú thời hạn"), max_length=1000, blank=True)
    # DESIGN.md §4: waiting for fees (`paying`) stops the legal clock only where the procedure says so.
    payment_pauses_clock = models.BooleanField(
        _("tạm dừng tính thời gian khi chờ thực hiện nghĩa vụ tài chính"), default=False
    )
    min_assurance_level = models.PositiveSmallIntegerField(
        _("mức định danh tối thiểu khi nộp trực tuyến"),
        default=0,
        choices=[(0, _("Tài khoản của Cổng")), (1, _("VNeID mức 1")), (2, _("VNeID mức 2"))],
    )
    applicants = models.CharField(_("đối tượng thực hiện"), max_length=300, blank=True)
    eligibility = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True, help_text=_("Mỗi văn bản một dòng."))
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True)
    decision_date = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ProcedureStatus.choices, default=ProcedureStatus.DRAFT
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    # Folded name and code / name, sector, result: what search matches against (see selectors).
    name_folded = models.CharField(max_length=1000, editable=False)
    search_text = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_folded"]
        indexes = [models.Index(fields=["status", "sector"], name="procedure_status_sector_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_province=True) | models.Q(at_commune=True), name="procedure_has_level"
            ),
        ]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def levels(self) -> list[str]:
        return [lvl for lvl, on in (("province", self.at_province), ("commune", self.at_commune)) if on]

    @property
    def legal_basis_lines(self) -> list[str]:
        return [line.strip() for line in self.legal_basis.splitlines() if line.strip()]

    @property
    def total_fees(self) -> int:
        return sum(f.amount or 0 for f in self.fees.all())


class Fee(models.Model):
    """Phí or lệ phí of a procedure; amount in đồng, or empty when it depends on the case (see note)."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Phí")
        CHARGE = "charge", _("Lệ phí")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên khoản thu"), max_length=300)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    """Thành phần hồ sơ: a document the applicant supplies, with its blank form if there is one."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=600)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    required = models.BooleanField(_("bắt buộc"), default=True)
    form_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=300, blank=True)
    form_file = models.FileField(_("tệp mẫu"), upload_to="catalog/forms/", blank=True)

    class Meta:
        ordering = ["procedure", "position", "id"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name


class SearchWord(models.Model):
    """Every folded word of the published catalogue: the vocabulary that misspelt queries are corrected against."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("từ tìm kiếm")
        verbose_name_plural = _("từ tìm kiếm")

    def __str__(self) -> str:
        return self.word


class FormVersion(models.Model):
    """One version of a procedure's e-form; a dossier keeps the version it was filled in."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="form_versions")
    number = models.PositiveIntegerField()
    fields = models.JSONField(default=list)
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="form_version_unique")]
        verbose_name = _("phiên bản tờ khai")
        verbose_name_plural = _("phiên bản tờ khai")

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"


class ProcessTemplate(models.Model):
    """One version of a procedure's internal process (quy trình nội bộ); a dossier keeps its version."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="process_templates")
    number = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="process_template_unique")]
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")

    def __str__(self) -> str:
        return f"{self.procedure.code} quy trình v{self.number}"


class ProcessStep(models.Model):
    """One step: where it runs, who does it, and its share of the legal time."""

    class Where(models.TextChoices):
        RECEIVING = "receiving", _("Cơ quan tiếp nhận hồ sơ")
        OWNER = "owner", _("Cơ quan quản lý thủ tục")
        AGENCY = "agency", _("Một cơ quan cụ thể")
        CENTRAL = "central", _("Bộ, ngành trung ương (qua kết nối)")

    class Actor(models.TextChoices):
        RECEIVER = "receiver", _("Cán bộ tiếp nhận")
        SPECIALIST = "specialist", _("Chuyên viên")
        LEADER = "leader", _("Lãnh đạo")
        OTHER_AGENCY = "other_agency", _("Cơ quan khác")

    template = models.ForeignKey(ProcessTemplate, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(_("tên bước"), max_length=300)
    where = models.CharField(_("thực hiện tại"), max_length=10, choices=Where.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    central_system = models.CharField(_("hệ thống trung ương"), max_length=100, blank=True)
    actor = models.CharField(_("người thực hiện"), max_length=20, choices=Actor.choices)
    share_percent = models.PositiveSmallIntegerField(_("tỷ lệ thời gian (%)"))

    class Meta:
        ordering = ["template", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

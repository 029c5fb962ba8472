"""Administrative units (current and historic) and the agencies that serve them."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Government level (two-level local government since 1 July 2025)."""

    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class Unit(models.Model):
    """An administrative unit with its official code; abolished units stay, inactive, with a successor."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố trực thuộc trung ương")
        DISTRICT = "district", _("Quận/huyện/thị xã (trước 1/7/2025)")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")

    code = models.CharField(_("mã đơn vị"), max_length=10)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    valid_until = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    class Meta:
        ordering = ["kind", "name_folded"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="unit_kind_code_unique")]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> Unit:
        """The unit that carries this one's duties today (itself when still active)."""
        unit = self
        seen = set()
        while not unit.is_active and unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor  # type: ignore[assignment]
        return unit


eid_code_validator = RegexValidator(
    r"^[0-9A-Z.]{1,35}$", _("Mã định danh điện tử chỉ gồm chữ in hoa, chữ số và dấu chấm, tối đa 35 ký tự.")
)


class Agency(models.Model):
    """A public agency: the provincial People's Committee, a department, the service centre, a commune PC."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        OFFICE = "office", _("Văn phòng")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
        INSPECTORATE = "inspectorate", _("Thanh tra")
        OTHER = "other", _("Khác")

    eid_code = models.CharField(_("mã định danh điện tử"), max_length=35, unique=True, validators=[eid_code_validator])
    slug = models.SlugField(_("đường dẫn"), max_length=60, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("địa bàn"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("còn hoạt động"), default=True)
    valid_until = models.DateField(_("ngừng hoạt động từ"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("cơ quan kế thừa"),
    )

    class Meta:
        ordering = ["level", "kind", "name_folded"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.name

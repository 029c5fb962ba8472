"""The one user model for citizens, businesses and officials; roles are held per agency."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.org.models import Agency


class User(AbstractUser):
    """Anyone who signs in. `public_id` is the stable subject that single sign-on will hand out."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        BUSINESS = "business", _("Doanh nghiệp, tổ chức")
        OFFICIAL = "official", _("Cán bộ, công chức")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại tài khoản"), max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ và tên / tên tổ chức"), max_length=200)
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, null=True, blank=True, unique=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=13, null=True, blank=True, unique=True)
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_official(self) -> bool:
        return self.kind == self.Kind.OFFICIAL


class Role(models.TextChoices):
    RECEIVER = "receiver", _("Cán bộ tiếp nhận (Một cửa)")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")


class OfficialRole(models.Model):
    """One role of one official in one agency; an official may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="official_roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"], name="official_role_unique")]
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency}"


class BusinessMember(models.Model):
    """A person who acts for a business account: its legal representative, or staff who apply for it."""

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("Người đại diện theo pháp luật")
        APPLICANT = "applicant", _("Người được ủy quyền nộp hồ sơ")

    business = models.ForeignKey(User, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="businesses")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(_("thêm lúc"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["business", "member"], name="business_member_unique")]
        verbose_name = _("thành viên doanh nghiệp")
        verbose_name_plural = _("thành viên doanh nghiệp")

    def __str__(self) -> str:
        return f"{self.member} · {self.get_role_display()} · {self.business}"

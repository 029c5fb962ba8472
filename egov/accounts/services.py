"""Creating accounts and granting roles; each write is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.org.models import Agency

from .models import BusinessMember, OfficialRole, User
from .validation import normalize_personal_id, normalize_tax_code


def _create(
    *, actor: Any, clock: Clock, username: str, password: str, kind: str, full_name: str, **fields: Any
) -> User:
    user = User.objects.create_user(
        username=username, password=password, kind=kind, full_name=full_name.strip(), **fields
    )
    audit_record(actor=actor, action=f"accounts.{kind}.create", obj=user, changes={"kind": kind}, clock=clock)
    return user


@transaction.atomic
def citizen_create(
    *,
    actor: Any,
    personal_id: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    clock: Clock = system_clock,
) -> User:
    """A citizen account; the personal ID (CCCD) is also the sign-in name."""
    pid = normalize_personal_id(personal_id, today=clock.now().date())
    if User.objects.filter(personal_id=pid).exists():
        raise DomainError("accounts.personal_id_taken", _("Số định danh cá nhân này đã có tài khoản."))
    return _create(
        actor=actor,
        clock=clock,
        username=pid,
        password=password,
        kind=User.Kind.CITIZEN,
        full_name=full_name,
        personal_id=pid,
        email=email,
        phone=phone,
        address=address,
    )


@transaction.atomic
def business_create(
    *,
    actor: Any,
    tax_code: str,
    name: str,
    password: str,
    email: str = "",
    phone: str = "",
    address: str = "",
    clock: Clock = system_clock,
) -> User:
    """A business (organisation) account; the tax code is also the sign-in name."""
    code = normalize_tax_code(tax_code)
    if User.objects.filter(tax_code=code).exists():
        raise DomainError("accounts.tax_code_taken", _("Mã số thuế này đã có tài khoản."))
    return _create(
        actor=actor,
        clock=clock,
        username=code,
        password=password,
        kind=User.Kind.BUSINESS,
        full_name=name,
        tax_code=code,
        email=email,
        phone=phone,
        address=address,
    )


@transaction.atomic
def official_create(
    *,
    actor: Any,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    roles: list[tuple[Agency, str]] | None = None,
    clock: Clock = system_clock,
) -> User:
    """An official's account with roles per agency."""
    if User.objects.filter(username=username).exists():
        raise DomainError("accounts.username_taken", _("Tên đăng nhập đã được dùng."))
    user = _create(
        actor=actor,
        clock=clock,
        username=username,
        password=password,
        kind=User.Kind.OFFICIAL,
        full_name=full_name,
        email=email,
    )
    for agency, role in roles or []:
        official_role_grant(actor=actor, user=user, agency=agency, role=role, clock=clock)
    return user


@transaction.atomic
def official_role_grant(
    *, actor: Any, user: User, agency: Agency, role: str, clock: Clock = system_clock
) -> OfficialRole:
    if user.kind != User.Kind.OFFICIAL:
        raise DomainError("accounts.not_official", _("Chỉ cán bộ, công chức mới được giao vai trò."))
    grant, _created = OfficialRole.objects.get_or_create(user=user, agency=agency, role=role)
    audit_record(
        actor=actor,
        action="accounts.role.grant",
        obj=user,
        changes={"role": role, "agency": agency.eid_code},
        clock=clock,
    )
    return grant


def _may_manage_members(actor: Any, business: User) -> bool:
    return (
        actor.pk == business.pk
        or BusinessMember.objects.filter(
            business=business, member=actor, role=BusinessMember.Role.REPRESENTATIVE
        ).exists()
    )


@transaction.atomic
def business_member_add(
    *, actor: Any, business: User, personal_id: str, role: str, clock: Clock = system_clock
) -> BusinessMember:
    """The business (or its legal representative) lets a person with a citizen account act for it."""
    if business.kind != User.Kind.BUSINESS or not _may_manage_members(actor, business):
        raise PermissionDenied(
            "accounts.not_representative", _("Chỉ doanh nghiệp hoặc người đại diện mới quản lý thành viên.")
        )
    if role not in BusinessMember.Role.values:
        raise DomainError("accounts.bad_role", _("Vai trò không hợp lệ."))
    person = User.objects.filter(personal_id=normalize_personal_id(personal_id), kind=User.Kind.CITIZEN).first()
    if person is None:
        raise DomainError(
            "accounts.no_such_citizen",
            _("Chưa có tài khoản công dân với số định danh này; người đó cần đăng ký (hoặc đăng nhập VNeID) trước."),
        )
    member, created = BusinessMember.objects.update_or_create(
        business=business, member=person, defaults={"role": role, "added_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action="accounts.business.member_add" if created else "accounts.business.member_role",
        obj=business,
        changes={"member": str(person.public_id), "role": role},
        clock=clock,
    )
    return member


@transaction.atomic
def business_member_remove(*, actor: Any, member: BusinessMember, clock: Clock = system_clock) -> None:
    business = member.business
    if not _may_manage_members(actor, business):
        raise PermissionDenied(
            "accounts.not_representative", _("Chỉ doanh nghiệp hoặc người đại diện mới quản lý thành viên.")
        )
    audit_record(
        actor=actor,
        action="accounts.business.member_remove",
        obj=business,
        changes={"member": str(member.member.public_id)},
        clock=clock,
    )
    member.delete()

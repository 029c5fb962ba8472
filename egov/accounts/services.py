"""Creating accounts and granting roles; each write is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError
from egov.org.models import Agency

from .models import OfficialRole, User
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

"""Who may do what: the role checks every other app uses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.org.models import Agency

from .models import BusinessMember, OfficialRole, Role


def _roles(user: Any) -> list[OfficialRole]:
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.kind != "official":
        return []
    cached: list[OfficialRole] | None = getattr(user, "_egov_roles", None)
    if cached is None:
        cached = list(OfficialRole.objects.filter(user=user).select_related("agency"))
        user._egov_roles = cached
    return cached


def user_is_official(user: Any) -> bool:
    return bool(_roles(user))


def user_is_province_admin(user: Any) -> bool:
    return any(r.role == Role.PROVINCE_ADMIN for r in _roles(user))


def user_agencies(user: Any, roles: set[str] | None = None) -> list[Agency]:
    """Agencies where `user` holds one of `roles` (any role when None)."""
    seen: dict[int, Agency] = {}
    for r in _roles(user):
        if roles is None or r.role in roles:
            seen.setdefault(r.agency_id, r.agency)
    return list(seen.values())


def user_holds_role(user: Any, agency: Agency, roles: set[str]) -> bool:
    """True if `user` holds one of `roles` in `agency` itself: for the work that is that agency's own (the
    desk's decisions, its cash), where a province administrator has no say."""
    return any(r.agency_id == agency.pk and r.role in roles for r in _roles(user))


def user_has_role(user: Any, agency: Agency, roles: set[str]) -> bool:
    """True if `user` holds one of `roles` in `agency`, or is a province administrator."""
    return user_is_province_admin(user) or user_holds_role(user, agency, roles)


def official_roles(user: Any) -> QuerySet[OfficialRole]:
    return OfficialRole.objects.filter(user=user).select_related("agency")


def user_businesses(user: Any) -> list[Any]:
    """The business accounts `user` may act for: itself if it is one, and those it is a member of."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    found = [
        m.business
        for m in BusinessMember.objects.filter(member=user, business__is_active=True).select_related("business")
    ]
    return [user, *found] if user.kind == "business" else found


def user_acts_for(user: Any, account_id: int | None) -> bool:
    """True if `user` is the account `account_id` or a member of that business account."""
    if account_id is None or not getattr(user, "is_authenticated", False):
        return False
    return account_id == user.pk or BusinessMember.objects.filter(member=user, business_id=account_id).exists()


def business_members(business: Any) -> QuerySet[BusinessMember]:
    return BusinessMember.objects.filter(business=business).select_related("member").order_by("added_at")

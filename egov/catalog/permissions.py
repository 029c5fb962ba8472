"""Who may edit, publish and suspend which procedure."""

from __future__ import annotations

from typing import Any

from egov.accounts.models import Role
from egov.accounts.selectors import user_agencies, user_has_role, user_is_province_admin
from egov.org.models import Agency

EDIT_ROLES = {Role.SPECIALIST.value, Role.LEADER.value, Role.AGENCY_ADMIN.value}
PUBLISH_ROLES = {Role.LEADER.value, Role.AGENCY_ADMIN.value}


def can_edit_for(user: Any, agency: Agency) -> bool:
    return user_has_role(user, agency, EDIT_ROLES)


def can_publish_for(user: Any, agency: Agency) -> bool:
    return user_has_role(user, agency, PUBLISH_ROLES)


def can_use_catalog_office(user: Any) -> bool:
    """Any official who may edit some agency's procedures (or a province administrator)."""
    return user_is_province_admin(user) or bool(user_agencies(user, EDIT_ROLES))

"""Reads of identity data."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from .models import FederatedIdentity


def user_assurance_level(user: Any) -> int:
    """The level of assurance VNeID gave this account at its last sign-in there (0: never through VNeID)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    found = FederatedIdentity.objects.filter(user_id=user.pk).aggregate(level=Max("level"))["level"]
    return int(found or 0)

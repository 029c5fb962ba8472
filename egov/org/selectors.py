"""Reads of units and agencies."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from .models import Agency, Unit


def province_unit() -> Unit:
    return Unit.objects.get(kind=Unit.Kind.PROVINCE, code=str(settings.PROVINCE_CODE))


def unit_list_current() -> QuerySet[Unit]:
    """Communes, wards and the special zone of the province today."""
    return Unit.objects.filter(
        parent__code=str(settings.PROVINCE_CODE), parent__kind=Unit.Kind.PROVINCE, is_active=True
    ).exclude(kind=Unit.Kind.DISTRICT)


def agency_list_active() -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).select_related("unit")


def agency_get_by_slug(slug: str) -> Agency | None:
    return Agency.objects.filter(slug=slug).first()

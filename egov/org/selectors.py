"""Reads of units and agencies."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
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


SUCCESSORS_CACHE_KEY = "org:agency-successors"


def agency_successor_map() -> dict[int, int]:
    """Every agency that stopped and has a successor → the agency carrying its duties today (any depth).

    Cached like the calendar (CALENDAR_CACHE_SECONDS at most); saving or deleting an agency drops it."""
    cached = cache.get(SUCCESSORS_CACHE_KEY)
    if cached is not None:
        return dict(cached)
    successor = dict(Agency.objects.filter(is_active=False, successor__isnull=False).values_list("pk", "successor_id"))
    result: dict[int, int] = {}
    for pk, nxt in successor.items():
        seen = {pk}
        while nxt in successor and nxt not in seen:
            seen.add(nxt)
            nxt = successor[nxt]
        result[pk] = nxt
    cache.set(SUCCESSORS_CACHE_KEY, result, settings.CALENDAR_CACHE_SECONDS)
    return result


def agency_successors_forget(**_kwargs: object) -> None:
    """Signal receiver: an agency was saved or deleted (services, admin), so the map is recomputed."""
    cache.delete(SUCCESSORS_CACHE_KEY)

"""Reads for the reports: the counts behind every indicator, the dossiers behind every count, who sees what.

Each count is one `Q` over `dossiers.Dossier` (`count_q`): the aggregate and the drill-down list use the
same condition, so a list always holds exactly the dossiers its number counts. `indicator_counts` is the
one entry point callers use; it reads raw dossiers (`REPORTS_SOURCE = "raw"`), or, with `"facts"`, the
pre-aggregated facts for a period they cover (facts.py), without callers changing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from egov.accounts.selectors import user_agencies, user_is_official
from egov.catalog.models import Component, Fee, OnlineLevel, Procedure, ProcedureStatus
from egov.core.errors import PermissionDenied
from egov.dossiers.models import Channel, Document, Dossier, Status
from egov.org.models import Agency, Unit
from egov.org.selectors import agency_successor_map
from egov.payments.models import Method, Payment, PaymentRequest

from .indicators import COUNT_BY_KEY, COUNT_KEYS, Period, add_counts, zero_counts

CAPABLE = (OnlineLevel.FULL, OnlineLevel.PARTIAL)

# --- scope and who may read it ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which dossiers a report covers: agencies (None: all), and optional sector, level and commune."""

    agency_ids: tuple[int, ...] | None = None
    sector_id: int | None = None
    level: str = ""
    unit_ids: tuple[int, ...] = field(default=())

    def q(self, *, sector: str = "procedure__sector_id") -> Q:
        """The condition on dossiers, or on fact rows (`sector="sector_id"`: there the sector is a column)."""
        q = Q()
        if self.agency_ids is not None:
            q &= Q(agency_id__in=self.agency_ids)
        if self.sector_id:
            q &= Q(**{sector: self.sector_id})
        if self.level:
            q &= Q(agency__level=self.level)
        if self.unit_ids:
            q &= Q(agency__unit_id__in=self.unit_ids)
        return q


def report_sees_all(user: Any) -> bool:
    """A province role (REPORTS_PROVINCE_ROLES: province administrators by default) reads every agency."""
    return bool(user_agencies(user, set(settings.REPORTS_PROVINCE_ROLES)))


def report_agencies(user: Any) -> list[Agency]:
    """The agencies whose figures `user` may read: every agency for a province role, else their own."""
    if not user_is_official(user):
        raise PermissionDenied("reports.denied", _("Báo cáo dành cho cán bộ, công chức."))
    if report_sees_all(user):
        return list(Agency.objects.order_by("level", "name_folded"))
    return sorted(user_agencies(user), key=lambda a: (a.level, a.name_folded))


def report_scope_for_user(
    user: Any,
    *,
    agency_id: str | int | None = None,
    sector_id: int | None = None,
    level: str = "",
    unit_id: int | None = None,
) -> Scope:
    """The scope a request asks for, limited to what `user` may read; naming another agency is refused."""
    allowed = report_agencies(user)
    everything = report_sees_all(user)
    if agency_id not in (None, ""):
        chosen = next((a for a in allowed if str(a.pk) == str(agency_id)), None)
        if chosen is None:
            raise PermissionDenied("reports.agency_denied", _("Bạn không xem được số liệu của cơ quan này."))
        ids: tuple[int, ...] | None = (chosen.pk,)
    else:
        ids = None if everything else tuple(a.pk for a in allowed)
    if ids is not None:  # an agency's figures include those of the agencies it succeeded
        successors = agency_successor_map()
        ids = tuple(sorted({*ids, *(old for old, new in successors.items() if new in ids)}))
    units = unit_with_predecessors(unit_id) if unit_id else ()
    return Scope(agency_ids=ids, sector_id=sector_id or None, level=level, unit_ids=units)


def unit_with_predecessors(unit_id: int) -> tuple[int, ...]:
    """A unit and the abolished units it succeeded (any depth): old dossiers roll up into today's unit."""
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = set(Unit.objects.filter(successor_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return tuple(sorted(found))


# --- the counts as conditions on dossiers ------------------------------------------------------------------


def _finished_in(lo: datetime, hi: datetime) -> Q:
    return Q(finished_at__gte=lo, finished_at__lt=hi)


def _open_at(moment: datetime) -> Q:
    return Q(received_at__lt=moment) & (Q(finished_at__isnull=True) | Q(finished_at__gte=moment))


def count_q(key: str, period: Period, now: datetime) -> Q:
    """The condition that puts a dossier in count `key` for `period` (docs/reports.md, one section per key)."""
    lo, hi, end = period.lo, period.hi, period.as_of(now)
    received_new = Q(received_at__gte=lo, received_at__lt=hi)
    resolved = Q(status__in=[Status.RESOLVED, Status.RETURNED]) & _finished_in(lo, hi)
    received_done = Q(received_at__isnull=False)
    fee = Exists(PaymentRequest.objects.filter(dossier=OuterRef("pk"), requested_at__gte=lo, requested_at__lt=hi))
    paid_online = Exists(
        Payment.objects.filter(
            request__dossier=OuterRef("pk"),
            request__requested_at__gte=lo,
            request__requested_at__lt=hi,
            method=Method.ONLINE,
            status=Payment.Status.PAID,
            paid_at__lt=hi,
        )
    )
    missing_component = Exists(
        Component.objects.filter(procedure=OuterRef("procedure"), required=True).exclude(
            Exists(Document.objects.filter(dossier=OuterRef(OuterRef("pk")), component=OuterRef("pk")))
        )
    )
    any_document = Exists(Document.objects.filter(dossier=OuterRef("pk")))
    conditions: dict[str, Callable[[], Q]] = {
        "received_new": lambda: received_new,
        "carried_over": lambda: _open_at(lo),
        "handled": lambda: Q(received_at__lt=hi) & (Q(finished_at__isnull=True) | Q(finished_at__gte=lo)),
        "resolved": lambda: resolved,
        "resolved_early": lambda: resolved & Q(timeliness="early"),
        "resolved_on_time": lambda: resolved & Q(timeliness="on_time"),
        "resolved_in_time": lambda: resolved & Q(timeliness__in=["early", "on_time"]),
        "resolved_overdue": lambda: resolved & Q(timeliness="overdue"),
        "resolved_extended": lambda: resolved & Q(extension__isnull=False),
        "open_end": lambda: _open_at(end),
        "open_end_on_time": lambda: _open_at(end) & (Q(statutory_due_at__gte=end) | Q(statutory_due_at__isnull=True)),
        "open_end_overdue": lambda: _open_at(end) & Q(statutory_due_at__lt=end),
        "withdrawn": lambda: received_done & Q(status=Status.WITHDRAWN) & _finished_in(lo, hi),
        "stopped": lambda: received_done & Q(status=Status.STOPPED) & _finished_in(lo, hi),
        "received_online": lambda: received_new & Q(channel=Channel.ONLINE),
        "received_postal": lambda: received_new & Q(channel=Channel.POSTAL),
        "received_capable": lambda: received_new & Q(online_level__in=CAPABLE),
        "received_capable_online": lambda: received_new & Q(online_level__in=CAPABLE, channel=Channel.ONLINE),
        "received_full": lambda: received_new & Q(online_level=OnlineLevel.FULL),
        "received_full_online": lambda: received_new & Q(online_level=OnlineLevel.FULL, channel=Channel.ONLINE),
        "fee_dossiers": lambda: Q(fee),
        "paid_online": lambda: Q(fee) & Q(paid_online),
        "not_online_received": lambda: received_new & ~Q(channel=Channel.ONLINE),
        "digitised": lambda: received_new & ~Q(channel=Channel.ONLINE) & Q(any_document) & ~Q(missing_component),
        "results_signed": lambda: resolved & Q(result__signed_at__isnull=False),
        "rated": lambda: Q(rating__created_at__gte=lo, rating__created_at__lt=hi),
        "satisfied": lambda: Q(rating__created_at__gte=lo, rating__created_at__lt=hi, rating__score__gte=4),
        "score_sum": lambda: Q(rating__created_at__gte=lo, rating__created_at__lt=hi),
    }
    return conditions[key]()


# --- the aggregate ---------------------------------------------------------------------------------------------

GROUPS = {"agency": "agency_id", "sector": "procedure__sector_id", "level": "agency__level", "unit": "agency__unit_id"}


def _raw_counts(*, period: Period, scope: Scope, group_by: str, now: datetime) -> dict[Any, dict[str, int]]:
    aggregates: dict[str, Any] = {}
    for key in COUNT_KEYS:
        condition = count_q(key, period, now)
        aggregates[key] = (
            Sum("rating__score", filter=condition) if key == "score_sum" else Count("pk", filter=condition)
        )
    # Only dossiers that touch the period at all: received before its end (or rated in it).
    touching = Q(received_at__lt=period.hi) | Q(rating__created_at__gte=period.lo, rating__created_at__lt=period.hi)
    rows = Dossier.objects.filter(scope.q() & touching).order_by().values(GROUPS[group_by]).annotate(**aggregates)
    result: dict[Any, dict[str, int]] = {}
    for row in rows:
        counts = zero_counts()
        counts.update({k: int(row[k] or 0) for k in COUNT_KEYS})
        result[row[GROUPS[group_by]]] = counts
    return result


def indicator_counts(
    *, period: Period, scope: Scope, now: datetime, group_by: str = "agency"
) -> dict[Any, dict[str, int]]:
    """Every count for `period`, per group (agency id, sector id, level or unit id) within `scope`.

    Groups with no dossier are absent; `province_counts` sums the groups into one total. By agency, an agency
    that stopped with a successor (a merger) is counted with the agency carrying its duties today."""
    source = getattr(settings, "REPORTS_SOURCE", "raw")
    if source not in ("raw", "facts"):
        raise NotImplementedError(f"REPORTS_SOURCE={source!r} is not available")
    groups = None
    if source == "facts":  # pre-aggregated, rebuilt by `manage.py reports_facts_rebuild` (facts.py)
        from .facts import fact_counts, facts_cover

        if facts_cover(period, now) is not None:
            groups = fact_counts(period=period, scope=scope, group_by=group_by)
    if groups is None:
        groups = _raw_counts(period=period, scope=scope, group_by=group_by, now=now)
    return _rolled_up(groups) if group_by == "agency" else groups


def indicator_snapshot(*, period: Period, now: datetime) -> datetime | None:
    """The moment the figures for `period` hold when `indicator_counts` reads them from facts (pages show it);
    None when they are read from the dossiers as they are now."""
    if getattr(settings, "REPORTS_SOURCE", "raw") != "facts":
        return None
    from .facts import facts_cover

    return facts_cover(period, now)


def _rolled_up(groups: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    successors = agency_successor_map()
    if not any(agency in successors for agency in groups):
        return groups
    merged: dict[Any, list[dict[str, int]]] = {}
    for agency, counts in groups.items():
        merged.setdefault(successors.get(agency, agency), []).append(counts)
    return {agency: add_counts(parts) for agency, parts in merged.items()}


def province_counts(groups: dict[Any, dict[str, int]]) -> dict[str, int]:
    return add_counts(groups.values())


def indicator_dossiers(*, key: str, period: Period, scope: Scope, now: datetime) -> QuerySet[Dossier]:
    """The dossiers behind count `key` (drill-down): the same condition as the aggregate."""
    if key not in COUNT_BY_KEY or not COUNT_BY_KEY[key].listable:
        raise KeyError(key)
    return (
        Dossier.objects.filter(scope.q() & count_q(key, period, now))
        .select_related("agency", "procedure")
        .order_by("received_at", "id")
    )


# --- the catalogue side of the index (procedures offered) --------------------------------------------------


def catalog_counts(agencies: list[Agency]) -> tuple[dict[int, dict[str, int]], dict[str, int]]:
    """Published procedures per agency (owned by it; a commune's: those done at commune level) and for the
    province (every published procedure once): all, online-capable, toàn trình, with fees, with fees online."""
    has_fee = Exists(Fee.objects.filter(procedure=OuterRef("pk"), amount__gt=0))
    aggregates = {
        "procedures": Count("pk"),
        "procedures_online": Count("pk", filter=Q(online_level__in=CAPABLE)),
        "procedures_full": Count("pk", filter=Q(online_level=OnlineLevel.FULL)),
        "procedures_fee": Count("pk", filter=Q(has_fee)),
        "procedures_fee_online": Count("pk", filter=Q(has_fee) & Q(online_level__in=CAPABLE)),
    }
    published = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).order_by()
    by_owner: dict[int, dict[str, Any]] = {
        row["owner_id"]: dict(row) for row in published.values("owner_id").annotate(**aggregates)
    }
    commune = published.filter(at_commune=True).aggregate(**aggregates)
    province = published.aggregate(**aggregates)
    per_agency = {}
    for agency in agencies:
        row: dict[str, Any] = commune if agency.level == "commune" else by_owner.get(agency.pk, {})
        per_agency[agency.pk] = {k: int(row.get(k) or 0) for k in aggregates}
    return per_agency, {k: int(province[k] or 0) for k in aggregates}

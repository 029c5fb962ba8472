"""Loading and maintaining units and agencies; every write is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.text import fold

from .models import Agency, Level, Unit
from .province import PROVINCIAL_AGENCIES, commune_eid_code, department_eid_code

_WARD_KINDS = {
    VietNamDivisionType.PHUONG: Unit.Kind.WARD,
    VietNamDivisionType.XA: Unit.Kind.COMMUNE,
    VietNamDivisionType.DAC_KHU: Unit.Kind.SPECIAL_ZONE,
}


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.updated += 1


def _upsert_unit(*, kind: str, code: str, defaults: dict[str, Any], report: SyncReport) -> Unit:
    defaults = {**defaults, "name_folded": fold(defaults["name"])}
    unit, created = Unit.objects.update_or_create(kind=kind, code=code, defaults=defaults)
    report.count(created)
    return unit


@transaction.atomic
def org_sync_units(*, actor: Any, clock: Clock = system_clock) -> SyncReport:
    """Load the province and every commune, ward and special zone from `vietnam-provinces`, and
    the pre-merger provinces and districts (from `vietnamadminunits`) as inactive historic units."""
    # Imported here: the legacy data set is only read when units are (re)loaded.
    from vietnamadminunits.database import query

    report = SyncReport()
    code = settings.PROVINCE_CODE
    merger = date.fromisoformat(settings.PROVINCE_MERGER_DATE)
    province_info = Province.from_code(ProvinceCode(code))
    province = _upsert_unit(
        kind=Unit.Kind.PROVINCE,
        code=str(code),
        defaults={"name": f"Tỉnh {province_info.name}", "is_active": True, "parent": None},
        report=report,
    )
    for ward in Ward.iter_by_province(ProvinceCode(code)):
        _upsert_unit(
            kind=_WARD_KINDS[ward.division_type],
            code=f"{int(ward.code):05d}",
            defaults={"name": ward.name, "parent": province, "is_active": True},
            report=report,
        )
    codes = ",".join(f"'{int(c):02d}'" for c in settings.MERGED_PROVINCE_CODES)
    rows = query(
        "SELECT DISTINCT province, provinceCode, district, districtCode FROM admin_units_legacy "
        f"WHERE provinceCode IN ({codes}) ORDER BY provinceCode, districtCode"
    )
    old_provinces: dict[str, Unit] = {}
    for row in rows:
        pcode = str(int(row["provinceCode"]))
        if pcode not in old_provinces:
            old_provinces[pcode] = (
                province
                if pcode == str(code)
                else _upsert_unit(
                    kind=Unit.Kind.PROVINCE,
                    code=pcode,
                    defaults={
                        "name": row["province"],
                        "is_active": False,
                        "valid_until": merger,
                        "successor": province,
                        "parent": None,
                    },
                    report=report,
                )
            )
        _upsert_unit(
            kind=Unit.Kind.DISTRICT,
            code=f"{int(row['districtCode']):03d}",
            defaults={
                "name": row["district"],
                "parent": old_provinces[pcode],
                "is_active": False,
                "valid_until": merger,
                "successor": province,
            },
            report=report,
        )
    audit_record(
        actor=actor,
        action="org.units.sync",
        obj=province,
        changes={"created": report.created, "updated": report.updated},
        clock=clock,
    )
    return report


@transaction.atomic
def org_sync_agencies(*, actor: Any, clock: Clock = system_clock) -> SyncReport:
    """Create or refresh the provincial agencies and one People's Committee per active commune."""
    report = SyncReport()
    suffix = settings.PROVINCE_EID_SUFFIX
    province = Unit.objects.get(kind=Unit.Kind.PROVINCE, code=str(settings.PROVINCE_CODE))
    top: Agency | None = None
    for seed in PROVINCIAL_AGENCIES:
        agency = _upsert_agency(
            slug=seed.slug,
            defaults={
                "eid_code": department_eid_code(seed.number, suffix),
                "name": seed.name,
                "short_name": seed.short_name,
                "kind": seed.kind,
                "level": Level.PROVINCE,
                "unit": province,
                "parent": top,
                "is_active": True,
            },
            report=report,
        )
        top = top or agency
    communes = Unit.objects.filter(parent=province, is_active=True).exclude(kind=Unit.Kind.DISTRICT)
    for unit in communes:
        _upsert_agency(
            slug=f"ubnd-{slugify(unit.name_folded)}-{unit.code}",
            defaults={
                "eid_code": commune_eid_code(unit.code, suffix),
                "name": f"Ủy ban nhân dân {unit.name}",
                "short_name": f"UBND {unit.name}",
                "kind": Agency.Kind.PEOPLES_COMMITTEE,
                "level": Level.COMMUNE,
                "unit": unit,
                "parent": top,
                "is_active": True,
            },
            report=report,
        )
    if top is not None:
        audit_record(
            actor=actor,
            action="org.agencies.sync",
            obj=top,
            changes={"created": report.created, "updated": report.updated},
            clock=clock,
        )
    return report


def _upsert_agency(*, slug: str, defaults: dict[str, Any], report: SyncReport) -> Agency:
    defaults = {**defaults, "name_folded": fold(defaults["name"])}
    agency, created = Agency.objects.update_or_create(slug=slug, defaults=defaults)
    report.count(created)
    return agency

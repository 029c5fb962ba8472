"""Sending a period's report to the national reporting system: the payload, its rules, the backends.

The payload is the periodic report (`exports.PeriodicReport`) as JSON: the agency's electronic code, the
period, the form's figures in total and per sector. `NATIONAL_REPORTING_BACKEND` (a dotted path) picks who
receives it; the default is `LocalFakeBackend`, which checks it as the receiver would (required keys,
non-negative integers, totals that add up, sectors that sum to the total) and answers accepted with a
reference, or rejected with the reasons. The real receiver (Hệ thống thông tin báo cáo Chính phủ / the
DVCQG reporting API) publishes no open specification we could read: a backend for it implements `submit`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .exports import COLUMN_KEYS, IDENTITIES, PeriodicReport

SCHEMA = "egov.bao-cao-tthc/1"
REQUIRED = ("schema", "agency_code", "agency_name", "period", "totals", "sectors")
PERIOD_KEYS = ("kind", "start", "end")


def province_code() -> str:
    """The code the province-wide report is sent under: NATIONAL_REPORTING_PROVINCE_CODE, else the
    electronic ID code of the provincial People's Committee (agency `ubnd-tinh`)."""
    configured = getattr(settings, "NATIONAL_REPORTING_PROVINCE_CODE", "")
    if configured:
        return str(configured)
    from egov.org.models import Agency

    return Agency.objects.filter(slug="ubnd-tinh").values_list("eid_code", flat=True).first() or ""


def build_payload(report: PeriodicReport, *, code: str) -> dict[str, Any]:
    """What is sent: plain JSON, figures as integers, keys as in `exports.COLUMNS`."""
    return {
        "schema": SCHEMA,
        "agency_code": code,
        "agency_name": report.subject,
        "scope": "agency" if report.agency else "province",
        "period": {
            "kind": report.period.kind,
            "start": report.period.start.isoformat(),
            "end": report.period.end.isoformat(),
            "label": report.period.label,
        },
        "generated_at": report.generated_at.isoformat(),
        "totals": dict(report.total),
        "sectors": [
            {"code": row.sector_slug, "name": row.sector_name, "figures": dict(row.figures)} for row in report.rows
        ],
    }


def _figures_errors(figures: Any, where: str) -> list[str]:
    if not isinstance(figures, dict):
        return [_("%(where)s: thiếu số liệu.") % {"where": where}]
    errors = []
    for key in COLUMN_KEYS:
        value = figures.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(_("%(where)s: “%(key)s” phải là số nguyên không âm.") % {"where": where, "key": key})
    if errors:
        return errors
    for total, parts in IDENTITIES:
        if figures[total] != sum(figures[p] for p in parts):
            errors.append(
                _("%(where)s: “%(total)s” (%(value)s) khác tổng %(parts)s (%(sum)s).")
                % {
                    "where": where,
                    "total": total,
                    "value": figures[total],
                    "parts": " + ".join(parts),
                    "sum": sum(figures[p] for p in parts),
                }
            )
    return errors


def validate_payload(payload: Any) -> list[str]:
    """Every reason to refuse `payload` (empty: acceptable), as the national receiver would check it."""
    if not isinstance(payload, dict):
        return [_("Nội dung báo cáo không phải là một đối tượng JSON.")]
    errors = [_("Thiếu trường bắt buộc “%(key)s”.") % {"key": k} for k in REQUIRED if k not in payload]
    if errors:
        return errors
    if payload["schema"] != SCHEMA:
        errors.append(_("Phiên bản mẫu “%(schema)s” không được hỗ trợ.") % {"schema": payload["schema"]})
    if not isinstance(payload["agency_code"], str) or not payload["agency_code"].strip():
        errors.append(_("Thiếu mã định danh cơ quan."))
    period = payload["period"]
    if not isinstance(period, dict) or any(not period.get(k) for k in PERIOD_KEYS):
        errors.append(_("Kỳ báo cáo thiếu loại kỳ, ngày bắt đầu hoặc ngày kết thúc."))
    elif str(period["start"]) > str(period["end"]):
        errors.append(_("Kỳ báo cáo có ngày bắt đầu sau ngày kết thúc."))
    errors += _figures_errors(payload["totals"], _("Tổng cộng"))
    sectors = payload["sectors"]
    if not isinstance(sectors, list):
        return [*errors, _("Danh sách lĩnh vực không hợp lệ.")]
    for i, sector in enumerate(sectors, start=1):
        where = _("Lĩnh vực %(n)s") % {"n": i}
        errors += _figures_errors(sector.get("figures") if isinstance(sector, dict) else None, where)
    if not errors:
        for key in COLUMN_KEYS:
            summed = sum(s["figures"][key] for s in sectors)
            if summed != payload["totals"][key]:
                errors.append(
                    _("Tổng các lĩnh vực của “%(key)s” (%(sum)s) khác dòng tổng cộng (%(total)s).")
                    % {"key": key, "sum": summed, "total": payload["totals"][key]}
                )
    return errors


@dataclass(frozen=True)
class Verdict:
    """The receiver's answer."""

    accepted: bool
    reference: str = ""
    errors: list[str] = field(default_factory=list)


class NationalBackend(Protocol):
    name: str

    def submit(self, payload: dict[str, Any], *, at: datetime) -> Verdict: ...


class LocalFakeBackend:
    """Stands in for the national system: validates like it and answers; its store is `NationalSubmission`."""

    name = "local-fake"

    def submit(self, payload: dict[str, Any], *, at: datetime) -> Verdict:
        # What travels is JSON: check the payload as the receiver would parse it.
        received = json.loads(json.dumps(payload))
        errors = validate_payload(received)
        if errors:
            return Verdict(accepted=False, errors=errors)
        digest = hashlib.sha256(json.dumps(received, sort_keys=True).encode()).hexdigest()[:10].upper()
        return Verdict(accepted=True, reference=f"BCQG-{at:%Y%m%d}-{digest}")


def national_backend() -> NationalBackend:
    path = getattr(settings, "NATIONAL_REPORTING_BACKEND", "egov.reports.national.LocalFakeBackend")
    backend: NationalBackend = import_string(path)()
    return backend

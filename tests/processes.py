"""A procedure whose process crosses two agencies, shared by the workflow, records and payments tests:
land registration received at a commune, examined and approved at the department, returned by the commune."""

from __future__ import annotations

from typing import Any

from egov.accounts.models import Role
from egov.catalog.models import Component, Procedure
from egov.catalog.services import process_template_save
from tests.factories import ProcedureFactory, official


def land_procedure(lam_dong: dict[str, Any], clock: Any, **fields: Any) -> Procedure:
    """1.012753 at the Department of Agriculture and Environment: 10 working days, one component, and the
    four-step process Tiếp nhận (commune desk) → Thẩm tra → Phê duyệt (department) → Trả kết quả (commune)."""
    land = lam_dong["so-nong-nghiep-moi-truong"]
    procedure = ProcedureFactory(
        **{
            "code": "1.012753",
            "owner": land,
            "published": True,
            "at_province": False,
            "at_commune": True,
            "duration_value": 10,
            "online_level": "partial",
            **fields,
        }
    )
    procedure.components.all().delete()
    procedure.fees.all().delete()
    Component.objects.create(procedure=procedure, name="Đơn đăng ký", originals=1)
    process_template_save(
        actor=official(land, Role.AGENCY_ADMIN, username="quantri.snnmt"),
        procedure=procedure,
        clock=clock,
        steps=[
            {"name": "Tiếp nhận", "where": "receiving", "actor": "receiver", "share_percent": 10},
            {"name": "Thẩm tra", "where": "agency", "agency": land, "actor": "specialist", "share_percent": 50},
            {"name": "Phê duyệt", "where": "agency", "agency": land, "actor": "leader", "share_percent": 20},
            {"name": "Trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 20},
        ],
    )
    return procedure

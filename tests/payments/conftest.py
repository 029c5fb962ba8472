"""A land registration handled across a commune and the provincial land office, with two fees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from egov.accounts.models import Role
from egov.catalog.models import Fee, Procedure
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Attachment
from egov.org.models import Agency
from egov.payments.services import LineInput, payment_request
from tests.dossiers.conftest import _media, pdf  # noqa: F401  (files under a temporary MEDIA_ROOT)
from tests.factories import UserFactory, official
from tests.processes import land_procedure


@dataclass
class Setting:
    procedure: Procedure
    land: Agency
    commune: Agency
    people: dict[str, Any]
    fixed_fee: Fee
    open_fee: Fee


@pytest.fixture
def setting(lam_dong, clock) -> Setting:
    land = lam_dong["so-nong-nghiep-moi-truong"]
    communes = lam_dong["ubnd-tinh"].children.filter(level="commune").order_by("eid_code")
    commune, other_commune = communes[0], communes[1]
    procedure = land_procedure(lam_dong, clock)
    fixed = Fee.objects.create(
        procedure=procedure, kind=Fee.Kind.CHARGE, name="Lệ phí cấp Giấy chứng nhận", amount=100000, position=1
    )
    depends = Fee.objects.create(
        procedure=procedure,
        kind=Fee.Kind.FEE,
        name="Phí thẩm định hồ sơ",
        amount=None,
        position=2,
        note="Theo diện tích",
    )
    people = {
        "desk": official(commune, Role.RECEIVER, username="motcua.xa", full_name="Nguyễn Thị Mai"),
        "specialist": official(land, Role.SPECIALIST, username="chuyenvien.snnmt"),
        "leader": official(land, Role.LEADER, username="lanhdao.snnmt"),
        "other_desk": official(other_commune, Role.RECEIVER, username="motcua.xakhac"),
        "other_leader": official(lam_dong["so-tu-phap"], Role.LEADER, username="lanhdao.stp"),
        "commune_admin": official(commune, Role.AGENCY_ADMIN, username="quantri.xa"),
        "other_admin": official(lam_dong["so-tu-phap"], Role.AGENCY_ADMIN, username="quantri.stp"),
    }
    return Setting(procedure, land, commune, people, fixed, depends)


def processing_dossier(setting: Setting, clock: Any, *, key: str = "p1", citizen: Any = None) -> Dossier:
    """A dossier received at the commune and handed to the land office's examination step."""
    citizen = citizen or UserFactory(
        citizen=True, full_name="Trần Thị Thu Hà", phone="0912000111", address="Phường Xuân Hương - Đà Lạt"
    )
    dossier = services.dossier_submit_online(
        actor=citizen,
        procedure=setting.procedure,
        agency=setting.commune,
        idempotency_key=key,
        clock=clock,
        attachments=[Attachment(component=setting.procedure.components.get(), upload=pdf())],
    )
    services.dossier_accept(actor=setting.people["desk"], dossier=dossier, clock=clock)
    services.dossier_start_processing(actor=setting.people["desk"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    return dossier


def paying_dossier(setting: Setting, clock: Any, *, key: str = "p1", amount: int = 20000) -> Dossier:
    """A processing dossier whose case officer asked for 100.000 + `amount` đồng."""
    dossier = processing_dossier(setting, clock, key=key)
    payment_request(
        actor=setting.people["specialist"],
        dossier=dossier,
        lines=[LineInput(fee_id=setting.fixed_fee.pk), LineInput(fee_id=setting.open_fee.pk, amount=amount)],
        clock=clock,
    )
    dossier.refresh_from_db()
    return dossier

"""A small, hand-counted month of dossiers at the Department of Justice (and one at Construction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest

from egov.accounts.models import Role
from egov.catalog.models import Component
from egov.catalog.services import process_template_save
from egov.core.clock import VN_TZ, FrozenClock
from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant, Attachment
from egov.payments.models import Method, Payment, PaymentRequest
from tests.dossiers.conftest import pdf
from tests.factories import ProcedureFactory, UserFactory, official
from tests.records.helpers import result_draft


def at(day: int, month: int = 3, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Office:
    """An agency whose desk receives and whose leader approves and signs, for one 3-working-day procedure."""

    agency: Any
    procedure: Any
    desk: Any
    leader: Any
    citizen: Any
    clock: FrozenClock
    made: dict[str, Dossier] = field(default_factory=dict)

    def submit(self, name: str, when: datetime, *, channel: str = "online") -> Dossier:
        self.clock.set(when)
        files = [Attachment(component=c, upload=pdf()) for c in self.procedure.components.filter(required=True)]
        if channel == "online":
            d = services.dossier_submit_online(
                actor=self.citizen,
                procedure=self.procedure,
                agency=self.agency,
                attachments=files,
                idempotency_key=f"{self.agency.slug}-{name}",
                clock=self.clock,
            )
            services.dossier_accept(actor=self.desk, dossier=d, clock=self.clock)
        else:
            d = services.dossier_register_at_desk(
                actor=self.desk,
                procedure=self.procedure,
                agency=self.agency,
                applicant=Applicant(name="Trần Văn Bình", phone="0912000222"),
                attachments=files,
                applicant_user=self.citizen,
                clock=self.clock,
            )
        services.dossier_start_processing(actor=self.desk, dossier=d, clock=self.clock)
        self.made[name] = d
        return d

    def resolve(self, name: str, when: datetime) -> Dossier:
        self.clock.set(when)
        d = self.made[name]
        result_draft(d, self.leader, self.clock)
        services.dossier_step_complete(actor=self.leader, dossier=d, clock=self.clock)
        d.refresh_from_db()
        return d


def make_office(agency: Any, clock: FrozenClock, slug: str, *, online_level: str = "full") -> Office:
    procedure = ProcedureFactory(owner=agency, published=True, online_level=online_level, duration_value=3)
    procedure.components.all().delete()
    Component.objects.create(procedure=procedure, name="Tờ khai", originals=1)
    process_template_save(
        actor=official(agency, Role.AGENCY_ADMIN, username=f"qt.{slug}"),
        procedure=procedure,
        clock=clock,
        steps=[
            {"name": "Tiếp nhận", "where": "receiving", "actor": "receiver", "share_percent": 20},
            {"name": "Phê duyệt", "where": "agency", "agency": agency, "actor": "leader", "share_percent": 80},
        ],
    )
    return Office(
        agency=agency,
        procedure=procedure,
        desk=official(agency, Role.RECEIVER, username=f"motcua.{slug}"),
        leader=official(agency, Role.LEADER, username=f"lanhdao.{slug}"),
        citizen=UserFactory(citizen=True, phone="0912000111", username=f"cd.{slug}"),
        clock=clock,
    )


def paid_request(
    dossier: Dossier,
    by: Any,
    *,
    asked: datetime,
    paid: datetime,
    method: str = Method.ONLINE,
    amount: int = 20000,
    status: str = PaymentRequest.Status.OPEN,
) -> PaymentRequest:
    """A payment request and its payment, written as the figures need them (not through the services)."""
    request = PaymentRequest.objects.create(
        dossier=dossier, lines=[], total=amount, requested_by=by, requested_at=asked, status=status
    )
    Payment.objects.create(
        request=request,
        order_id=f"ord-{request.pk}",
        method=method,
        amount=amount,
        status=Payment.Status.PAID,
        created_at=asked,
        paid_at=paid,
    )
    return request


@pytest.fixture
def month_of_march(lam_dong, clock):
    """Dossiers of the Department of Justice around March 2026 (3 working days each), as the docs count them.

    A  online, received 10/3, resolved 11/3 ................ early; rated 5
    B  desk,   received 10/3, resolved 13/3 09:00 (due 09:30) on time; rated 3
    C  online, received 10/3, supplement 11/3–16/3 (paused 3 working days: due 13/3 → 18/3), resolved 17/3: early
    D  online, received 10/3, extended on 11/3 to 20/3, resolved 18/3: overdue (graded on the original 13/3)
    E  online, received 25/2, still open: carried over into March, overdue at the end of March
    F  online, received 31/3 16:00 (clock starts 1/4), resolved 2/4: new in March, open in time at its end
    G  online, received 10/3, withdrawn 12/3
    X  Construction: online, received 10/3, resolved 11/3 (another agency's figures)
    Fees: D asked 12/3 and paid online; B asked 12/3 and paid in cash at the desk.
    """
    justice = make_office(lam_dong["so-tu-phap"], clock, "stp")
    construction = make_office(lam_dong["so-xay-dung"], clock, "sxd")
    j = justice
    j.submit("E", at(25, 2))
    for name in "ACDG":
        j.submit(name, at(10))
    j.submit("B", at(10), channel="desk")
    x = construction.submit("X", at(10))
    j.resolve("A", at(11))
    construction.resolve("X", at(11))
    clock.set(at(11))
    services.dossier_request_supplement(actor=j.leader, dossier=j.made["C"], items=["Bản sao sổ hộ khẩu"], clock=clock)
    services.dossier_extend(
        actor=j.leader, dossier=j.made["D"], new_due_at=at(20, hour=17, minute=0), reason="Cần xác minh", clock=clock
    )
    clock.set(at(12))
    services.dossier_withdraw(actor=j.citizen, dossier=j.made["G"], reason="Không cần nữa", clock=clock)
    services.dossier_return_result(actor=j.desk, dossier=j.made["A"], channel="desk", clock=clock)
    services.dossier_rate(actor=j.citizen, dossier=j.made["A"], score=5, clock=clock)
    for name, method in (("D", Method.ONLINE), ("B", Method.CASH)):
        paid_request(j.made[name], j.leader, asked=at(12), paid=at(12, minute=45), method=method, amount=50000)
    j.resolve("B", at(13, hour=9, minute=0))
    clock.set(at(13, hour=10))
    services.dossier_return_result(actor=j.desk, dossier=j.made["B"], channel="desk", clock=clock)
    services.dossier_rate(actor=j.citizen, dossier=j.made["B"], score=3, clock=clock)
    clock.set(at(16))
    supplied = [Attachment(component=None, upload=pdf())]
    services.dossier_supplement_submit(actor=j.citizen, dossier=j.made["C"], attachments=supplied, clock=clock)
    j.resolve("C", at(17))
    j.resolve("D", at(18))
    j.submit("F", at(31, hour=16, minute=0))
    j.resolve("F", at(2, month=4))
    for d in (*j.made.values(), x):
        d.refresh_from_db()
    return j, construction

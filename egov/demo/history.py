"""A year of finished dossiers for the demo, so the reports and the operations-centre dashboard show real figures.

Every dossier goes through the real services (submit or desk registration, accept, process, pay, sign, return,
rate) with a FrozenClock moved along the last 12 months, so its timeline, deadlines, timeliness, payments and
ratings are the platform's own. Outcomes (early, on time, late), channels (online, desk, postal), online payment
and ratings follow a seeded random draw, with a different lateness per agency so the ranking means something.
A dossier whose planned finish is still in the future stays open (some of them overdue now).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from egov.accounts.models import User
from egov.catalog.models import OnlineLevel, Procedure, ProcedureStatus
from egov.core.clock import VN_TZ, Clock, FrozenClock
from egov.org.models import Agency

HISTORY_DOSSIERS = 36
HISTORY_KEY = "demo-history"
TWO_STEPS = [
    {"name": "Tiếp nhận, kiểm tra hồ sơ", "where": "receiving", "actor": "receiver", "share_percent": 30},
    {"name": "Lãnh đạo phê duyệt, ký kết quả", "where": "receiving", "actor": "leader", "share_percent": 70},
]
OWNER_STEPS = [
    {"name": "Tiếp nhận tại Trung tâm Phục vụ hành chính công", "where": "receiving", "actor": "receiver",
     "share_percent": 20},
    {"name": "Lãnh đạo Sở phê duyệt, ký kết quả", "where": "owner", "actor": "leader", "share_percent": 80},
]  # fmt: skip


@dataclass(frozen=True)
class Office:
    agency: Agency
    desk: User
    procedures: list[tuple[Procedure, User]]  # the procedure and the leader who signs its result
    late_share: float


@cache
def result_pdf() -> bytes:
    """A real one-page PDF the demo CA can sign (the demo's placeholder attachment cannot be signed)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PdfFileWriter

    writer = PdfFileWriter()
    box = generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)])
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): box,
                generic.NameObject("/Resources"): generic.DictionaryObject(),
            }
        )
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _procedures(admin: User, clock: Clock, **where: Any) -> list[Procedure]:
    from egov.catalog.services import process_template_save

    found = list(
        Procedure.objects.filter(
            status=ProcedureStatus.PUBLISHED,
            online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL],
            duration_unit="working_days",
            duration_value__range=(3, 15),
            min_assurance_level=0,
            **where,
        )
        .exclude(code__in=["1.001193", "1.012753", "1.005136"])
        .order_by("code")[:2]
    )
    steps = OWNER_STEPS if where.get("at_province") else TWO_STEPS
    for procedure in found:
        if not procedure.process_templates.exists():
            process_template_save(actor=admin, procedure=procedure, steps=steps, clock=clock)
    return found


def _offices(admin: User, clock: Clock) -> list[Office]:
    from egov.demo.loader import _commune

    user = User.objects.get
    commune = _procedures(admin, clock, at_commune=True)
    justice = _procedures(admin, clock, at_province=True, owner__slug="so-tu-phap")[:1]
    construction = _procedures(admin, clock, at_province=True, owner__slug="so-xay-dung")[:1]
    centre = [(p, user(username="lanhdao.stp")) for p in justice] + [
        (p, user(username="lanhdao.sxd")) for p in construction
    ]
    return [
        Office(_commune("Xuân Hương"), user(username="motcua.xuanhuong"),
               [(p, user(username="lanhdao.xuanhuong")) for p in commune], 0.08),
        Office(_commune("Bảo Lộc"), user(username="motcua.baoloc"),
               [(p, user(username="lanhdao.baoloc")) for p in commune], 0.25),
        Office(Agency.objects.get(slug="trung-tam-phvcc"), user(username="motcua.tinh"), centre, 0.12),
    ]  # fmt: skip


def _weekday(moment: datetime, *, back: bool = False) -> datetime:
    while moment.weekday() >= 5:
        moment += timedelta(days=-1 if back else 1)
    return moment


def load_history(admin: User, clock: Clock) -> int:
    """Create the year of dossiers once (a second run changes nothing). Returns how many were made."""
    from egov.dossiers.models import Dossier

    if Dossier.objects.filter(idempotency_key__contains=f":{HISTORY_KEY}-").exists():
        return 0
    offices = [o for o in _offices(admin, clock) if o.procedures]
    citizens = list(User.objects.filter(kind=User.Kind.CITIZEN).order_by("username"))
    if not offices or not citizens:
        return 0
    now = clock.now()
    start = now - timedelta(days=360)
    draw = random.Random(766)  # noqa: S311 - demo data, reproducible
    moving = FrozenClock(start)
    with transaction.atomic():  # one commit: SQLite's fsync per service call would make `make demo` slow
        _all(offices, citizens, start, now, draw, moving)
    return HISTORY_DOSSIERS


def _all(
    offices: list[Office],
    citizens: list[User],
    start: datetime,
    now: datetime,
    draw: random.Random,
    moving: FrozenClock,
) -> None:
    for i in range(HISTORY_DOSSIERS):
        office = offices[i % len(offices)]
        procedure, leader = office.procedures[(i // len(offices)) % len(office.procedures)]
        day = start + timedelta(days=i * 360 / HISTORY_DOSSIERS + draw.uniform(0, 5))
        received = _weekday(day.astimezone(VN_TZ).replace(hour=draw.randint(8, 15), minute=draw.choice([0, 15, 30])))
        if received >= now - timedelta(hours=2):
            continue
        _one(i, office, procedure, leader, citizens[i % len(citizens)], received, now, draw, moving)


def _one(
    i: int,
    office: Office,
    procedure: Procedure,
    leader: User,
    citizen: User,
    received: datetime,
    now: datetime,
    draw: random.Random,
    clock: FrozenClock,
) -> None:
    from egov.dossiers import services
    from egov.dossiers.models import Dossier
    from egov.dossiers.services import Applicant, Attachment
    from egov.payments.gateway import fake_callback_params, fake_finish, gateway_is_fake
    from egov.payments.services import LineInput, payment_callback_apply, payment_request, payment_start_online

    channel = draw.choices(["online", "desk", "postal"], weights=[55, 35, 10])[0]
    clock.set(received)
    if channel == "online":
        files = [
            Attachment(component=c, upload=SimpleUploadedFile(f"giay-to-{c.pk}.pdf", result_pdf()))
            for c in procedure.components.filter(required=True)
        ]
        dossier = services.dossier_submit_online(
            actor=citizen,
            procedure=procedure,
            agency=office.agency,
            attachments=files,
            idempotency_key=f"{HISTORY_KEY}-{i}",
            clock=clock,
        )
        services.dossier_accept(actor=office.desk, dossier=dossier, clock=clock)
    else:
        dossier = services.dossier_register_at_desk(
            actor=office.desk,
            procedure=procedure,
            agency=office.agency,
            applicant=Applicant(name=citizen.full_name, phone=citizen.phone or "0912000000"),
            attachments=[],
            channel=channel,
            postal_waybill=f"EH{766000 + i}VN" if channel == "postal" else "",
            applicant_user=citizen,
            clock=clock,
        )
        if channel == "postal":
            services.dossier_accept(actor=office.desk, dossier=dossier, clock=clock)
    # A marker the second run looks for (desk dossiers have no idempotency key of their own).
    Dossier.objects.filter(Q(idempotency_key="") | Q(idempotency_key__isnull=True), pk=dossier.pk).update(
        idempotency_key=f"{citizen.pk}:{HISTORY_KEY}-{i}"
    )
    clock.set(received + timedelta(minutes=20))
    services.dossier_start_processing(actor=office.desk, dossier=Dossier.objects.get(pk=dossier.pk), clock=clock)
    dossier = Dossier.objects.get(pk=dossier.pk)
    due = dossier.due_at
    assert due is not None
    outcome = "late" if draw.random() < office.late_share else draw.choice(["early", "early", "on_time"])
    if outcome == "early":
        finish = _weekday(received + (due - received) * draw.uniform(0.3, 0.6), back=True)
        if finish.date() >= due.date():
            finish = received + timedelta(hours=3)
    elif outcome == "on_time":
        finish = due - timedelta(minutes=45)
    else:
        finish = _weekday(due + timedelta(days=draw.randint(1, 6)))
    backlog = i % 3 == 1 and received > now - timedelta(days=75)  # Bảo Lộc falls behind lately
    if finish >= now - timedelta(minutes=30) or backlog:
        return  # still being handled (overdue now, if its due moment has passed)
    clock.set(received + timedelta(hours=1))
    if channel == "online" and draw.random() < 0.4 and gateway_is_fake():
        payment_request(actor=leader, dossier=dossier, lines=[LineInput(amount=50_000, name="Lệ phí")], clock=clock)
        clock.set(received + timedelta(hours=2))
        payment, _url = payment_start_online(actor=citizen, dossier=dossier, return_url="/", clock=clock)
        txn = fake_finish(order_id=payment.order_id, pay=True, clock=clock)
        payment_callback_apply(params=fake_callback_params(txn), source="ipn", clock=clock)
    clock.set(finish - timedelta(minutes=10))
    upload = SimpleUploadedFile("ket-qua.pdf", result_pdf(), content_type="application/pdf")
    services.dossier_result_prepare(
        actor=leader, dossier=Dossier.objects.get(pk=dossier.pk), upload=upload, clock=clock
    )
    clock.set(finish)
    while Dossier.objects.filter(pk=dossier.pk, status="processing").exists():  # a leader may finish any step
        services.dossier_step_complete(actor=leader, dossier=Dossier.objects.get(pk=dossier.pk), clock=clock)
    handed = finish + timedelta(hours=2)
    if handed >= now:
        return
    clock.set(handed)
    back = "online" if channel == "online" else "desk"
    services.dossier_return_result(
        actor=office.desk, dossier=Dossier.objects.get(pk=dossier.pk), channel=back, clock=clock
    )
    if draw.random() < 0.7 and handed + timedelta(days=1) < now:
        clock.set(handed + timedelta(days=1))
        score = draw.choice([5, 5, 5, 4, 4, 4, 3, 2])
        services.dossier_rate(actor=citizen, dossier=Dossier.objects.get(pk=dossier.pk), score=score, clock=clock)

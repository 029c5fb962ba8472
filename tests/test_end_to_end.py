"""One land registration from the citizen's online application to their rating, through two agencies.

The story (DESIGN.md §3–§4, docs/processing.md): a citizen applies online at a commune for a land registration
that the provincial land office examines and approves; the commune desk accepts it after the 15:00 cut-off;
the land office asks for a missing paper (the clock stops), then for the fee (the clock stops again: the
procedure says so) and the citizen pays through the fake payment platform; the case officer writes the
decision, the department's leader signs it by approving, the commune hands the signed PDF back online, and
the citizen downloads it and rates the service. Every status, slip and due moment is asserted as a literal,
worked out by hand in working days (Mon–Fri, 07:00–11:30 and 13:30–17:00, 8 office hours a day; no holiday
falls in March 2026). The services run on a frozen clock moved by hand; the citizen's and officials' pages
are read with the test client (the payment platform's return page only confirms what the signed IPN already
applied), and the one page that changes something on the system clock (the rating) comes last, after every
frozen moment.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from egov.accounts.models import Role
from egov.catalog.models import Component, Fee
from egov.catalog.services import process_template_save
from egov.core.audit import AuditEvent
from egov.core.calendar import due_after_pauses, due_at, working_time_between
from egov.core.clock import VN_TZ
from egov.core.errors import DomainError
from egov.core.selectors import working_calendar
from egov.dossiers import services
from egov.dossiers.codes import parse_code
from egov.dossiers.models import Rating, Status
from egov.dossiers.services import Attachment
from egov.dossiers.slips import slip_content_hash, slip_from_json
from egov.notifications.models import Message
from egov.payments import services as payments
from egov.payments.gateway import fake_finish, fake_ipn_attempt, fake_return_url
from egov.payments.models import FakeGatewayTransaction, Receipt
from egov.payments.services import LineInput
from egov.records import pki
from egov.records.models import Result
from egov.records.signing import verify_pdf
from egov.workflow.models import StepRun
from egov.workflow.selectors import control_slip
from egov.workflow.services import step_assign
from tests.dossiers.conftest import _media, pdf  # noqa: F401  (files under a temporary MEDIA_ROOT)
from tests.factories import ProcedureFactory, UserFactory, official

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2026, Vietnam time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def steps_as_run(dossier):
    return [(r.name, r.agency.slug, r.started_at, r.due_at, r.finished_at, r.timeliness) for r in control_slip(dossier)]


def page(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return response.content.decode()


def in_order(text: str, *parts: str) -> bool:
    """Each part occurs in `text` after the previous one."""
    position = 0
    for part in parts:
        position = text.find(part, position)
        if position < 0:
            return False
        position += len(part)
    return True


def test_a_land_registration_from_application_to_rating(client, lam_dong, clock):
    land = lam_dong["so-nong-nghiep-moi-truong"]
    commune = lam_dong["ubnd-tinh"].children.filter(level="commune").order_by("eid_code").first()
    procedure = ProcedureFactory(
        code="1.012753",
        name="Đăng ký đất đai, tài sản gắn liền với đất lần đầu",
        owner=land,
        published=True,
        at_province=False,
        at_commune=True,
        duration_value=10,
        duration_unit="working_days",
        online_level="partial",
        payment_pauses_clock=True,
    )
    procedure.components.all().delete()
    procedure.fees.all().delete()
    form = Component.objects.create(procedure=procedure, name="Đơn đăng ký đất đai", originals=1)
    certificate_fee = Fee.objects.create(
        procedure=procedure, kind=Fee.Kind.CHARGE, name="Lệ phí cấp Giấy chứng nhận", amount=100000, position=1
    )
    survey_fee = Fee.objects.create(
        procedure=procedure, kind=Fee.Kind.FEE, name="Phí thẩm định hồ sơ", amount=20000, position=2
    )
    # commune → provincial land office → commune, as the demo's template for 1.012753
    process_template_save(
        actor=official(land, Role.AGENCY_ADMIN, username="quantri.snnmt"),
        procedure=procedure,
        clock=clock,
        steps=[
            {"name": "Tiếp nhận tại Bộ phận Một cửa xã", "where": "receiving", "actor": "receiver", "share_percent": 5},
            {"name": "Thẩm tra, đo đạc", "where": "agency", "agency": land, "actor": "specialist", "share_percent": 60},
            {"name": "Lãnh đạo Sở ký", "where": "agency", "agency": land, "actor": "leader", "share_percent": 20},
            {"name": "Chuyển về xã, trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 15},
        ],
    )
    desk = official(commune, Role.RECEIVER, username="motcua.xa", full_name="Nguyễn Thị Mai")
    leader = official(land, Role.LEADER, username="lanhdao.snnmt", full_name="Lê Minh Tuấn")
    specialist = official(land, Role.SPECIALIST, username="chuyenvien.snnmt", full_name="Phạm Văn Đo")
    citizen = UserFactory(
        citizen=True, full_name="Trần Thị Thu Hà", phone="0912000111", address="Phường Xuân Hương - Đà Lạt"
    )
    cal = working_calendar()

    # --- 1. Mon 09/03 08:15: the citizen applies online ------------------------------------------------------
    clock.set(at(9, 8, 15))
    dossier = services.dossier_submit_online(
        actor=citizen,
        procedure=procedure,
        agency=commune,
        idempotency_key="e2e",
        clock=clock,
        attachments=[Attachment(component=form, upload=pdf("don-dang-ky.pdf"))],
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW and dossier.channel == "online"
    assert dossier.code == f"{commune.eid_code}-260309-0001"  # the commune's first code of 09/03/2026
    assert parse_code(dossier.code) == (commune.eid_code, "260309", 1)
    assert dossier.received_at is None and dossier.due_at is None  # the clock has not started
    assert [(e.status_from, e.status_to, e.at, e.note) for e in dossier.timeline.all()] == [
        ("", Status.NEW, at(9, 8, 15), "Nộp hồ sơ trực tuyến")
    ]

    # --- 2. Mon 09/03 15:20: the commune desk accepts, after the 15:00 cut-off -----------------------------
    clock.set(at(9, 15, 20))
    services.dossier_accept(actor=desk, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(9, 15, 20)
    # After the cut-off the clock starts at 07:00 on the next working day, Tue 10/03. Ten working days are
    # 80 office hours: Tue 10, Wed 11, Thu 12, Fri 13, Mon 16 … Fri 20, Mon 23 (the weekend 14–15 and 21–22 do
    # not count), used up at 17:00 on the tenth of them: Monday 23/03/2026 at 17:00.
    assert dossier.clock_start_at == at(10, 7, 0)
    assert dossier.due_at == at(23, 17, 0)
    assert dossier.due_at == due_at(dossier.received_at, 10, "working_days", cal)  # the calendar agrees
    receipt_slip = dossier.slips.get(kind="receipt")  # Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    printed = slip_from_json(receipt_slip.data)
    assert receipt_slip.content_hash == slip_content_hash(printed) and len(receipt_slip.content_hash) == 64
    assert (printed.dossier_code, printed.received_at, printed.due_at) == (dossier.code, at(9, 15, 20), at(23, 17))
    assert printed.channel_label == "Trực tuyến" and printed.officer_name == "Nguyễn Thị Mai"
    assert [c.name for c in printed.components] == ["Đơn đăng ký đất đai"]
    assert printed.due_explanation == (
        "Hồ sơ tiếp nhận lúc 15:20 thứ Hai 09/03/2026, được tính từ 07:00 thứ Ba 10/03/2026 (nhận sau 15:00, "
        "ngoài giờ hoặc vào ngày nghỉ); thời hạn 10 ngày làm việc, không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ, "
        "nên hẹn trả kết quả lúc 17:00 thứ Hai 23/03/2026."
    )

    # --- 3. Tue 10/03 08:00: into the process; the reception step is done, the land office takes over ---------
    clock.set(at(10, 8, 0))
    services.dossier_start_processing(actor=desk, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    # Step budgets are shares of the 80 legal office hours. Reception (5 % = 4 h) counts from the reception
    # moment, Mon 15:20: 1 h 40 that afternoon, 2 h 20 on Tuesday → due Tue 09:20; finished Tue 08:00, the
    # same day: on time. Examination (60 % = 48 h = 6 working days) from Tue 10/03 08:00 → Wed 18/03 08:00.
    assert steps_as_run(dossier) == [
        ("Tiếp nhận tại Bộ phận Một cửa xã", commune.slug, at(9, 15, 20), at(10, 9, 20), at(10, 8), "on_time"),
        ("Thẩm tra, đo đạc", land.slug, at(10, 8), at(18, 8), None, ""),
    ]
    examination = StepRun.objects.get(dossier=dossier, finished_at__isnull=True)
    step_assign(actor=leader, run=examination, assignee=specialist, clock=clock)

    # --- 4. Thu 12/03 10:00: the land office asks for a supplement; the citizen answers Mon 16/03 14:00 -------
    clock.set(at(12, 10, 0))
    services.dossier_request_supplement(
        actor=specialist, dossier=dossier, items=["Sơ đồ thửa đất có xác nhận của UBND xã"], clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and dossier.paused_at == at(12, 10, 0)
    supplement_slip = slip_from_json(dossier.slips.get(kind="supplement").data)  # Phiếu yêu cầu bổ sung
    assert supplement_slip.items == ("Sơ đồ thửa đất có xác nhận của UBND xã",)
    assert supplement_slip.officer_name == "Phạm Văn Đo"
    clock.set(at(16, 14, 0))
    # Office time in the pause: Thu 10:00–11:30 and 13:30–17:00 (5 h), Fri (8 h), the weekend (0),
    # Mon 07:00–11:30 and 13:30–14:00 (5 h): 18 h, two working days and 2 h.
    assert working_time_between(at(12, 10), at(16, 14), cal) == timedelta(hours=18)
    services.dossier_supplement_submit(
        actor=citizen, dossier=dossier, attachments=[Attachment(component=None, upload=pdf("so-do.pdf"))], clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paused_at is None
    # Mon 23/03 17:00 + 18 office hours: Tue 24 (8), Wed 25 (8), Thu 26 07:00 + 2 h → Thursday 26/03 09:00.
    assert dossier.due_at == at(26, 9, 0)
    assert dossier.due_at == due_after_pauses(at(23, 17), [(at(12, 10), at(16, 14))], cal)
    # The open step moves by the same 18 h: Wed 18/03 08:00 → Fri 20/03 10:00.
    assert StepRun.objects.get(pk=examination.pk).due_at == at(20, 10, 0)
    assert dossier.timeline.last().note == (
        "Đã bổ sung giấy tờ Thời gian chờ bổ sung không tính: hẹn trả kết quả lùi đến 09:00 26/03/2026."
    )

    # --- 5. Tue 17/03 09:00: the land office asks for the fees; the citizen pays Wed 18/03 16:00 ------------
    clock.set(at(17, 9, 0))
    request = payments.payment_request(
        actor=specialist,
        dossier=dossier,
        lines=[LineInput(fee_id=certificate_fee.pk), LineInput(fee_id=survey_fee.pk)],
        clock=clock,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and dossier.paused_at == at(17, 9, 0)  # the procedure pauses
    assert request.total == 120000
    client.force_login(citizen)
    detail = page(client, reverse("dossiers:detail", args=[dossier.code]))
    assert reverse("payments:dossier", args=[dossier.code]) in detail
    fees_page = page(client, reverse("payments:dossier", args=[dossier.code]))
    assert "Lệ phí cấp Giấy chứng nhận" in fees_page and "120.000 đồng" in fees_page
    clock.set(at(18, 15, 55))
    # "Thanh toán trực tuyến" (the service the page calls, on the frozen clock), then the platform's page.
    payment, gateway_url = payments.payment_start_online(
        actor=citizen, dossier=dossier, return_url="http://testserver/thanh-toan/ket-qua/", clock=clock
    )
    assert gateway_url == f"/thanh-toan/cong-gia-lap/{payment.order_id}/"
    gateway_page = page(client, gateway_url)
    assert "Cổng thanh toán giả lập (demo)" in gateway_page and "120.000 đồng" in gateway_page
    clock.set(at(18, 16, 0))
    txn = fake_finish(order_id=payment.order_id, pay=True, clock=clock)  # the payer presses "Thanh toán"
    assert fake_ipn_attempt(txn_id=txn.pk, clock=clock) is None  # the signed IPN, answered at once
    assert FakeGatewayTransaction.objects.get(pk=txn.pk).ipn_answer == "ok"
    back = page(client, fake_return_url(txn))  # the browser comes back with the same signed parameters
    assert "Đã thanh toán 120.000 đồng" in back
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paused_at is None
    receipt = Receipt.objects.get(dossier=dossier)  # one receipt, the commune's first of 2026
    assert (receipt.series, receipt.number, receipt.total) == ("BL26E", "0000001", 120000)
    assert receipt.data["paid_at"] == at(18, 16).isoformat()
    receipt_pdf = client.get(reverse("payments:receipt", args=[receipt.public_id]))
    assert receipt_pdf.status_code == 200 and receipt_pdf.content.startswith(b"%PDF-")
    # Waiting for the payment: Tue 09:00–11:30 and 13:30–17:00 (6 h), Wed 07:00–11:30 and 13:30–16:00 (7 h):
    # 13 h. Thu 26/03 09:00 + 13 h: Thu (6 h, to 17:00), Fri 27/03 07:00 + 7 h → Friday 27/03 16:00.
    assert working_time_between(at(17, 9), at(18, 16), cal) == timedelta(hours=13)
    assert dossier.due_at == at(27, 16, 0)
    # The examination step moves by the same 13 h: Fri 20/03 10:00 → Mon 23/03 17:00.
    assert StepRun.objects.get(pk=examination.pk).due_at == at(23, 17, 0)

    # --- 6. Thu 19/03: the decision is written; Mon 23/03 14:00 the department's leader signs by approving ----
    clock.set(at(19, 10, 0))
    decision = "Đồng ý đăng ký đất đai thửa đất số 125, tờ bản đồ số 18, diện tích 312,5 m²."
    draft = services.dossier_result_prepare(actor=specialist, dossier=dossier, text=decision, clock=clock)
    assert draft.source == Result.Source.LETTER and not draft.is_signed
    clock.set(at(19, 10, 30))
    services.dossier_step_complete(actor=specialist, dossier=dossier, note="Đủ điều kiện", clock=clock)
    approval = StepRun.objects.get(dossier=dossier, finished_at__isnull=True)
    # Approval: 20 % of the 80 legal hours = 16 h (the paused time is not the agency's) from Thu 19/03 10:30:
    # Thu 4 h 30, Fri 8 h, Mon 23/03 07:00 + 3 h 30 → Mon 23/03 10:30.
    assert (approval.name, approval.agency, approval.due_at) == ("Lãnh đạo Sở ký", land, at(23, 10, 30))
    clock.set(at(23, 14, 0))
    services.dossier_step_complete(actor=leader, dossier=dossier, note="Đồng ý", clock=clock)
    result = Result.objects.get(dossier=dossier)
    assert result.is_signed and (result.number, result.signed_at) == ("01/2026/KQ", at(23, 14))
    assert (result.agency, result.signer) == (land, leader)
    with result.file.open("rb") as f:
        signed_pdf = f.read()
    check = verify_pdf(signed_pdf, roots=pki.trust_roots(), at=clock.now())
    assert check.ok and check.intact and check.trusted and not check.modified_after
    assert (check.certificate_subject, check.signer_name) == (land.name, "Lê Minh Tuấn")
    assert check.signed_at == at(23, 14) and check.sha256 == result.sha256

    # --- 7. Back to the commune; the desk finishes Tue 24/03 09:00: resolved -----------------------------------
    handback = StepRun.objects.get(dossier=dossier, finished_at__isnull=True)
    # Hand-back: 15 % = 12 h from Mon 23/03 14:00: Mon 3 h, Tue 8 h, Wed 25/03 07:00 + 1 h → 08:00.
    assert (handback.name, handback.agency, handback.due_at) == ("Chuyển về xã, trả kết quả", commune, at(25, 8))
    clock.set(at(24, 9, 0))
    services.dossier_step_complete(actor=desk, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    # The control slip: one row per step, graded against its own due moment (trước / đúng / quá hạn).
    assert steps_as_run(dossier) == [
        ("Tiếp nhận tại Bộ phận Một cửa xã", commune.slug, at(9, 15, 20), at(10, 9, 20), at(10, 8), "on_time"),
        ("Thẩm tra, đo đạc", land.slug, at(10, 8), at(23, 17), at(19, 10, 30), "early"),
        ("Lãnh đạo Sở ký", land.slug, at(19, 10, 30), at(23, 10, 30), at(23, 14), "overdue"),
        ("Chuyển về xã, trả kết quả", commune.slug, at(23, 14), at(25, 8), at(24, 9), "early"),
    ]
    assert [r.finished_by for r in control_slip(dossier)] == [
        "Nguyễn Thị Mai",
        "Phạm Văn Đo",
        "Lê Minh Tuấn",
        "Nguyễn Thị Mai",
    ]

    # --- 8. Tue 24/03 09:15: the desk returns the result online; the citizen downloads the signed PDF ---------
    clock.set(at(24, 9, 15))
    services.dossier_return_result(actor=desk, dossier=dossier, channel="online", clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_at == at(24, 9, 15)
    detail = page(client, reverse("dossiers:detail", args=[dossier.code]))
    assert "Tải kết quả đã ký số (PDF)" in detail and "01/2026/KQ" in detail
    download = client.get(reverse("dossiers:result", args=[dossier.code]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == signed_pdf

    # --- 9. The citizen rates 4/5 (the page, on the system clock: after every moment above) --------------------
    client.post(reverse("dossiers:rate", args=[dossier.code]), {"score": "4", "comment": "Cán bộ hướng dẫn tận tình"})
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.comment, rating.agency) == (4, "Cán bộ hướng dẫn tận tình", commune)
    ratings = page(client, reverse("dossiers:ratings"))
    assert in_order(ratings, commune.name, "4,00", "1 / 1")
    with pytest.raises(DomainError, match="đã được đánh giá"):
        services.dossier_rate(actor=citizen, dossier=dossier, score=5, clock=clock)
    client.post(reverse("dossiers:rate", args=[dossier.code]), {"score": "1"})  # again through the page
    assert list(Rating.objects.values_list("score", flat=True)) == [4]
    client.force_login(desk)
    assert "Cán bộ hướng dẫn tận tình" in page(client, reverse("dossiers_office:ratings"))

    # --- 10. What the citizen, the outbox and the audit trail saw --------------------------------------------
    changes = [
        ("", Status.NEW, at(9, 8, 15)),
        (Status.NEW, Status.RECEIVED, at(9, 15, 20)),
        (Status.RECEIVED, Status.PROCESSING, at(10, 8)),
        (Status.PROCESSING, Status.SUPPLEMENT, at(12, 10)),
        (Status.SUPPLEMENT, Status.PROCESSING, at(16, 14)),
        (Status.PROCESSING, Status.PAYING, at(17, 9)),
        (Status.PAYING, Status.PROCESSING, at(18, 16)),
        (Status.PROCESSING, Status.RESOLVED, at(24, 9)),
        (Status.RESOLVED, Status.RETURNED, at(24, 9, 15)),
    ]
    assert [(e.status_from, e.status_to, e.at) for e in dossier.timeline.all()] == changes
    paid_note = dossier.timeline.get(status_from=Status.PAYING).note
    assert paid_note == (
        "Đã nộp 120.000 đồng (Trực tuyến qua cổng thanh toán); biên lai số BL26E-0000001. Thời gian chờ thực hiện "
        "nghĩa vụ tài chính không tính: hẹn trả kết quả lùi đến 16:00 27/03/2026."
    )
    client.force_login(citizen)
    labels = [str(Status(to).label) for _from, to, _at in changes]
    assert in_order(page(client, reverse("dossiers:detail", args=[dossier.code])), *labels)
    # The public tracking page: the code and the last 4 digits of the phone; the receipt slip's QR code checks.
    client.logout()
    tracked = page(client, reverse("dossiers:track"), ma=dossier.code, so="0111", h=receipt_slip.content_hash[:16])
    assert "Phiếu có mã xác thực này là phiếu thật" in tracked and "16:00 27/03/2026" in tracked
    assert in_order(tracked, "Đã trả kết quả", *labels)  # the status, then the timeline in order
    assert "Trần Thị Thu Hà" not in page(client, reverse("dossiers:track"), ma=dossier.code, so="9999")

    # The outbox: an e-mail and an SMS for each thing the citizen must know or do, and nothing twice.
    told = Message.objects.filter(key__startswith=f"dossier:{dossier.pk}:")
    assert sorted(told.values_list("key", flat=True)) == sorted(
        f"dossier:{dossier.pk}:{event}:{channel}"
        for event in ("received", "supplement-1", f"paying-{request.pk}", f"paid-{payment.pk}", "resolved", "returned")
        for channel in ("email", "sms")
    )
    assert {m.recipient for m in told.filter(channel="sms")} == {"0912000111"}
    assert {m.recipient for m in told.filter(channel="email")} == {citizen.email}
    subjects = [m.subject for m in told.filter(channel="email").order_by("created_at", "id")]
    assert subjects == [
        f"Hồ sơ {dossier.code} đã được tiếp nhận",
        f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện",
        f"Hồ sơ {dossier.code}: đề nghị thực hiện nghĩa vụ tài chính",
        f"Hồ sơ {dossier.code}: đã nhận phí, lệ phí",
        f"Hồ sơ {dossier.code} đã có kết quả",
        f"Hồ sơ {dossier.code} đã trả kết quả",
    ]
    assert "hẹn trả kết quả lúc 17:00 thứ Hai 23/03/2026" in told.get(key__endswith=":received:email").body

    # The audit trail: an event for each status change, at the same moment, in the same order…
    trail = AuditEvent.objects.filter(object_type="dossiers.dossier", object_id=str(dossier.pk)).order_by("at", "id")
    status_events = [(e.action, e.at) for e in trail if re.fullmatch(r"dossiers\.dossier\.(submit|[a-z]+)", e.action)]
    expected = [("dossiers.dossier.submit" if not src else f"dossiers.dossier.{to}", when) for src, to, when in changes]
    assert [e for e in status_events if not e[0].endswith(".rate")] == expected
    assert [e.action for e in trail][-1] == "dossiers.dossier.rate"
    # …and for the work around them: steps, the fee, the receipt, the signed result.
    step_events = [(e.action, e.changes.get("step"), e.changes.get("timeliness")) for e in trail if "step" in e.action]
    assert step_events == [
        ("workflow.step.open", "Thẩm tra, đo đạc", None),
        ("workflow.step.assign", "Thẩm tra, đo đạc", None),
        ("workflow.step.complete", "Thẩm tra, đo đạc", "early"),
        ("workflow.step.complete", "Lãnh đạo Sở ký", "overdue"),
        ("workflow.step.complete", "Chuyển về xã, trả kết quả", "early"),
    ]
    others = set(AuditEvent.objects.exclude(object_type="dossiers.dossier").values_list("action", flat=True))
    assert {
        "payments.request.create",
        "payments.payment.start",
        "payments.payment.paid",
        "payments.receipt.issue",
        "records.result.draft",
        "records.result.sign",
    } <= others

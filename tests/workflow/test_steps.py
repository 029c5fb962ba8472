"""A dossier through its steps across two agencies: assignment, hand-over, step deadlines, return, the end."""

from datetime import datetime, timedelta

import pytest

from egov.accounts.models import Role
from egov.core.clock import VN_TZ
from egov.core.errors import DomainError, PermissionDenied
from egov.core.selectors import audit_events_for
from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.services import Attachment
from egov.workflow.models import StepRun
from egov.workflow.selectors import control_slip, step_queue
from egov.workflow.services import step_assign
from tests.dossiers.conftest import pdf
from tests.factories import UserFactory, official
from tests.processes import land_procedure
from tests.records.helpers import result_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(lam_dong, clock):
    land = lam_dong["so-nong-nghiep-moi-truong"]
    commune = lam_dong["ubnd-tinh"].children.filter(level="commune").order_by("eid_code").first()
    procedure = land_procedure(lam_dong, clock)
    people = {
        "desk": official(commune, Role.RECEIVER, username="motcua.xa"),
        "leader": official(land, Role.LEADER, username="lanhdao.snnmt"),
        "specialist": official(land, Role.SPECIALIST, username="chuyenvien.snnmt"),
        "other": official(lam_dong["so-tu-phap"], Role.LEADER, username="lanhdao.stp"),
    }
    citizen = UserFactory(citizen=True, phone="0912000111")
    dossier = services.dossier_submit_online(
        actor=citizen,
        procedure=procedure,
        agency=commune,
        idempotency_key="w1",
        clock=clock,
        attachments=[Attachment(component=procedure.components.get(), upload=pdf())],
    )
    services.dossier_accept(actor=people["desk"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    return dossier, people, land, commune


def test_through_two_agencies_with_step_deadlines(setting, clock):
    dossier, people, land, commune = setting
    # Received Tue 10/3/2026 09:30: 10 working days, due Tue 24/3 09:30; 80 office hours in all.
    assert dossier.due_at == datetime(2026, 3, 24, 9, 30, tzinfo=VN_TZ)
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    run = StepRun.objects.get(finished_at__isnull=True)
    assert (run.name, run.agency) == ("Thẩm tra", land)
    assert run.due_at == datetime(2026, 3, 17, 9, 30, tzinfo=VN_TZ)  # 50% = 40 office hours from Tue 09:30
    assert run in step_queue(people["leader"]) and run in step_queue(people["specialist"])
    assert run not in step_queue(people["other"]) and run not in step_queue(people["desk"])

    step_assign(actor=people["leader"], run=run, assignee=people["specialist"], clock=clock)
    clock.advance(timedelta(days=1))
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, note="Đủ điều kiện", clock=clock)
    clock.advance(timedelta(days=5))  # Mon 16/3 09:30: the approval step's 16 h (from Wed 09:30) were due Fri 09:30
    result_draft(dossier, people["leader"], clock)  # the leader signs it by approving
    services.dossier_step_complete(actor=people["leader"], dossier=dossier, note="Đồng ý", clock=clock)
    back = StepRun.objects.get(finished_at__isnull=True)
    assert (back.name, back.agency) == ("Trả kết quả", commune)  # handed back to the commune
    services.dossier_step_complete(actor=people["desk"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    rows = [(r.name, r.agency.eid_code, r.timeliness) for r in control_slip(dossier)]
    assert rows == [
        ("Tiếp nhận", commune.eid_code, "early"),
        ("Thẩm tra", land.eid_code, "early"),
        ("Phê duyệt", land.eid_code, "overdue"),
        ("Trả kết quả", commune.eid_code, "early"),
    ]


def test_nobody_outside_the_step_acts(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    run = StepRun.objects.get(finished_at__isnull=True)
    for intruder in (people["other"], people["desk"]):
        with pytest.raises(PermissionDenied):
            services.dossier_step_complete(actor=intruder, dossier=dossier, clock=clock)
    with pytest.raises(PermissionDenied):
        step_assign(actor=people["specialist"], run=run, assignee=people["specialist"], clock=clock)
    with pytest.raises(DomainError):
        step_assign(actor=people["leader"], run=run, assignee=people["other"], clock=clock)
    assert StepRun.objects.get(pk=run.pk).finished_at is None


def test_return_to_the_previous_step_needs_a_reason(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    with pytest.raises(DomainError):
        services.dossier_step_return(actor=people["leader"], dossier=dossier, reason=" ", clock=clock)
    services.dossier_step_return(actor=people["leader"], dossier=dossier, reason="Thiếu bản đồ thửa đất", clock=clock)
    reopened = StepRun.objects.get(finished_at__isnull=True)
    assert reopened.name == "Thẩm tra" and "Thiếu bản đồ" in reopened.note
    assert StepRun.objects.get(name="Phê duyệt").outcome == "returned"


def test_a_procedure_without_a_process_cannot_start(applicant, procedure, centre, receiver, clock):
    dossier = services.dossier_submit_online(
        actor=applicant,
        procedure=procedure,
        agency=centre,
        idempotency_key="np",
        clock=clock,
        attachments=[Attachment(component=procedure.components.get(required=True), upload=pdf())],
    )
    services.dossier_accept(actor=receiver, dossier=dossier, clock=clock)
    with pytest.raises(DomainError, match="chưa có quy trình"):
        services.dossier_start_processing(actor=receiver, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_pages_queue_assign_complete_and_control_slip(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    client.force_login(people["desk"])
    assert client.post(reverse("workflow:start", args=[dossier.code])).status_code == 302
    client.force_login(people["leader"])
    queue = client.get(reverse("workflow:queue")).content.decode()
    assert dossier.code in queue and "Thẩm tra" in queue
    page = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in page and people["specialist"].full_name in page
    client.post(reverse("workflow:assign", args=[dossier.code]), {"assignee": people["specialist"].pk})
    assert StepRun.objects.get(finished_at__isnull=True).assignee == people["specialist"]
    client.force_login(people["specialist"])
    assert dossier.code in client.get(reverse("workflow:queue")).content.decode()
    client.post(reverse("workflow:complete", args=[dossier.code]), {"note": "Đủ điều kiện"})
    assert StepRun.objects.get(finished_at__isnull=True).name == "Phê duyệt"
    client.force_login(people["other"])
    assert client.get(reverse("workflow:steps", args=[dossier.code])).status_code == 404
    assert client.post(reverse("workflow:complete", args=[dossier.code])).status_code == 404
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("workflow:queue")).status_code == 403


def test_a_supplement_during_processing_stops_the_clock(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    run = StepRun.objects.get(finished_at__isnull=True)
    due, step_due = dossier.due_at, run.due_at
    with pytest.raises(PermissionDenied):  # another agency's leader does not handle this step
        services.dossier_request_supplement(actor=people["other"], dossier=dossier, items=["x"], clock=clock)
    # Tue 10/3 09:30: the case officer asks; the applicant answers Thu 12/3 09:30 (16 office hours later).
    services.dossier_request_supplement(
        actor=people["specialist"], dossier=dossier, items=["Bản đồ thửa đất có chữ ký"], clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and dossier.paused_at == clock.now()
    clock.advance(timedelta(days=2))
    services.dossier_supplement_submit(
        actor=dossier.applicant, dossier=dossier, attachments=[Attachment(component=None, upload=pdf())], clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.paused_at is None
    assert dossier.due_at == datetime(2026, 3, 26, 9, 30, tzinfo=VN_TZ)  # Tue 24/3 + 2 working days
    assert dossier.due_at - due == timedelta(days=2)
    assert StepRun.objects.get(pk=run.pk).due_at == step_due + timedelta(days=2)
    assert "hẹn trả kết quả lùi đến 09:30 26/03/2026" in dossier.timeline.last().note
    # The audit trail says what moved and why, not only the status.
    trail = {e.action: e for e in reversed(audit_events_for(dossier))}  # newest of each action
    asked = trail["dossiers.dossier.supplement"]
    assert asked.changes["supplement_requests"] == 1 and asked.changes["items"] == ["Bản đồ thửa đất có chữ ký"]
    moved = trail["dossiers.dossier.clock_resume"]
    assert moved.changes["due_at"] == ["2026-03-24T09:30:00+07:00", "2026-03-26T09:30:00+07:00"]
    assert moved.reason == "Đã bổ sung giấy tờ" and moved.actor == dossier.applicant
    back = trail["dossiers.dossier.processing"]
    assert back.changes["documents"] == 1 and back.reason  # the timeline's note when no reason is typed


def test_no_step_is_sent_back_while_the_clock_is_stopped(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    services.dossier_request_supplement(actor=people["specialist"], dossier=dossier, items=["Bản đồ"], clock=clock)
    with pytest.raises(DomainError, match="không ở bước xử lý"):
        services.dossier_step_return(actor=people["specialist"], dossier=dossier, reason="Thiếu", clock=clock)
    assert StepRun.objects.filter(finished_at__isnull=True).count() == 1


def test_the_case_officer_asks_for_a_supplement_from_the_steps_page(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    client.force_login(people["specialist"])
    page = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert "Yêu cầu bổ sung (tạm dừng thời hạn)" in page
    client.post(reverse("workflow:supplement", args=[dossier.code]), {"items": "Bản đồ thửa đất\nSổ hộ khẩu"})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and dossier.paused_at is not None
    assert dossier.slips.filter(kind="supplement").exists()


def test_the_applicant_withdraws_and_the_open_step_closes(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(actor=UserFactory(citizen=True), dossier=dossier, reason="x", clock=clock)
    client.force_login(dossier.applicant)
    client.post(reverse("dossiers:withdraw", args=[dossier.code]), {"reason": "Đã chuyển nhượng thửa đất"})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert dossier.timeline.last().note == "Đã chuyển nhượng thửa đất"
    assert not StepRun.objects.filter(finished_at__isnull=True).exists()
    stop_slip = dossier.slips.get(kind="stop")
    assert stop_slip.data["reason"] == "Đã chuyển nhượng thửa đất"
    pdf_page = client.get(reverse("dossiers:slip", args=[dossier.code, stop_slip.pk]))
    assert pdf_page.status_code == 200 and pdf_page.content.startswith(b"%PDF-")
    with pytest.raises(DomainError):
        services.dossier_withdraw(actor=dossier.applicant, dossier=dossier, reason="lần nữa", clock=clock)


def test_a_leader_stops_processing_with_a_reason(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    for intruder in (people["specialist"], people["other"]):
        with pytest.raises(PermissionDenied):
            services.dossier_stop(actor=intruder, dossier=dossier, reason="x", clock=clock)
    with pytest.raises(DomainError):
        services.dossier_stop(actor=people["leader"], dossier=dossier, reason=" ", clock=clock)
    services.dossier_stop(actor=people["leader"], dossier=dossier, reason="Đất đang có tranh chấp", clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED and dossier.slips.filter(kind="stop").exists()
    assert StepRun.objects.get(name="Thẩm tra").outcome == "stopped"


def test_the_deadline_sweep_warns_once_per_stage(setting, clock, settings):
    from egov.core.selectors import working_calendar
    from egov.notifications.models import Message
    from egov.workflow.services import deadline_warn

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    run = StepRun.objects.get(finished_at__isnull=True)
    step_assign(actor=people["leader"], run=run, assignee=people["specialist"], clock=clock)
    cal, soon = working_calendar(), timedelta(hours=8)
    assert deadline_warn(clock=clock, cal=cal, due_soon=soon) == 0  # 40 office hours left: nothing to say
    clock.set(datetime(2026, 3, 16, 14, 0, tzinfo=VN_TZ))  # Mon 14:00: 5.5 h left before Tue 09:30
    assert deadline_warn(clock=clock, cal=cal, due_soon=soon) == 2  # the case officer and the leader
    assert deadline_warn(clock=clock, cal=cal, due_soon=soon) == 2  # asked again: the same two rows…
    warnings = Message.objects.filter(key__startswith="steprun:")
    assert warnings.count() == 2  # …and still only two messages
    clock.set(datetime(2026, 3, 17, 10, 0, tzinfo=VN_TZ))  # late now
    deadline_warn(clock=clock, cal=cal, due_soon=soon)
    subjects = sorted(warnings.values_list("subject", flat=True))
    assert len(subjects) == 4 and sum(s.startswith("Quá hạn") for s in subjects) == 2


def test_the_deadline_sweep_skips_paused_dossiers_and_survives_a_bad_address(setting, clock):
    from egov.core.selectors import working_calendar
    from egov.notifications.models import Message
    from egov.workflow.services import deadline_warn

    dossier, people, land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    official(land, Role.LEADER, username="lanhdao2.snnmt", email="lanhdao2@@snnmt")  # mistyped by an admin
    cal, soon = working_calendar(), timedelta(hours=8)
    services.dossier_request_supplement(actor=people["specialist"], dossier=dossier, items=["Bản đồ"], clock=clock)
    clock.set(datetime(2026, 3, 30, 10, 0, tzinfo=VN_TZ))  # past the step's old due moment, clock stopped
    assert deadline_warn(clock=clock, cal=cal, due_soon=soon) == 0
    services.dossier_supplement_submit(
        actor=dossier.applicant, dossier=dossier, attachments=[Attachment(component=None, upload=pdf())], clock=clock
    )
    clock.advance(timedelta(days=30))  # late for real now
    assert deadline_warn(clock=clock, cal=cal, due_soon=soon) == 1  # the good leader; the bad address is skipped
    assert Message.objects.filter(key__startswith="steprun:", subject__startswith="Quá hạn").count() == 1


def test_extension_once_before_the_due_day_with_the_apology_letter(setting, clock, settings):
    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    original = dossier.due_at  # Tue 24/3 09:30
    new_date = original + timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.dossier_extend(
            actor=people["specialist"], dossier=dossier, new_due_at=new_date, reason="x", clock=clock
        )
    clock.set(datetime(2026, 3, 23, 14, 0, tzinfo=VN_TZ))  # 5.5 office hours before the due moment
    with pytest.raises(DomainError, match="trước hạn ít nhất 8 giờ"):
        services.dossier_extend(actor=people["leader"], dossier=dossier, new_due_at=new_date, reason="x", clock=clock)
    clock.set(datetime(2026, 3, 20, 9, 0, tzinfo=VN_TZ))
    services.dossier_extend(
        actor=people["leader"], dossier=dossier, new_due_at=new_date, reason="Phải lấy ý kiến Sở Xây dựng", clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.due_at == new_date and dossier.extension.original_due_at == original
    assert dossier.slips.filter(kind="apology").exists()
    assert "Hẹn lại ngày trả kết quả" in dossier.timeline.last().note
    with pytest.raises(DomainError, match="một lần"):
        services.dossier_extend(
            actor=people["leader"],
            dossier=dossier,
            new_due_at=new_date + timedelta(days=1),
            reason="lần nữa",
            clock=clock,
        )


def test_the_leader_extends_from_the_steps_page(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    # Pages run on the real clock: put the due moment well ahead of today.
    type(dossier).objects.filter(pk=dossier.pk).update(due_at=datetime(2098, 12, 1, 17, 0, tzinfo=VN_TZ))
    client.force_login(people["leader"])
    url = reverse("workflow:steps", args=[dossier.code])
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in client.get(url).content.decode()
    client.post(reverse("workflow:extend", args=[dossier.code]), {"new_due": "2099-01-01T17:00", "reason": "x"})
    bad = client.post(reverse("workflow:extend", args=[dossier.code]), {"new_due": "mai", "reason": "x"}, follow=True)
    assert "Ngày giờ hẹn lại không hợp lệ" in bad.content.decode()
    dossier.refresh_from_db()
    assert dossier.due_at.year == 2099 and dossier.slips.filter(kind="apology").exists()
    assert "Xin lỗi và hẹn lại ngày trả kết quả" not in client.get(url).content.decode()  # once only


def test_the_control_slip_prints_as_pdf(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, note="Đủ điều kiện", clock=clock)
    url = reverse("workflow:control_slip_pdf", args=[dossier.code])
    client.force_login(people["leader"])
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    client.force_login(people["other"])
    assert client.get(url).status_code == 404


def test_result_returned_then_rated_once_and_shown_publicly(client, setting, clock):
    from django.urls import reverse

    from egov.dossiers.models import Rating

    dossier, people, _land, commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    result_draft(dossier, people["specialist"], clock)  # signed by the leader at the approval step
    for actor in (people["specialist"], people["leader"], people["desk"]):
        services.dossier_step_complete(actor=actor, dossier=dossier, clock=clock)
    with pytest.raises(DomainError, match="vận đơn"):
        services.dossier_return_result(actor=people["desk"], dossier=dossier, channel="postal", clock=clock)
    with pytest.raises(PermissionDenied):
        services.dossier_return_result(actor=people["other"], dossier=dossier, channel="desk", clock=clock)
    with pytest.raises(DomainError, match="sau khi nhận kết quả"):
        services.dossier_rate(actor=dossier.applicant, dossier=dossier, score=5, clock=clock)
    services.dossier_return_result(
        actor=people["desk"], dossier=dossier, channel="postal", waybill="EV1VN", clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.return_waybill == "EV1VN"
    returned = audit_events_for(dossier).get(action="dossiers.dossier.returned")
    assert (returned.changes["return_channel"], returned.changes["return_waybill"]) == ("postal", "EV1VN")
    with pytest.raises(PermissionDenied):
        services.dossier_rate(actor=UserFactory(citizen=True), dossier=dossier, score=1, clock=clock)
    client.force_login(dossier.applicant)
    assert "Đánh giá mức độ hài lòng" in client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    client.post(reverse("dossiers:rate", args=[dossier.code]), {"score": "4", "comment": "Nhanh, chu đáo"})
    with pytest.raises(DomainError, match="đã được đánh giá"):
        services.dossier_rate(actor=dossier.applicant, dossier=dossier, score=1, clock=clock)
    rating = Rating.objects.get()
    assert (rating.score, rating.agency) == (4, commune)
    public = client.get(reverse("dossiers:ratings")).content.decode()
    assert commune.name in public and "4,00" in public and "1 / 1" in public  # Vietnamese decimal comma


def test_officials_read_their_agencys_ratings_only(client, setting, clock):
    from django.urls import reverse

    dossier, people, _land, _commune = setting
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    result_draft(dossier, people["specialist"], clock)  # signed by the leader at the approval step
    for actor in (people["specialist"], people["leader"], people["desk"]):
        services.dossier_step_complete(actor=actor, dossier=dossier, clock=clock)
    services.dossier_return_result(actor=people["desk"], dossier=dossier, channel="desk", clock=clock)
    services.dossier_rate(
        actor=dossier.applicant, dossier=dossier, score=2, comment="Phải đi lại nhiều lần", clock=clock
    )
    client.force_login(people["desk"])
    assert "Phải đi lại nhiều lần" in client.get(reverse("dossiers_office:ratings")).content.decode()
    # The department handled a step of this commune's dossier: the rating is of the commune, not theirs.
    client.force_login(people["specialist"])
    assert "Phải đi lại nhiều lần" not in client.get(reverse("dossiers_office:ratings")).content.decode()
    client.force_login(
        official(dossier.procedure.owner.children.first() or people["other"].roles.first().agency, Role.RECEIVER)
    )
    assert "Phải đi lại nhiều lần" not in client.get(reverse("dossiers_office:ratings")).content.decode()

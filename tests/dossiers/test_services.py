"""Applying online, at the desk and by post; the desk's decisions; what a failure leaves behind."""

from datetime import datetime

import pytest

from egov.core.clock import VN_TZ
from egov.core.errors import DomainError, PermissionDenied
from egov.core.models import AuditEvent
from egov.dossiers import services
from egov.dossiers.models import Document, Dossier, Status
from egov.dossiers.services import Applicant, Attachment
from tests.dossiers.conftest import PNG, attachments, pdf

pytestmark = pytest.mark.django_db


def submit(applicant, procedure, centre, clock, key="k1", files=None):
    return services.dossier_submit_online(
        actor=applicant,
        procedure=procedure,
        agency=centre,
        attachments=files if files is not None else attachments(procedure),
        idempotency_key=key,
        clock=clock,
    )


def test_online_submission_gets_a_code_and_keeps_its_documents(applicant, procedure, centre, clock, _media):
    dossier = submit(applicant, procedure, centre, clock)
    assert dossier.status == Status.NEW
    assert dossier.code == "000.00.02.H39-260310-0001"
    doc = dossier.documents.get()
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64 and doc.size > 0
    assert (_media / doc.file.name).exists() and "giay" not in doc.file.name  # unguessable name
    assert [e.status_to for e in dossier.timeline.all()] == [Status.NEW]
    assert AuditEvent.objects.filter(action="dossiers.dossier.submit", object_id=str(dossier.pk)).exists()


def test_double_click_gives_one_dossier(applicant, procedure, centre, clock):
    first = submit(applicant, procedure, centre, clock, key="same")
    second = submit(applicant, procedure, centre, clock, key="same")
    assert first.pk == second.pk and Dossier.objects.count() == 1 and Document.objects.count() == 1


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([], "dossiers.missing_components"),
        ("exe", "dossiers.file_type"),
        ("big", "dossiers.file_too_large"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(applicant, procedure, centre, clock, _media, settings, files, code):
    component = procedure.components.get(required=True)
    if files == "exe":
        files = [Attachment(component=component, upload=pdf("giay-chung-sinh.pdf", b"MZ\x90\x00\x03 an .exe"))]
    elif files == "big":
        settings.UPLOAD_MAX_BYTES = 1024
        files = [Attachment(component=component, upload=pdf(content=b"%PDF-1.4\n" + b"0" * 2048))]
    with pytest.raises(DomainError) as exc:
        submit(applicant, procedure, centre, clock, files=files)
    assert exc.value.code == code and exc.value.message
    assert Dossier.objects.count() == 0 and Document.objects.count() == 0
    assert not any(p.is_file() for p in _media.rglob("*"))


def test_a_crash_midway_leaves_no_dossier_and_no_file(applicant, procedure, centre, clock, _media, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "dossier_code_take", boom)  # fails after the files were stored
    with pytest.raises(RuntimeError):
        submit(applicant, procedure, centre, clock)
    assert Dossier.objects.count() == 0 and Document.objects.count() == 0
    assert not any(p.is_file() for p in _media.rglob("*"))


def test_unpublished_procedure_refuses_applications(applicant, procedure, centre, clock):
    procedure.status = "suspended"
    procedure.save()
    with pytest.raises(DomainError, match="không nhận hồ sơ"):
        submit(applicant, procedure, centre, clock)


def test_png_scans_are_accepted(applicant, procedure, centre, clock):
    component = procedure.components.get(required=True)
    files = [Attachment(component=component, upload=pdf("scan.png", PNG))]
    assert submit(applicant, procedure, centre, clock, files=files).documents.get().content_type == "image/png"


def test_accept_sets_the_appointment_and_explains_it(applicant, procedure, centre, receiver, clock):
    dossier = submit(applicant, procedure, centre, clock)
    clock.set(datetime(2026, 3, 10, 15, 20, tzinfo=VN_TZ))  # Tuesday, after the 15:00 cut-off
    services.dossier_accept(actor=receiver, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.clock_start_at == datetime(2026, 3, 11, 7, 0, tzinfo=VN_TZ)
    assert dossier.due_at == datetime(2026, 3, 13, 17, 0, tzinfo=VN_TZ)  # 3 working days
    note = dossier.timeline.get(status_to=Status.RECEIVED).note
    assert (
        "15:20 thứ Ba 10/03/2026" in note and "07:00 thứ Tư 11/03/2026" in note and "17:00 thứ Sáu 13/03/2026" in note
    )


def test_supplement_is_asked_once_then_needs_a_reason(applicant, procedure, centre, receiver, clock):
    dossier = submit(applicant, procedure, centre, clock)
    services.dossier_request_supplement(
        actor=receiver, dossier=dossier, items=["Giấy chứng sinh bị mờ", "Thiếu trang 2"], clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT
    assert "1. Giấy chứng sinh bị mờ\n2. Thiếu trang 2" in dossier.timeline.last().note
    services.dossier_supplement_submit(
        actor=applicant,
        dossier=dossier,
        attachments=[Attachment(component=None, upload=pdf(), name="Bản rõ")],
        clock=clock,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW and dossier.documents.count() == 2
    with pytest.raises(DomainError, match="lý do"):
        services.dossier_request_supplement(actor=receiver, dossier=dossier, items=["x"], clock=clock)
    services.dossier_request_supplement(
        actor=receiver, dossier=dossier, items=["x"], reason_for_another="Giấy tờ mới nộp sai mẫu", clock=clock
    )


def test_refusal_needs_a_reason_and_is_final(applicant, procedure, centre, receiver, clock):
    dossier = submit(applicant, procedure, centre, clock)
    with pytest.raises(DomainError):
        services.dossier_refuse(actor=receiver, dossier=dossier, reason=" ", clock=clock)
    services.dossier_refuse(actor=receiver, dossier=dossier, reason="Không thuộc thẩm quyền", clock=clock)
    with pytest.raises(DomainError, match="Không thể chuyển"):
        services.dossier_accept(actor=receiver, dossier=dossier, clock=clock)


def test_walk_in_is_received_at_once_and_postal_needs_a_waybill(procedure, centre, receiver, clock):
    person = Applicant(name="Trần Thị Hoa", phone="0987000111", proxy_name="Trần Văn Bình", proxy_phone="0987000222")
    dossier = services.dossier_register_at_desk(
        actor=receiver,
        procedure=procedure,
        agency=centre,
        applicant=person,
        attachments=attachments(procedure),
        clock=clock,
    )
    assert dossier.status == Status.RECEIVED and dossier.due_at and dossier.code.endswith("-0001")
    assert dossier.proxy_name == "Trần Văn Bình"
    with pytest.raises(DomainError, match="vận đơn"):
        services.dossier_register_at_desk(
            actor=receiver,
            procedure=procedure,
            agency=centre,
            applicant=person,
            attachments=attachments(procedure),
            channel="postal",
            clock=clock,
        )
    postal = services.dossier_register_at_desk(
        actor=receiver,
        procedure=procedure,
        agency=centre,
        applicant=person,
        attachments=attachments(procedure),
        channel="postal",
        postal_waybill="EV123456789VN",
        result_by_post=True,
        clock=clock,
    )
    assert postal.status == Status.NEW and postal.code.endswith("-0002") and postal.result_by_post


def test_desk_of_another_agency_cannot_decide(applicant, procedure, centre, other_receiver, clock):
    dossier = submit(applicant, procedure, centre, clock)
    with pytest.raises(PermissionDenied):
        services.dossier_accept(actor=other_receiver, dossier=dossier, clock=clock)
    with pytest.raises(PermissionDenied):
        services.dossier_register_at_desk(
            actor=other_receiver,
            procedure=procedure,
            agency=centre,
            applicant=Applicant(name="A", phone="1"),
            attachments=[],
            clock=clock,
        )
    dossier.refresh_from_db()
    assert dossier.status == Status.NEW


def test_officials_cannot_submit_online_and_citizens_cannot_touch_others_dossiers(
    applicant, procedure, centre, receiver, clock
):
    with pytest.raises(PermissionDenied):
        submit(receiver, procedure, centre, clock)
    from tests.factories import UserFactory

    stranger = UserFactory(citizen=True)
    dossier = submit(applicant, procedure, centre, clock)
    services.dossier_request_supplement(actor=receiver, dossier=dossier, items=["x"], clock=clock)
    with pytest.raises(PermissionDenied):
        services.dossier_supplement_submit(
            actor=stranger, dossier=dossier, attachments=[Attachment(component=None, upload=pdf())], clock=clock
        )


def test_the_applicant_is_told_by_email_and_sms(
    applicant, procedure, centre, receiver, clock, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from egov.notifications import sms

    settings.SMS_BACKEND = "egov.notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    first = submit(applicant, procedure, centre, clock, key="a")
    second = submit(applicant, procedure, centre, clock, key="b")
    with django_capture_on_commit_callbacks(execute=True) as published:
        services.dossier_accept(actor=receiver, dossier=first, clock=clock)
    assert len(published) == 1  # the e-mail and the SMS leave in one task, published once on commit
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_request_supplement(actor=receiver, dossier=second, items=["Bản chụp rõ hơn"], clock=clock)
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [f"Hồ sơ {first.code} đã được tiếp nhận", f"Hồ sơ {second.code} cần bổ sung, hoàn thiện"]
    assert "hẹn trả kết quả lúc" in mail.outbox[0].body and "/tra-cuu/?ma=" in mail.outbox[0].body
    assert [m.to for m in sms.outbox] == ["0912345678", "0912345678"]
    assert "1. Bản chụp rõ hơn" in sms.outbox[1].text


def test_nothing_is_sent_when_the_decision_fails(
    applicant, procedure, centre, receiver, clock, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core import mail

    dossier = submit(applicant, procedure, centre, clock)
    monkeypatch.setattr(services, "dossier_transition", lambda **kw: (_ for _ in ()).throw(RuntimeError("crash")))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.dossier_accept(actor=receiver, dossier=dossier, clock=clock)
    assert mail.outbox == []


def test_a_dossier_keeps_the_process_version_it_was_received_under(
    applicant, procedure, centre, receiver, clock, lam_dong
):
    from egov.accounts.models import Role
    from egov.catalog.services import process_template_save
    from tests.factories import official

    admin = official(lam_dong["so-tu-phap"], Role.AGENCY_ADMIN)
    steps = [
        {"name": "Tiếp nhận", "where": "receiving", "actor": "receiver", "share_percent": 30},
        {"name": "Giải quyết", "where": "owner", "actor": "specialist", "share_percent": 70},
    ]
    first = process_template_save(actor=admin, procedure=procedure, steps=steps, clock=clock)
    dossier = services.dossier_accept(actor=receiver, dossier=submit(applicant, procedure, centre, clock), clock=clock)
    steps[1]["share_percent"], steps[0]["share_percent"] = 60, 40
    process_template_save(actor=admin, procedure=procedure, steps=steps, clock=clock)
    dossier.refresh_from_db()
    assert dossier.process_template == first

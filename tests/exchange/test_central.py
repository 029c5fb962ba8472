"""A step at a central ministry goes through the exchange: queued after commit, retried, answered by the
(fake) ministry, and the answer moves the dossier on, once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.accounts.models import Role
from egov.catalog.models import Component
from egov.catalog.services import process_template_save
from egov.core.errors import DomainError, PermissionDenied
from egov.dossiers import services
from egov.dossiers.central import central_replies_apply, central_reply_apply
from egov.dossiers.models import Status
from egov.dossiers.services import Applicant, Attachment
from egov.exchange.models import ExchangeMessage
from egov.exchange.services import AGREED, exchange_fake_reply, exchange_receive
from egov.workflow.models import StepRun
from tests.factories import ProcedureFactory, UserFactory, official

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class FlakyBackend:
    """Fails the first `failures` sends, then accepts (the class attribute is set by each test)."""

    name = "fake"
    failures = 1
    calls = 0

    def send(self, message):
        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise ConnectionError("LGSP không phản hồi (0912345678)")
        return f"GIA-LAP-{message.pk:06d}"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(lam_dong, clock):
    justice, centre = lam_dong["so-tu-phap"], lam_dong["trung-tam-phvcc"]
    procedure = ProcedureFactory(
        code="1.005136", name="Thủ tục nhập quốc tịch Việt Nam", owner=justice, published=True, duration_value=30
    )
    procedure.components.all().delete()
    Component.objects.create(procedure=procedure, name="Đơn xin nhập quốc tịch", originals=1)
    process_template_save(
        actor=official(justice, Role.AGENCY_ADMIN),
        procedure=procedure,
        clock=clock,
        steps=[
            {"name": "Tiếp nhận", "where": "receiving", "actor": "receiver", "share_percent": 5},
            {"name": "Sở Tư pháp thẩm tra", "where": "owner", "actor": "specialist", "share_percent": 35},
            {
                "name": "Xác minh tại Bộ Tư pháp",
                "where": "central",
                "central_system": "Bộ Tư pháp (qua LGSP/NDXP)",
                "actor": "other_agency",
                "share_percent": 40,
            },
            {"name": "Lãnh đạo Sở ký", "where": "owner", "actor": "leader", "share_percent": 15},
            {"name": "Trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 5},
        ],
    )
    people = {
        "desk": official(centre, Role.RECEIVER, username="motcua.tinh"),
        "specialist": official(justice, Role.SPECIALIST, username="chuyenvien.stp"),
        "leader": official(justice, Role.LEADER, username="lanhdao.stp"),
        "admin": official(lam_dong["ubnd-tinh"], Role.PROVINCE_ADMIN, username="quantri.tinh"),
    }
    dossier = services.dossier_register_at_desk(
        actor=people["desk"],
        procedure=procedure,
        agency=centre,
        applicant=Applicant(name="John Nguyễn", phone="0912345678", personal_id="068190000123", address="Đà Lạt"),
        attachments=[Attachment(component=None, upload=SimpleUploadedFile("don.pdf", PDF, "application/pdf"))],
        clock=clock,
    )
    services.dossier_start_processing(actor=people["desk"], dossier=dossier, clock=clock)
    return dossier, people


def _to_the_ministry(case, clock, capture):
    dossier, people = case
    with capture(execute=True):
        services.dossier_step_complete(
            actor=people["specialist"], dossier=dossier, note="Đề nghị xác minh quốc tịch gốc", clock=clock
        )
    return ExchangeMessage.objects.get(direction="out")


def test_the_package_is_queued_and_sent_only_after_commit(case, clock, django_capture_on_commit_callbacks):
    dossier, people = case
    with django_capture_on_commit_callbacks() as callbacks:
        services.dossier_step_complete(
            actor=people["specialist"], dossier=dossier, note="Đề nghị xác minh quốc tịch gốc", clock=clock
        )
        message = ExchangeMessage.objects.get()
        assert (message.status, message.attempts, message.via) == ("pending", 0, "")  # nothing left yet
    run = StepRun.objects.get(finished_at__isnull=True)
    assert run.name == "Xác minh tại Bộ Tư pháp" and run.agency is None
    assert message.object_id == str(run.pk) and message.system == "Bộ Tư pháp (qua LGSP/NDXP)"
    payload = message.payload
    assert payload["dossier_code"] == dossier.code and payload["procedure_code"] == "1.005136"
    assert payload["applicant_name"] == "John Nguyễn" and payload["question"] == "Đề nghị xác minh quốc tịch gốc"
    assert [d["name"] for d in payload["documents"]] == ["don.pdf"]
    assert "0912345678" not in str(payload) and "068190000123" not in str(payload)  # no personal identifiers
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.via) == ("sent", 1, "fake")
    assert message.remote_reference == f"GIA-LAP-{message.pk:06d}"


def test_a_send_failure_is_retried_then_given_up(case, clock, settings, django_capture_on_commit_callbacks):
    settings.CENTRAL_EXCHANGE_BACKEND = "tests.exchange.test_central.FlakyBackend"
    FlakyBackend.calls, FlakyBackend.failures = 0, 1
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    assert (message.status, message.attempts) == ("sent", 2)  # eager mode: the retry ran at once
    assert message.last_error == "ConnectionError: LGSP không phản hồi (********78)"  # masked

    dossier, people = case
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    FlakyBackend.calls, FlakyBackend.failures = 0, 99
    with django_capture_on_commit_callbacks(execute=True):  # "có ý kiến" by hand, then asked again
        services.dossier_step_return(actor=people["leader"], dossier=dossier, reason="Bổ sung", clock=clock)
        services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    second = ExchangeMessage.objects.filter(direction="out").order_by("-id").first()
    assert second.pk != message.pk and (second.status, second.attempts) == ("failed", 3)


def test_the_reply_completes_the_step_and_the_dossier_moves_on(client, case, clock, django_capture_on_commit_callbacks):
    dossier, people = case
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    client.force_login(people["leader"])
    page = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert "đã gửi Bộ Tư pháp (qua LGSP/NDXP) lúc" in page and "chờ phản hồi" in page

    with django_capture_on_commit_callbacks(execute=True):
        reply = exchange_fake_reply(
            actor=people["admin"], message=message, agreed=True, note="Xác minh đúng", clock=clock
        )
    run = StepRun.objects.get(name="Xác minh tại Bộ Tư pháp")
    assert (run.outcome, run.note, run.finished_by) == ("done", "Xác minh đúng", "Bộ Tư pháp (qua trục liên thông)")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    following = StepRun.objects.get(finished_at__isnull=True)
    assert (following.name, following.agency) == ("Lãnh đạo Sở ký", dossier.procedure.owner)
    reply.refresh_from_db()
    assert reply.status == "processed" and reply.reply_to == message
    page = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert "Xác minh đúng" in page and "chờ phản hồi" not in page


def test_the_same_reply_applies_once(case, clock, django_capture_on_commit_callbacks):
    _dossier, people = case
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():  # recorded, not applied yet (as if the worker were down)
        reply = exchange_fake_reply(actor=people["admin"], message=message, agreed=True, clock=clock)
    again, created = exchange_receive(
        actor="LGSP",
        system=message.system,
        kind="step_reply",
        reference=reply.reference,
        payload=reply.payload,
        reply_to=message,
        clock=clock,
    )
    assert again == reply and not created  # the same message id twice: one row
    assert central_replies_apply(clock=clock) == 1
    assert central_reply_apply(message_id=reply.pk, clock=clock) == "skipped"
    assert central_replies_apply(clock=clock) == 0
    assert StepRun.objects.filter(name="Xác minh tại Bộ Tư pháp", outcome="done").count() == 1
    assert StepRun.objects.get(finished_at__isnull=True).name == "Lãnh đạo Sở ký"  # not skipped past it
    with pytest.raises(DomainError, match="đã được phản hồi"):
        exchange_fake_reply(actor=people["admin"], message=message, agreed=True, clock=clock)


def test_comments_send_the_dossier_back_and_it_is_asked_again(case, clock, django_capture_on_commit_callbacks):
    dossier, people = case
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="Cần ghi ý kiến"):
        exchange_fake_reply(actor=people["admin"], message=message, agreed=False, note=" ", clock=clock)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_fake_reply(
            actor=people["admin"], message=message, agreed=False, note="Thiếu lý lịch tư pháp", clock=clock
        )
    assert StepRun.objects.get(name="Xác minh tại Bộ Tư pháp").outcome == "returned"
    reopened = StepRun.objects.get(finished_at__isnull=True)
    assert reopened.name == "Sở Tư pháp thẩm tra" and "Thiếu lý lịch tư pháp" in reopened.note
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_step_complete(actor=people["specialist"], dossier=dossier, note="Đã bổ sung", clock=clock)
    assert ExchangeMessage.objects.filter(direction="out", status="sent").count() == 2


def test_a_reply_after_the_step_was_recorded_by_hand_changes_nothing(case, clock, django_capture_on_commit_callbacks):
    dossier, people = case
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    services.dossier_step_complete(actor=people["leader"], dossier=dossier, note="Bộ trả lời bằng văn bản")
    with django_capture_on_commit_callbacks(execute=True):
        reply = exchange_fake_reply(actor=people["admin"], message=message, agreed=False, note="x", clock=clock)
    reply.refresh_from_db()
    assert reply.status == "processed" and "đã kết thúc" in reply.processing_note
    assert StepRun.objects.get(finished_at__isnull=True).name == "Lãnh đạo Sở ký"


def test_only_a_province_admin_plays_the_ministry(client, case, clock, django_capture_on_commit_callbacks):
    dossier, people = case
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    url, answer = reverse("exchange:fake_ministry"), reverse("exchange:fake_ministry_reply", args=[message.pk])
    for intruder in (people["leader"], people["desk"], UserFactory(citizen=True)):
        client.force_login(intruder)
        assert client.get(url).status_code == 403
        assert client.post(answer, {"decision": "agreed"}).status_code == 403
        with pytest.raises(PermissionDenied):
            exchange_fake_reply(actor=intruder, message=message, agreed=True, clock=clock)
    assert not ExchangeMessage.objects.filter(direction="in").exists()
    client.force_login(people["admin"])
    page = client.get(url).content.decode()
    assert dossier.code in page and "Đề nghị xác minh quốc tịch gốc" in page and "don.pdf" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(answer, {"decision": "agreed", "note": "Đồng ý"}, follow=True).content.decode()
    assert "Đã gửi phản hồi" in done and dossier.code not in done.split("<h1>")[1]
    assert StepRun.objects.get(finished_at__isnull=True).name == "Lãnh đạo Sở ký"


def test_the_demo_sends_a_nationality_dossier_to_the_ministry(clock, django_capture_on_commit_callbacks):
    from egov.demo.loader import load_demo

    with django_capture_on_commit_callbacks(execute=True):
        load_demo(clock=clock)
    message = ExchangeMessage.objects.get(direction="out")
    assert (message.status, message.via, message.system) == ("sent", "fake", "Bộ Tư pháp (qua LGSP/NDXP)")
    run = StepRun.objects.get(pk=message.object_id)
    assert run.is_open and run.name == "Xác minh tại Bộ Tư pháp" and run.dossier.procedure.code == "1.005136"


def test_one_reply_that_breaks_does_not_hold_up_the_others(case, clock, django_capture_on_commit_callbacks):
    message = _to_the_ministry(case, clock, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():  # both arrive while the worker is down; the broken one first
        exchange_receive(
            actor="LGSP",
            system=message.system,
            kind="step_reply",
            reference="hong-1",
            payload=["not", "an", "object"],
            reply_to=message,
            clock=clock,
        )
        exchange_receive(
            actor="LGSP",
            system=message.system,
            kind="step_reply",
            reference="dung-2",
            payload={"decision": AGREED, "note": "Đúng quốc tịch gốc"},
            reply_to=message,
            clock=clock,
        )
    assert central_replies_apply(clock=clock) == 1
    assert StepRun.objects.filter(name="Xác minh tại Bộ Tư pháp", outcome="done").count() == 1

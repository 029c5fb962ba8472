"""A dossier's result: drafted at a step, signed by the leader, downloaded by those who may, verified by anyone."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from egov.core.errors import DomainError, PermissionDenied
from egov.dossiers import services
from egov.dossiers.models import Dossier, Status
from egov.records.models import Result
from egov.records.selectors import result_check
from egov.records.services import letter_data, letter_html
from egov.workflow.models import StepRun
from tests.dossiers.conftest import PNG, pdf
from tests.factories import UserFactory
from tests.records.helpers import blank_pdf, result_draft, result_upload

pytestmark = pytest.mark.django_db


def _open_step(dossier):
    return StepRun.objects.get(dossier=dossier, finished_at__isnull=True)


def _resolve(dossier, people, clock):
    """Examined with a draft, approved (signed) by the department's leader, finished at the commune's desk."""
    result_draft(dossier, people["specialist"], clock)
    for actor in (people["specialist"], people["leader"], people["desk"]):
        services.dossier_step_complete(actor=actor, dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    return Result.objects.get(dossier=dossier)


def test_the_leader_signs_by_approving_and_the_result_verifies(setting, clock):
    dossier, people, land, _commune = setting
    result = _resolve(dossier, people, clock)
    assert dossier.status == Status.RESOLVED
    assert result.is_signed and result.agency == land and result.signer == people["leader"]
    assert (result.number, result.signed_at) == ("01/2026/KQ", clock.now())
    with result.file.open("rb") as f:
        data = f.read()
    check = result_check(data)
    assert check.verification.ok and check.issued == result
    assert check.verification.signer_name == "Lê Minh Tuấn"
    assert check.verification.certificate_subject == land.name
    assert (check.dossier_code, check.procedure_name) == (dossier.code, "Đăng ký biến động đất đai")


def test_the_last_step_needs_a_draft(setting, clock):
    dossier, people, _land, _commune = setting
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    services.dossier_step_complete(actor=people["leader"], dossier=dossier, clock=clock)  # nothing to sign yet
    last = _open_step(dossier)
    with pytest.raises(DomainError, match="Chưa có dự thảo kết quả"):
        services.dossier_step_complete(actor=people["commune_leader"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and _open_step(dossier) == last  # nothing changed


def test_an_unsigned_draft_is_signed_by_a_leader_at_the_last_step_only(setting, clock):
    dossier, people, _land, commune = setting
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    services.dossier_step_complete(actor=people["leader"], dossier=dossier, clock=clock)
    result_draft(dossier, people["desk"], clock)  # drafted after the approval: still unsigned
    with pytest.raises(PermissionDenied, match="lãnh đạo"):
        services.dossier_step_complete(actor=people["desk"], dossier=dossier, clock=clock)
    assert _open_step(dossier).name == "Trả kết quả"
    assert not Result.objects.get(dossier=dossier).is_signed
    services.dossier_step_complete(actor=people["commune_leader"], dossier=dossier, clock=clock)
    dossier.refresh_from_db()
    result = Result.objects.get(dossier=dossier)
    assert dossier.status == Status.RESOLVED and result.agency == commune and result.signer_name == "Hoàng Văn Xã"
    with result.file.open("rb") as f:
        assert result_check(f.read()).verification.certificate_subject == commune.name


def test_who_may_draft_and_what(setting, clock, django_capture_on_commit_callbacks):
    dossier, people, _land, _commune = setting
    for outsider in (people["other"], people["desk"], dossier.applicant):
        with pytest.raises(PermissionDenied):
            result_draft(dossier, outsider, clock)
    with pytest.raises(DomainError, match="phải là tệp PDF"):
        services.dossier_result_prepare(
            actor=people["specialist"], dossier=dossier, upload=pdf("anh.png", PNG), clock=clock
        )
    with pytest.raises(DomainError, match="không đọc được"):
        services.dossier_result_prepare(actor=people["specialist"], dossier=dossier, upload=pdf(), clock=clock)
    with pytest.raises(DomainError, match="Cần tải lên"):
        services.dossier_result_prepare(actor=people["specialist"], dossier=dossier, text="  ", clock=clock)
    assert not Result.objects.exists()
    first = result_draft(dossier, people["specialist"], clock)
    old_name = first.draft_file.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.dossier_result_prepare(
            actor=people["specialist"], dossier=dossier, upload=result_upload("moi.pdf"), clock=clock
        )
    assert second.pk == first.pk and second.original_filename == "moi.pdf"
    assert not default_storage.exists(old_name)  # the replaced draft is gone after commit
    for actor in (people["specialist"], people["leader"]):
        services.dossier_step_complete(actor=actor, dossier=dossier, clock=clock)
    with pytest.raises(DomainError, match="đã được ký số"):
        services.dossier_result_prepare(actor=people["desk"], dossier=dossier, upload=result_upload(), clock=clock)


def test_the_standard_letter_is_printed_with_its_number_when_signed(setting, clock):
    dossier, people, land, _commune = setting
    text = "Đồng ý đăng ký biến động thửa đất số 12, tờ bản đồ số 5."
    draft = services.dossier_result_prepare(actor=people["specialist"], dossier=dossier, text=text, clock=clock)
    assert draft.source == Result.Source.LETTER and draft.text == text
    html = letter_html(letter_data(dossier=dossier, agency=land, text=text))
    assert "DỰ THẢO – CHƯA KÝ SỐ" in html and dossier.code in html and "Nguyễn Văn An" in html
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    clock.advance(timedelta(hours=2))
    services.dossier_step_complete(actor=people["leader"], dossier=dossier, clock=clock)
    signed = Result.objects.get(dossier=dossier)
    assert signed.is_signed and signed.sha256 != signed.draft_sha256  # printed again, then signed
    with signed.file.open("rb") as f:
        data = f.read()
    assert result_check(data).verification.ok and result_check(data).issued == signed


def test_a_failed_signature_changes_nothing(setting, clock, settings):
    dossier, people, _land, _commune = setting
    result_draft(dossier, people["specialist"], clock)
    services.dossier_step_complete(actor=people["specialist"], dossier=dossier, clock=clock)
    settings.SIGNING_DEMO_CA = False  # the department has no certificate
    with pytest.raises(DomainError, match="chưa có chứng thư số"):
        services.dossier_step_complete(actor=people["leader"], dossier=dossier, clock=clock)
    assert _open_step(dossier).name == "Phê duyệt"
    assert not Result.objects.get(dossier=dossier).is_signed


def test_online_return_needs_the_signed_result(setting, clock):
    dossier, people, _land, _commune = setting
    # A dossier resolved before results were signed (old data): no online return, the desk still can.
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RESOLVED)
    with pytest.raises(DomainError, match="kết quả đã ký số"):
        services.dossier_return_result(actor=people["desk"], dossier=dossier, channel="online", clock=clock)


def test_online_return_with_the_signed_result(setting, clock):
    dossier, people, _land, _commune = setting
    _resolve(dossier, people, clock)
    services.dossier_return_result(actor=people["desk"], dossier=dossier, channel="online", clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_the_signed_result_downloads_for_the_applicant_and_the_handling_agencies_only(client, setting, clock):
    dossier, people, _land, _commune = setting
    url = reverse("dossiers:result", args=[dossier.code])
    client.force_login(dossier.applicant)
    assert client.get(url).status_code == 404  # not signed yet
    result = _resolve(dossier, people, clock)
    page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert "Tải kết quả đã ký số (PDF)" in page and result.number in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert result_check(body).issued == result
    for official in (people["desk"], people["leader"]):  # the receiving commune, the department that decided
        client.force_login(official)
        assert client.get(url).status_code == 200
    for intruder in (UserFactory(citizen=True), people["other"]):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_the_steps_page_drafts_and_shows_the_result(client, setting, clock):
    dossier, people, _land, _commune = setting
    steps = reverse("workflow:steps", args=[dossier.code])
    client.force_login(people["specialist"])
    assert "Chưa có dự thảo kết quả" in client.get(steps).content.decode()
    client.post(reverse("workflow:result_prepare", args=[dossier.code]), {"result_file": result_upload()})
    page = client.get(steps).content.decode()
    assert "Dự thảo (Tệp PDF tải lên)" in page
    preview = client.get(reverse("workflow:result_pdf", args=[dossier.code]))
    assert preview.status_code == 200 and preview.content == _draft(dossier)
    client.force_login(people["other"])
    assert client.post(reverse("workflow:result_prepare", args=[dossier.code]), {"result_text": "x"}).status_code == 404
    assert client.get(reverse("workflow:result_pdf", args=[dossier.code])).status_code == 404


def _draft(dossier):
    with Result.objects.get(dossier=dossier).draft_file.open("rb") as f:
        return f.read()


def test_the_public_verification_page(client, setting, clock):
    dossier, people, _land, _commune = setting
    result = _resolve(dossier, people, clock)
    with result.file.open("rb") as f:
        data = f.read()
    url = reverse("records:verify")
    assert "Kiểm tra kết quả đã ký số" in client.get(url).content.decode()

    page = client.post(url, {"file": result_upload("ket-qua.pdf", data)}).content.decode()
    assert "Chữ ký số hợp lệ và đây đúng là kết quả do hệ thống cấp" in page
    assert dossier.code in page and "Đăng ký biến động đất đai" in page and "Lê Minh Tuấn" in page
    assert "egov Demo CA – Lâm Đồng" in page and "được tỉnh tin cậy" in page
    assert dossier.applicant_name not in page and dossier.applicant_phone not in page  # no personal data

    tampered = bytearray(data)
    tampered[data.index(b"/Producer") + 12] ^= 0x01  # one letter of the signed content
    page = client.post(url, {"file": result_upload("ket-qua.pdf", bytes(tampered))}).content.decode()
    assert "đã bị sửa đổi" in page and dossier.code not in page

    page = client.post(url, {"file": result_upload("khong-ky.pdf", blank_pdf())}).content.decode()
    assert "không có chữ ký số" in page
    assert client.post(url, {"file": result_upload("anh.png", PNG)}).status_code == 400

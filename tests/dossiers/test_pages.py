"""The application, tracking and desk pages, and who may see which dossier and file through them."""

import uuid

import pytest
from django.urls import reverse

from egov.dossiers.models import Dossier, Status
from tests.dossiers.conftest import pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client, applicant, procedure, centre):
    client.force_login(applicant)
    component = procedure.components.get(required=True)
    response = client.post(
        reverse("dossiers:apply", args=[procedure.code]),
        {
            "agency": centre.pk,
            "idempotency_key": uuid.uuid4().hex,
            f"component_{component.pk}": pdf(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return Dossier.objects.get()


def test_citizen_applies_and_sees_the_dossier(client, applicant, submitted):
    client.force_login(applicant)
    page = client.get(reverse("dossiers:detail", args=[submitted.code])).content.decode()
    assert submitted.code in page and "Mới đăng ký" in page and "Giấy chứng sinh" in page
    assert applicant.full_name in page  # signed in, the timeline says who acted
    assert submitted.code in client.get(reverse("dossiers:mine")).content.decode()


def test_missing_required_file_is_explained(client, applicant, procedure, centre):
    client.force_login(applicant)
    response = client.post(
        reverse("dossiers:apply", args=[procedure.code]), {"agency": centre.pk, "idempotency_key": "x"}
    )
    assert response.status_code == 200 and "bắt buộc" in response.content.decode()
    assert not Dossier.objects.exists()


def test_tracking_by_code_and_last_four_digits(client, submitted):
    url = reverse("dossiers:track")
    page = client.get(url, {"ma": submitted.code, "so": "5678"}).content.decode()
    assert "Mới đăng ký" in page and submitted.procedure_name in page
    assert submitted.applicant_name not in page  # anyone with the code and 4 digits: no name
    wrong = client.get(url, {"ma": submitted.code, "so": "0000"}).content.decode()
    unknown = client.get(url, {"ma": "000.00.02.H39-260310-9999", "so": "5678"}).content.decode()
    for page in (wrong, unknown):
        assert "Không tìm thấy hồ sơ" in page and "Mới đăng ký" not in page


def test_guessing_the_phone_digits_locks_tracking_of_that_code(client, submitted, settings):
    settings.TRACK_FAILURES_PER_CODE = "5/h"
    url, code = reverse("dossiers:track"), submitted.code
    for digits in ("0000", "0001", "0002", "0003", "0004"):
        assert client.get(url, {"ma": code, "so": digits}).status_code == 200
    # Five wrong tries: now even the right digits get no answer, from any address, for this code only.
    for address in ("127.0.0.1", "203.0.113.9"):
        locked = client.get(url, {"ma": code.lower(), "so": "5678"}, REMOTE_ADDR=address)
        page = locked.content.decode()
        assert locked.status_code == 429 and "Đã nhập sai quá nhiều lần" in page
        assert "Mới đăng ký" not in page and submitted.applicant_name not in page
        assert reverse("dossiers:mine") in page  # the applicant can still sign in and see it
    other = client.get(url, {"ma": "000.00.02.H39-260310-9999", "so": "5678"})
    assert other.status_code == 200 and "Không tìm thấy hồ sơ" in other.content.decode()


def test_one_address_guessing_across_codes_is_stopped_and_others_are_not(client, submitted, settings):
    settings.TRACK_FAILURES_PER_IP = "3/h"
    url = reverse("dossiers:track")
    for n in range(3):
        client.get(url, {"ma": f"000.00.02.H39-260310-{n:04d}", "so": "5678"}, REMOTE_ADDR="198.51.100.7")
    blocked = client.get(url, {"ma": submitted.code, "so": "5678"}, REMOTE_ADDR="198.51.100.7")
    assert blocked.status_code == 429 and "Mới đăng ký" not in blocked.content.decode()
    elsewhere = client.get(url, {"ma": submitted.code, "so": "5678"}, REMOTE_ADDR="192.0.2.1")
    assert elsewhere.status_code == 200 and "Mới đăng ký" in elsewhere.content.decode()


def test_right_answers_are_not_counted_as_tries(client, submitted, settings):
    settings.TRACK_FAILURES_PER_CODE = settings.TRACK_FAILURES_PER_IP = "2/h"
    url = reverse("dossiers:track")
    for _ in range(10):
        assert "Mới đăng ký" in client.get(url, {"ma": submitted.code, "so": "5678"}).content.decode()


def test_a_province_administrator_sees_the_dossier_but_does_not_receive_it(client, province_admin, submitted):
    client.force_login(province_admin)
    page = client.get(reverse("dossiers_office:check", args=[submitted.code])).content.decode()
    assert submitted.code in page and "Tiếp nhận, lập giấy hẹn" not in page
    client.post(reverse("dossiers_office:accept", args=[submitted.code]))
    client.post(reverse("dossiers_office:refuse", args=[submitted.code]), {"reason": "Không"})
    submitted.refresh_from_db()
    assert submitted.status == Status.NEW and not submitted.slips.exists()


def test_desk_queue_check_and_accept(client, receiver, submitted):
    client.force_login(receiver)
    assert submitted.code in client.get(reverse("dossiers_office:queue")).content.decode()
    assert (
        "Tiếp nhận, lập giấy hẹn"
        in client.get(reverse("dossiers_office:check", args=[submitted.code])).content.decode()
    )
    client.post(reverse("dossiers_office:accept", args=[submitted.code]))
    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and submitted.due_at


def test_nobody_else_sees_the_dossier_or_its_files(client, submitted, other_receiver):
    document = submitted.documents.get()
    file_url = reverse("dossiers:document", args=[document.public_id])
    detail_url = reverse("dossiers:detail", args=[submitted.code])
    assert client.get(file_url).status_code == 302  # anonymous: sign in first
    client.force_login(UserFactory(citizen=True))
    assert client.get(file_url).status_code == 404 and client.get(detail_url).status_code == 404
    client.force_login(other_receiver)
    assert client.get(file_url).status_code == 404
    assert client.get(reverse("dossiers_office:check", args=[submitted.code])).status_code == 404
    assert submitted.code not in client.get(reverse("dossiers_office:queue") + "?status=all").content.decode()
    assert client.post(reverse("dossiers_office:accept", args=[submitted.code])).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Status.NEW


def test_the_applicant_downloads_their_file(client, applicant, submitted):
    client.force_login(applicant)
    response = client.get(reverse("dossiers:document", args=[submitted.documents.get().public_id]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_citizens_cannot_open_the_desk(client, applicant):
    client.force_login(applicant)
    assert client.get(reverse("dossiers_office:queue")).status_code == 403


def test_desk_enters_a_walk_in_dossier_with_scans(client, receiver, procedure):
    client.force_login(receiver)
    response = client.post(
        reverse("dossiers_office:register"),
        {
            "procedure": procedure.pk,
            "channel": "desk",
            "applicant_name": "Lê Thị Hồng",
            "applicant_phone": "0909123456",
            "scans": [pdf("scan-1.pdf"), pdf("scan-2.pdf")],
        },
    )
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and dossier.status == Status.RECEIVED and dossier.documents.count() == 2


def test_receipt_slip_is_printed_and_verifiable(client, receiver, applicant, submitted):
    from egov.dossiers.models import Slip

    client.force_login(receiver)
    client.post(reverse("dossiers_office:accept", args=[submitted.code]))
    slip = Slip.objects.get(dossier=submitted, kind="receipt")
    assert slip.data["dossier_code"] == submitted.code and slip.data["due_explanation"]
    client.force_login(applicant)
    detail = client.get(reverse("dossiers:detail", args=[submitted.code])).content.decode()
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in detail
    pdf_response = client.get(reverse("dossiers:slip", args=[submitted.code, slip.pk]))
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF-")
    client.logout()
    track = reverse("dossiers:track")
    genuine = client.get(track, {"ma": submitted.code, "h": slip.content_hash[:16]}).content.decode()
    forged = client.get(track, {"ma": submitted.code, "h": "0" * 16}).content.decode()
    assert "là phiếu thật" in genuine and "phiếu có thể bị sửa hoặc giả" in forged
    client.force_login(UserFactory(citizen=True))
    assert client.get(reverse("dossiers:slip", args=[submitted.code, slip.pk])).status_code == 404


def test_save_a_draft_on_the_page_and_submit_it_later(client, applicant, procedure, centre):
    from egov.dossiers.models import Draft

    client.force_login(applicant)
    url = reverse("dossiers:apply", args=[procedure.code])
    component = procedure.components.get(required=True)
    saved = client.post(
        url, {"agency": centre.pk, "idempotency_key": "k", "save_draft": "1", f"component_{component.pk}": pdf()}
    )
    draft = Draft.objects.get()
    assert saved.status_code == 302 and f"nhap={draft.public_id}" in saved["Location"]
    assert procedure.name in client.get(reverse("dossiers:mine")).content.decode()  # listed to resume
    resumed = client.get(saved["Location"]).content.decode()
    assert "đã đính kèm trong bản nháp" in resumed
    done = client.post(url, {"agency": centre.pk, "idempotency_key": "k2", "draft": str(draft.public_id)})
    assert done.status_code == 302, done.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.documents.count() == 1 and not Draft.objects.exists()

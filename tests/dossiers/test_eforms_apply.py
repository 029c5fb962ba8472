"""E-forms in use: versions, who edits them, prefilled for the citizen, kept with the dossier."""

import uuid

import pytest
from django.urls import reverse

from egov.catalog.services import procedure_form_save
from egov.core.errors import PermissionDenied
from egov.dossiers.models import Dossier
from tests.catalog.test_eforms import FIELDS
from tests.dossiers.conftest import pdf


@pytest.mark.django_db
def test_versions_and_who_may_edit(procedure, lam_dong, clock):
    from egov.accounts.models import Role
    from tests.factories import official

    justice_leader = official(lam_dong["so-tu-phap"], Role.LEADER)
    other = official(lam_dong["so-xay-dung"], Role.LEADER)
    first = procedure_form_save(actor=justice_leader, procedure=procedure, fields=FIELDS, clock=clock)
    assert first.number == 1
    assert procedure_form_save(actor=justice_leader, procedure=procedure, fields=FIELDS, clock=clock) is None
    second = procedure_form_save(actor=justice_leader, procedure=procedure, fields=FIELDS[:3], clock=clock)
    assert second.number == 2 and len(second.fields) == 3
    with pytest.raises(PermissionDenied):
        procedure_form_save(actor=other, procedure=procedure, fields=FIELDS, clock=clock)


@pytest.mark.django_db
def test_citizen_form_is_prefilled_and_the_dossier_keeps_its_version(
    client, procedure, applicant, centre, lam_dong, clock
):
    from egov.accounts.models import Role
    from tests.factories import official

    leader = official(lam_dong["so-tu-phap"], Role.LEADER)
    version = procedure_form_save(actor=leader, procedure=procedure, fields=FIELDS, clock=clock)
    client.force_login(applicant)
    url = reverse("dossiers:apply", args=[procedure.code])
    page = client.get(url).content.decode()
    assert 'value="Nguyễn Văn An"' in page and 'value="0912345678"' in page
    component = procedure.components.get(required=True)
    response = client.post(
        url,
        {
            "agency": centre.pk,
            "idempotency_key": uuid.uuid4().hex,
            f"component_{component.pk}": pdf(),
            "ef_ho_ten_tre": "Nguyễn Bảo An",
            "ef_ngay_sinh": "2026-02-01",
            "ef_gioi_tinh": "Nữ",
            "ef_nguoi_khai": "Nguyễn Văn An",
            "ef_dien_thoai": "0912345678",
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.form_version == version and dossier.form_data["gioi_tinh"] == "Nữ"
    procedure_form_save(actor=leader, procedure=procedure, fields=FIELDS[:2], clock=clock)
    dossier.refresh_from_db()
    assert dossier.form_version == version  # a new version does not touch what was filed


@pytest.mark.django_db
def test_eform_page_saves_a_version(client, procedure, lam_dong):
    from egov.accounts.models import Role
    from tests.factories import official

    client.force_login(official(lam_dong["so-tu-phap"], Role.LEADER))
    url = reverse("catalog_office:eform", args=[procedure.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "fields-TOTAL_FORMS": 2,
            "fields-INITIAL_FORMS": 0,
            "fields-0-name": "ho_ten",
            "fields-0-label": "Họ tên",
            "fields-0-type": "text",
            "fields-0-required": "on",
            "fields-1-name": "loai",
            "fields-1-label": "Loại",
            "fields-1-type": "choice",
            "fields-1-choices": "A; B",
        },
    )
    assert response.status_code == 302
    assert procedure.form_versions.get().fields[1]["choices"] == ["A", "B"]

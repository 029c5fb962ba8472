"""The applications API: draft, upload, submit (idempotent), read; and nobody reads another's."""

import pytest

from egov.dossiers.models import Dossier
from egov.dossiers.selectors import agency_receives, receiving_agencies
from egov.org.models import Agency
from tests.dossiers.conftest import pdf
from tests.factories import ProcedureFactory, UserFactory

pytestmark = pytest.mark.django_db


def _draft_at(client, procedure, agency):
    """A new draft through the API, filed with `agency`: its id."""
    return client.post(
        "/api/v1/drafts",
        {"procedure_code": procedure.code, "agency_eid_code": agency.eid_code},
        content_type="application/json",
    ).json()["id"]


def test_draft_upload_submit_and_read(client, applicant, procedure, centre):
    client.force_login(applicant)
    draft = client.post(
        "/api/v1/drafts",
        {"procedure_code": procedure.code, "agency_eid_code": centre.eid_code},
        content_type="application/json",
    )
    assert draft.status_code == 201, draft.content
    draft_id = draft.json()["id"]
    component = procedure.components.get(required=True)
    upload = client.post(f"/api/v1/drafts/{draft_id}/files", {"component_id": component.pk, "file": pdf()})
    assert upload.status_code == 201 and upload.json()["content_type"] == "application/pdf"
    bad = client.post(f"/api/v1/drafts/{draft_id}/files", {"file": pdf("x.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400 and bad.json()["code"] == "dossiers.file_type"
    submitted = client.post(f"/api/v1/drafts/{draft_id}/submit", HTTP_IDEMPOTENCY_KEY="abc")
    assert submitted.status_code == 201, submitted.content
    again = client.post(f"/api/v1/drafts/{draft_id}/submit", HTTP_IDEMPOTENCY_KEY="abc")
    assert again.json()["code"] == submitted.json()["code"] and Dossier.objects.count() == 1
    body = client.get(f"/api/v1/dossiers/{submitted.json()['code']}").json()
    assert body["status"] == "new" and body["timeline"][0]["status"] == "new"
    assert [d["code"] for d in client.get("/api/v1/dossiers").json()] == [body["code"]]


def test_unpublished_procedure_and_missing_sign_in(client, applicant, procedure):
    assert (
        client.post("/api/v1/drafts", {"procedure_code": procedure.code}, content_type="application/json").status_code
        == 401
    )
    procedure.status = "suspended"
    procedure.save()
    client.force_login(applicant)
    response = client.post("/api/v1/drafts", {"procedure_code": procedure.code}, content_type="application/json")
    assert response.status_code == 404


def test_nobody_reads_anothers_draft_or_dossier(client, applicant, procedure, centre):
    client.force_login(applicant)
    draft_id = _draft_at(client, procedure, centre)
    component = procedure.components.get(required=True)
    client.post(f"/api/v1/drafts/{draft_id}/files", {"component_id": component.pk, "file": pdf()})
    code = client.post(f"/api/v1/drafts/{draft_id}/submit", HTTP_IDEMPOTENCY_KEY="k").json()["code"]
    client.force_login(UserFactory(citizen=True))
    assert client.get(f"/api/v1/dossiers/{code}").status_code == 404
    assert client.get("/api/v1/dossiers").json() == []
    other = client.post("/api/v1/drafts", {"procedure_code": procedure.code}, content_type="application/json")
    assert client.get(f"/api/v1/drafts/{draft_id}").status_code == 404 and other.status_code == 201


def test_the_api_is_in_the_openapi_document(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/v1/drafts",
        "/api/v1/drafts/{draft_id}/files",
        "/api/v1/drafts/{draft_id}/submit",
        "/api/v1/dossiers/{code}",
    ):
        assert path in paths


def test_only_an_agency_that_receives_the_procedure_can_be_chosen(client, applicant, procedure, centre, lam_dong):
    construction = lam_dong["so-xay-dung"]
    assert construction not in receiving_agencies(procedure)
    client.force_login(applicant)
    refused = client.post(
        "/api/v1/drafts",
        {"procedure_code": procedure.code, "agency_eid_code": construction.eid_code},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["code"] == "dossiers.agency_not_receiving"
    assert "không tiếp nhận hồ sơ của thủ tục này" in refused.json()["message"]
    draft_id = client.post(
        "/api/v1/drafts", {"procedure_code": procedure.code}, content_type="application/json"
    ).json()["id"]
    patched = client.patch(
        f"/api/v1/drafts/{draft_id}", {"agency_eid_code": construction.eid_code}, content_type="application/json"
    )
    assert patched.status_code == 400
    assert client.get(f"/api/v1/drafts/{draft_id}").json()["agency_eid_code"] is None
    # The one-agency rule and the list the form offers agree, for every agency of the province; the
    # procedure's own agency may also receive (its own desk).
    for kind in ({"at_province": True, "at_commune": False}, {"at_province": False, "at_commune": True}):
        other = ProcedureFactory(published=True, owner=lam_dong["so-tu-phap"], **kind)
        offered = set(receiving_agencies(other))
        assert offered and {a for a in Agency.objects.all() if agency_receives(a, other)} == offered | {other.owner}


def test_a_component_of_another_procedure_is_refused_in_vietnamese(client, applicant, procedure, centre):
    foreign = ProcedureFactory(published=True).components.first()
    client.force_login(applicant)
    draft_id = _draft_at(client, procedure, centre)
    response = client.post(f"/api/v1/drafts/{draft_id}/files", {"component_id": foreign.pk, "file": pdf()})
    assert response.status_code == 404 and response.json()["message"] == "Giấy tờ không thuộc thủ tục này."

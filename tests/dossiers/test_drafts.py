"""A draft is saved, resumed, given files, and submitted as a dossier that keeps those files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.core.errors import DomainError, PermissionDenied
from egov.core.selectors import audit_events_for
from egov.dossiers import services
from egov.dossiers.models import Document, Draft, DraftFile, Status
from tests.dossiers.conftest import pdf
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_save_resume_and_submit(applicant, procedure, centre, clock, _media):
    draft = services.draft_save(actor=applicant, procedure=procedure, form_data={"ho_ten_tre": "An"}, clock=clock)
    draft = services.draft_save(
        actor=applicant,
        procedure=procedure,
        draft=draft,
        agency=centre,
        form_data={"ho_ten_tre": "Nguyễn Bảo An"},
        clock=clock,
    )
    component = procedure.components.get(required=True)
    kept = services.draft_file_add(actor=applicant, draft=draft, component=component, upload=pdf(), clock=clock)
    stored_name = kept.file.name
    dossier = services.draft_submit(actor=applicant, draft=draft, idempotency_key="d1", clock=clock)
    assert dossier.status == Status.NEW and dossier.form_data == {"ho_ten_tre": "Nguyễn Bảo An"}
    assert dossier.documents.get().file.name == stored_name and (_media / stored_name).exists()
    assert not Draft.objects.exists() and not DraftFile.objects.exists()
    again = services.draft_submit(actor=applicant, draft=draft, idempotency_key="d1", clock=clock)
    assert again.pk == dossier.pk and Document.objects.count() == 1


def test_a_draft_without_its_required_file_cannot_be_submitted(applicant, procedure, centre, clock):
    draft = services.draft_save(actor=applicant, procedure=procedure, agency=centre, clock=clock)
    with pytest.raises(DomainError, match="Còn thiếu giấy tờ bắt buộc"):
        services.draft_submit(actor=applicant, draft=draft, idempotency_key="x", clock=clock)
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_nobody_else_touches_a_draft(applicant, procedure, centre, clock, _media):
    draft = services.draft_save(actor=applicant, procedure=procedure, agency=centre, clock=clock)
    stranger = UserFactory(citizen=True)
    with pytest.raises(PermissionDenied):
        services.draft_file_add(actor=stranger, draft=draft, component=None, upload=pdf(), clock=clock)
    with pytest.raises(PermissionDenied):
        services.draft_submit(actor=stranger, draft=draft, idempotency_key="x", clock=clock)
    assert not any(p.is_file() for p in _media.rglob("*"))


def test_saving_a_draft_with_one_bad_file_keeps_nothing(client, applicant, procedure, centre, _media):
    client.force_login(applicant)
    first, second = procedure.components.order_by("position")
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf at all" * 10, content_type="application/pdf")
    response = client.post(
        reverse("dossiers:apply", args=[procedure.code]),
        {"save_draft": "1", "agency": centre.pk, f"component_{first.pk}": pdf(), f"component_{second.pk}": bad},
    )
    assert response.status_code == 400 and "không phải" in response.content.decode()
    assert not Draft.objects.exists() and not DraftFile.objects.exists()
    assert not [path for path in _media.rglob("*") if path.is_file()]  # the good file is not left behind


def test_a_file_named_after_an_id_number_leaves_no_trace_of_it_in_the_audit(applicant, procedure, clock, _media):
    draft = services.draft_save(actor=applicant, procedure=procedure, clock=clock)
    services.draft_file_add(
        actor=applicant, draft=draft, component=None, upload=pdf("CCCD_068190000123.pdf"), clock=clock
    )
    assert "068190000123" not in str([(e.changes, e.object_repr) for e in audit_events_for(draft)])

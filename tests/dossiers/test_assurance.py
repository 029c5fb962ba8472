"""A procedure that requires VNeID at a minimum level refuses applications from accounts below it."""

from __future__ import annotations

import uuid

import pytest

from egov.core.errors import PermissionDenied
from egov.dossiers.services import dossier_submit_online
from egov.identity.models import FederatedIdentity
from tests.dossiers.conftest import attachments


@pytest.fixture
def strict(procedure):
    procedure.min_assurance_level = 2
    procedure.save(update_fields=["min_assurance_level"])
    return procedure


def _submit(actor, procedure, centre, clock):
    return dossier_submit_online(
        actor=actor,
        procedure=procedure,
        agency=centre,
        attachments=attachments(procedure),
        idempotency_key=uuid.uuid4().hex,
        clock=clock,
    )


def test_level_2_procedure_needs_a_level_2_vneid_sign_in(strict, centre, applicant, clock):
    with pytest.raises(PermissionDenied, match="VNeID mức 2"):
        _submit(applicant, strict, centre, clock)
    link = FederatedIdentity.objects.create(
        user=applicant, subject="s-1", level=1, linked_at=clock.now(), last_sign_in_at=clock.now()
    )
    with pytest.raises(PermissionDenied):
        _submit(applicant, strict, centre, clock)
    link.level = 2
    link.save()
    assert _submit(applicant, strict, centre, clock).code


def test_the_apply_page_sends_the_applicant_to_vneid(client, strict, applicant):
    client.force_login(applicant)
    answer = client.get(f"/nop/{strict.code}/")
    assert answer.status_code == 302 and answer["Location"] == f"/tai-khoan/vneid/?next=/nop/{strict.code}/"

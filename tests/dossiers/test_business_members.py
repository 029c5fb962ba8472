"""A business account's members: the representative manages them; a member applies in the business's name
and every member sees the business's dossiers; outsiders do not."""

from __future__ import annotations

import uuid

import pytest

from egov.accounts.models import BusinessMember
from egov.accounts.services import business_member_add, business_member_remove
from egov.core.errors import DomainError, PermissionDenied
from egov.core.models import AuditEvent
from egov.dossiers.selectors import dossier_get_for_user, dossier_list_for_applicant
from egov.dossiers.services import dossier_submit_online, dossier_withdraw
from tests.dossiers.conftest import attachments
from tests.factories import UserFactory


@pytest.fixture
def company(db):
    return UserFactory(
        kind="business",
        tax_code="5800000167",
        username="5800000167",
        full_name="Công ty TNHH Cà phê Đà Lạt",
        phone="02633822000",
        address="12 Trần Phú, Đà Lạt",
    )


@pytest.fixture
def clerk(company, clock):
    person = UserFactory(citizen=True, full_name="Nguyễn Thị Thu")
    business_member_add(actor=company, business=company, personal_id=person.personal_id, role="applicant", clock=clock)
    return person


def _apply(actor, procedure, centre, clock, business=None):
    return dossier_submit_online(
        actor=actor,
        procedure=procedure,
        agency=centre,
        attachments=attachments(procedure),
        business=business,
        idempotency_key=uuid.uuid4().hex,
        clock=clock,
    )


def test_a_member_applies_in_the_business_name_and_the_business_sees_it(procedure, centre, company, clerk, clock):
    dossier = _apply(clerk, procedure, centre, clock, business=company)
    assert dossier.applicant == company
    assert (dossier.applicant_name, dossier.applicant_personal_id) == ("Công ty TNHH Cà phê Đà Lạt", "5800000167")
    assert (dossier.proxy_name, dossier.proxy_personal_id) == ("Nguyễn Thị Thu", clerk.personal_id)
    assert dossier in dossier_list_for_applicant(company)
    assert dossier in dossier_list_for_applicant(clerk)
    assert dossier_get_for_user(clerk, dossier.code) == dossier
    # A member may act on it, e.g. withdraw.
    dossier_withdraw(actor=clerk, dossier=dossier, reason="Nộp nhầm", clock=clock)


def test_outsiders_and_removed_members_cannot(procedure, centre, company, clerk, clock):
    stranger = UserFactory(citizen=True)
    with pytest.raises(PermissionDenied):
        _apply(stranger, procedure, centre, clock, business=company)
    dossier = _apply(clerk, procedure, centre, clock, business=company)
    assert dossier not in dossier_list_for_applicant(stranger)
    with pytest.raises(PermissionDenied):
        dossier_withdraw(actor=stranger, dossier=dossier, reason="x", clock=clock)
    with pytest.raises(PermissionDenied):  # a plain member does not manage members
        business_member_add(actor=clerk, business=company, personal_id=stranger.personal_id, role="applicant")

    business_member_remove(actor=company, member=BusinessMember.objects.get(member=clerk), clock=clock)
    assert dossier not in dossier_list_for_applicant(clerk)
    with pytest.raises(PermissionDenied):
        _apply(clerk, procedure, centre, clock, business=company)


def test_the_representative_manages_members_on_the_page(client, company, clock):
    boss = UserFactory(citizen=True, full_name="Trần Văn Chủ")
    business_member_add(actor=company, business=company, personal_id=boss.personal_id, role="representative")
    staff = UserFactory(citizen=True, full_name="Lê Văn Nhân Viên")
    client.force_login(boss)
    client.post(f"/tai-khoan/doanh-nghiep/{company.pk}/them/", {"personal_id": staff.personal_id, "role": "applicant"})
    assert BusinessMember.objects.filter(business=company, member=staff, role="applicant").exists()
    page = client.get("/tai-khoan/doanh-nghiep/").content.decode()
    assert "Lê Văn Nhân Viên" in page and "Công ty TNHH Cà phê Đà Lạt" in page
    assert AuditEvent.objects.filter(action="accounts.business.member_add", actor=boss).exists()

    with pytest.raises(DomainError, match="Chưa có tài khoản"):
        business_member_add(actor=boss, business=company, personal_id="068190099999", role="applicant")
    client.force_login(staff)
    assert (
        client.post(
            f"/tai-khoan/doanh-nghiep/{company.pk}/them/", {"personal_id": boss.personal_id, "role": "applicant"}
        ).status_code
        == 403
    )


def test_the_apply_page_offers_the_business(client, procedure, company, clerk):
    client.force_login(clerk)
    page = client.get(f"/nop/{procedure.code}/").content.decode()
    assert "Nộp hồ sơ với tư cách" in page and "Công ty TNHH Cà phê Đà Lạt" in page

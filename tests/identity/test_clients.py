"""The client registry: only the province administrator registers systems and rotates their secrets."""

from __future__ import annotations

import pytest
from oauth2_provider.models import Application

from egov.accounts.models import Role
from egov.core.errors import DomainError, PermissionDenied
from egov.core.models import AuditEvent
from egov.identity.oidc import EgovValidator
from egov.identity.services import client_register, client_secret_rotate
from tests.factories import official

from .conftest import REDIRECT

pytestmark = pytest.mark.django_db


def test_registering_on_the_page_shows_the_secret_once_and_stores_it_hashed(client, province_admin):
    client.force_login(province_admin)
    answer = client.post(
        "/quan-tri/dinh-danh/ung-dung/dang-ky/",
        {
            "name": "Hệ thống quản lý văn bản",
            "redirect_uris": REDIRECT,
            "client_type": "confidential",
            "scopes": ["profile", "official"],
        },
    )
    assert answer.status_code == 201
    application = Application.objects.get(name="Hệ thống quản lý văn bản")
    secret = answer.context["issued"].secret
    assert secret and secret in answer.content.decode()
    assert application.client_secret != secret  # only the hash is kept
    assert application.egov_policy.allowed_scopes == "openid profile official"
    assert AuditEvent.objects.filter(action="identity.client.register", actor=province_admin).exists()
    listing = client.get("/quan-tri/dinh-danh/ung-dung/").content.decode()
    assert application.client_id in listing and secret not in listing


def test_bad_registrations_are_explained_and_change_nothing(province_admin):
    with pytest.raises(DomainError, match="https"):
        client_register(actor=province_admin, name="X", redirect_uris=["http://example.vn/cb"], scopes=[], public=False)
    with pytest.raises(DomainError, match="Phạm vi"):
        client_register(actor=province_admin, name="X", redirect_uris=[REDIRECT], scopes=["admin"], public=False)
    assert not Application.objects.exists()


def test_other_officials_cannot_register_or_open_the_registry(client, construction, province_admin):
    admin_of_agency = official(construction, Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        client_register(actor=admin_of_agency, name="X", redirect_uris=[REDIRECT], scopes=[], public=True)
    client.force_login(admin_of_agency)
    assert client.get("/quan-tri/dinh-danh/ung-dung/").status_code == 403
    assert (
        client.post("/quan-tri/dinh-danh/ung-dung/dang-ky/", {"name": "X", "redirect_uris": REDIRECT}).status_code
        == 403
    )
    assert not Application.objects.exists()


def test_rotating_a_secret_ends_the_old_one(province_admin):
    issued = client_register(actor=province_admin, name="Cổng TTĐT", redirect_uris=[REDIRECT], scopes=[], public=False)
    application = issued.application
    rotated = client_secret_rotate(actor=province_admin, application=application, reason="lộ khóa")
    application.refresh_from_db()
    from django.contrib.auth.hashers import check_password

    assert check_password(rotated.secret, application.client_secret)
    assert not check_password(issued.secret, application.client_secret)
    event = AuditEvent.objects.get(action="identity.client.rotate_secret")
    assert event.reason == "lộ khóa" and rotated.secret not in str(event.changes)


class _Request:
    def __init__(self, user):
        self.user = user


def test_an_official_token_names_agencies_and_roles(construction, justice):
    leader = official(construction, Role.LEADER, Role.RECEIVER)
    claims = EgovValidator().get_claim_dict(_Request(leader))
    assert claims["account_kind"] == "official"
    assert claims["agency_codes"] == [construction.eid_code]
    assert {r["role"] for r in claims["roles"]} == {"leader", "receiver"}
    assert "national_id" not in claims

"""An app signs its user in through the province and uses the applications API with the access token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from tests.dossiers.conftest import pdf

pytestmark = pytest.mark.django_db


def _token(user, scope: str, *, expires_in: int = 3600) -> str:
    app = Application.objects.get_or_create(
        name="Ứng dụng di động", client_type="public", authorization_grant_type="authorization-code"
    )[0]
    value = f"tok-{user.pk}-{scope.replace(' ', '-')}-{expires_in}"
    AccessToken.objects.create(
        user=user, application=app, token=value, scope=scope, expires=timezone.now() + timedelta(seconds=expires_in)
    )
    return value


def test_an_app_applies_with_a_bearer_token_and_no_session(applicant, procedure, centre):
    app = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: only the bearer token
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(applicant, 'openid dossiers')}"}
    draft = app.post(
        "/api/v1/drafts",
        {"procedure_code": procedure.code, "agency_eid_code": centre.eid_code},
        content_type="application/json",
        **auth,
    )
    assert draft.status_code == 201, draft.content
    component = procedure.components.get(required=True)
    draft_id = draft.json()["id"]
    assert (
        app.post(f"/api/v1/drafts/{draft_id}/files", {"component_id": component.pk, "file": pdf()}, **auth).status_code
        == 201
    )
    submitted = app.post(f"/api/v1/drafts/{draft_id}/submit", HTTP_IDEMPOTENCY_KEY="k1", **auth)
    assert submitted.status_code == 201
    assert [d["code"] for d in app.get("/api/v1/dossiers", **auth).json()] == [submitted.json()["code"]]


def test_tokens_without_the_scope_expired_or_of_an_inactive_account_are_refused(applicant):
    app = Client()
    assert (
        app.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {_token(applicant, 'openid profile')}").status_code
        == 401
    )
    expired = _token(applicant, "openid dossiers", expires_in=-10)
    assert app.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {expired}").status_code == 401
    good = _token(applicant, "openid dossiers")
    assert app.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 200
    applicant.is_active = False
    applicant.save()
    assert app.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 401
    assert app.get("/api/v1/dossiers", HTTP_AUTHORIZATION="Bearer forged").status_code == 401


def test_the_openapi_document_offers_both_ways_to_sign_in(client):
    schemes = client.get("/api/openapi.json").json()["components"]["securitySchemes"]
    assert {"OAuthBearer", "SessionAuth"} <= set(schemes)

"""The whole authorization code flow against the live server, with two independent client libraries."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.utils import timezone
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from oauth2_provider.models import Grant

from egov.core.models import AuditEvent

from .conftest import LOGGED_OUT, REDIRECT

pytestmark = pytest.mark.django_db(transaction=True)


def _discovery(base: str) -> dict:
    answer = requests.get(f"{base}/.well-known/openid-configuration", timeout=10)
    assert answer.status_code == 200
    return answer.json()


def _authlib_code_flow(live_server, browser, client, person, *, scope="openid profile national_id phone"):
    config = _discovery(live_server.url)
    oauth = OAuth2Session(
        client.application.client_id,
        client.secret or None,
        scope=scope,
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="none" if not client.secret else "client_secret_basic",
    )
    verifier, nonce = generate_token(48), generate_token(20)
    url, state = oauth.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    b = browser()
    b.sign_in(person.username)
    query = b.consent(url)
    assert query["state"] == [state]
    token = oauth.fetch_token(config["token_endpoint"], code=query["code"][0], code_verifier=verifier)
    return config, oauth, token, nonce, b


def test_discovery_names_the_site_as_issuer_and_offers_code_flow_with_pkce(live_server):
    config = _discovery(live_server.url)
    assert config["issuer"] == live_server.url
    assert config["jwks_uri"] == f"{live_server.url}/.well-known/jwks.json"
    assert "code" in config["response_types_supported"]
    assert config["code_challenge_methods_supported"] == ["S256"]  # RFC 9700: no "plain"
    assert "token" not in config["response_types_supported"]  # no implicit flow
    assert config["authorization_response_iss_parameter_supported"] is True
    assert "RS256" in config["id_token_signing_alg_values_supported"]
    for claim in ("national_id", "phone_number", "roles", "agency_codes"):
        assert claim in config["claims_supported"]
    assert config["end_session_endpoint"].endswith("/o/logout/")


def test_a_citizen_signs_in_to_a_provincial_system_with_authlib(live_server, browser, public_client, person):
    config, oauth, token, nonce, _ = _authlib_code_flow(live_server, browser, public_client, person)

    keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    id_token = jwt.decode(token["id_token"], keys)  # the signature, with the provider's published key
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": live_server.url},
        aud={"essential": True, "value": public_client.application.client_id},
        nonce={"essential": True, "value": nonce},
        exp={"essential": True},
    ).validate(id_token.claims)
    assert id_token.claims["sub"] == str(person.public_id)
    assert id_token.header["alg"] == "RS256"

    info = oauth.get(config["userinfo_endpoint"]).json()
    assert info["sub"] == str(person.public_id)
    assert (info["name"], info["national_id"], info["phone_number"]) == (
        "Trần Thị Lan",
        person.personal_id,
        "0912345678",
    )
    assert "email" not in info  # the scope "email" was not asked for

    # A refresh token gives a new access token; revoking it ends access at once.
    renewed = oauth.refresh_token(config["token_endpoint"], refresh_token=token["refresh_token"])
    assert renewed["access_token"] != token["access_token"]
    assert oauth.get(config["userinfo_endpoint"]).status_code == 200
    revoked = requests.post(
        config["revocation_endpoint"],
        data={"token": renewed["access_token"], "client_id": public_client.application.client_id},
        timeout=10,
    )
    assert revoked.status_code == 200
    assert oauth.get(config["userinfo_endpoint"]).status_code == 401

    # Consent and tokens are in the audit trail.
    actions = set(AuditEvent.objects.filter(actor=person).values_list("action", flat=True))
    assert {"identity.consent", "identity.token.issue"} <= actions


def test_a_tampered_id_token_fails_its_signature(live_server, browser, public_client, person):
    config, _, token, _, _ = _authlib_code_flow(live_server, browser, public_client, person)
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=10).json())
    jwt.decode(token["id_token"], keys)  # the genuine one passes
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged}.{signature}", keys)


def test_a_public_client_must_use_pkce(live_server, browser, public_client, person):
    config = _discovery(live_server.url)
    b = browser()
    b.sign_in(person.username)
    url = (
        f"{config['authorization_endpoint']}?response_type=code&client_id={public_client.application.client_id}"
        f"&redirect_uri={REDIRECT}&scope=openid&state=s1"
    )
    answer = b.session.get(url, allow_redirects=False)
    assert answer.status_code == 302 and "error=invalid_request" in answer.headers["Location"]
    assert "code=" not in answer.headers["Location"]


def test_a_wrong_redirect_uri_gets_no_code(live_server, browser, public_client, person):
    config = _discovery(live_server.url)
    b = browser()
    b.sign_in(person.username)
    oauth = OAuth2Session(
        public_client.application.client_id,
        scope="openid",
        redirect_uri="https://attacker.example/cb",
        code_challenge_method="S256",
    )
    url, _ = oauth.create_authorization_url(config["authorization_endpoint"], code_verifier=generate_token(48))
    answer = b.session.get(url, allow_redirects=False)
    assert answer.status_code == 400  # shown to the person, never sent to the unknown address
    assert "attacker.example" not in answer.headers.get("Location", "")


def _code(live_server, browser, client, person):
    config = _discovery(live_server.url)
    oauth = OAuth2Session(
        client.application.client_id, client.secret, scope="openid", redirect_uri=REDIRECT, code_challenge_method="S256"
    )
    verifier = generate_token(48)
    url, _ = oauth.create_authorization_url(config["authorization_endpoint"], code_verifier=verifier)
    b = browser()
    b.sign_in(person.username)
    return config, b.consent(url)["code"][0], verifier


def _exchange(config, client, code, verifier):
    return requests.post(
        config["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=(client.application.client_id, client.secret),
        timeout=10,
    )


def test_a_code_works_once(live_server, browser, confidential_client, person):
    config, code, verifier = _code(live_server, browser, confidential_client, person)
    assert _exchange(config, confidential_client, code, verifier).status_code == 200
    again = _exchange(config, confidential_client, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(live_server, browser, confidential_client, person):
    config, code, verifier = _code(live_server, browser, confidential_client, person)
    Grant.objects.filter(code=code).update(expires=timezone.now() - timedelta(seconds=1))  # 60 s have passed
    answer = _exchange(config, confidential_client, code, verifier)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_wrong_secret_is_refused(live_server, browser, confidential_client, person):
    config, code, verifier = _code(live_server, browser, confidential_client, person)
    answer = requests.post(
        config["token_endpoint"],
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier},
        auth=(confidential_client.application.client_id, "not-the-secret"),
        timeout=10,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_rp_initiated_logout_ends_the_portal_session(live_server, browser, public_client, person):
    config, _, token, _, b = _authlib_code_flow(live_server, browser, public_client, person)
    answer = b.session.get(
        config["end_session_endpoint"],
        params={"id_token_hint": token["id_token"], "post_logout_redirect_uri": LOGGED_OUT, "state": "xyz"},
        allow_redirects=False,
    )
    assert answer.status_code == 302 and answer.headers["Location"].startswith(LOGGED_OUT)
    mine = b.session.get(f"{live_server.url}/ho-so-cua-toi/", allow_redirects=False)
    assert mine.status_code == 302 and "/tai-khoan/dang-nhap/" in mine.headers["Location"]


@pytest.mark.parametrize(
    ("path", "data", "status", "error"),
    [
        ("/o/token/", {}, 400, "unsupported_grant_type"),
        ("/o/token/", {"grant_type": "authorization_code"}, 400, "invalid_request"),
        ("/o/token/", {"grant_type": "authorization_code", "client_id": "nobody", "code": "x"}, 401, "invalid_client"),
        (
            "/o/token/",
            {"grant_type": "refresh_token", "client_id": "nobody", "refresh_token": "x"},
            401,
            "invalid_client",
        ),
        ("/o/revoke_token/", {"token": "x", "client_id": "nobody"}, 401, "invalid_client"),
    ],
)
def test_malformed_requests_get_oauth_errors_not_server_errors(live_server, path, data, status, error):
    answer = requests.post(f"{live_server.url}{path}", data=data, timeout=10)
    assert answer.status_code == status, answer.text[:300]
    assert answer.json()["error"] == error


def test_userinfo_without_a_valid_token_is_refused(live_server):
    answer = requests.get(f"{live_server.url}/o/userinfo/", headers={"Authorization": "Bearer forged"}, timeout=10)
    assert answer.status_code == 401

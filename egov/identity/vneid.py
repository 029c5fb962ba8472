"""The province as a client of the national identity service (VNeID): OpenID Connect code flow with PKCE.

The same code talks to the real service and to the local stand-in (`fake_vneid`, demo and tests):
only `VNEID_ISSUER`, `VNEID_CLIENT_ID` and `VNEID_CLIENT_SECRET` differ. The ID token is checked
here (signature against the provider's JWKS, issuer, audience, nonce, expiry) before anyone is
signed in.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from egov.core.errors import DomainError

TIMEOUT = 10


@dataclass(frozen=True)
class Start:
    url: str
    state: str
    nonce: str
    verifier: str


@dataclass(frozen=True)
class Person:
    """Who VNeID says signed in."""

    subject: str
    national_id: str
    name: str
    phone: str
    level: int


def _config() -> dict[str, Any]:
    answer = requests.get(f"{settings.VNEID_ISSUER}/.well-known/openid-configuration", timeout=TIMEOUT)
    answer.raise_for_status()
    config: dict[str, Any] = answer.json()
    if config.get("issuer") != settings.VNEID_ISSUER:
        raise DomainError("identity.vneid_issuer", _("Cấu hình VNeID không khớp (issuer)."))
    return config


def _session(redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.VNEID_CLIENT_ID,
        settings.VNEID_CLIENT_SECRET,
        scope="openid",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )


def vneid_start(*, redirect_uri: str) -> Start:
    """Where to send the browser, and what to remember in the session to check the answer."""
    state, nonce, verifier = secrets.token_urlsafe(16), secrets.token_urlsafe(16), secrets.token_urlsafe(48)
    url, _ = _session(redirect_uri).create_authorization_url(
        _config()["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    return Start(url=url, state=state, nonce=nonce, verifier=verifier)


def vneid_finish(*, redirect_uri: str, code: str, nonce: str, verifier: str) -> Person:
    """Exchange the code and check the ID token; DomainError if anything is wrong."""
    config = _config()
    try:
        token = _session(redirect_uri).fetch_token(config["token_endpoint"], code=code, code_verifier=verifier)
        keys = KeySet.import_key_set(requests.get(config["jwks_uri"], timeout=TIMEOUT).json())
        id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": config["issuer"]},
            aud={"essential": True, "value": settings.VNEID_CLIENT_ID},
            nonce={"essential": True, "value": nonce},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(id_token.claims)
    except (JoseError, KeyError, ValueError, TypeError, requests.RequestException, OAuthError) as exc:
        # The reason goes to the person in general terms; the details never include their data.
        raise DomainError(
            "identity.vneid_failed", _("Không xác thực được với VNeID; vui lòng thử lại."), detail=type(exc).__name__
        ) from exc
    claims = id_token.claims
    return Person(
        subject=str(claims["sub"]),
        national_id=str(claims.get(settings.VNEID_ID_CLAIM, "")),
        name=str(claims.get("name", "")),
        phone=str(claims.get("phone_number", "")),
        level=2 if claims.get("acr") == "vneid:level2" else 1,
    )

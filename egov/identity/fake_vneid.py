"""A small stand-in for the national identity service (VNeID), mounted at /gia-lap-vneid/ only when
`VNEID_FAKE` is on (demo, tests): a real OpenID provider's four endpoints, so the province's client
code runs the whole round trip offline, over HTTP, exactly as against the real service.

It signs ID tokens RS256 with its own key, requires PKCE S256 and the client's secret, and hands
out each code once, for 60 seconds. The person chooses who they are on its page (a demo).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.csrf import csrf_exempt
from joserfc import jwt
from joserfc.jwk import RSAKey

from .keys import oidc_private_key_pem

CODE_SECONDS = 60


def _key() -> RSAKey:
    pem = oidc_private_key_pem(settings.BASE_DIR / "var" / "fake-vneid-rsa.pem")
    return RSAKey.import_key(pem, parameters={"kid": "fake-vneid", "use": "sig", "alg": "RS256"})


def _issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fake_vneid:discovery")).removesuffix("/.well-known/openid-configuration")


def discovery(request: HttpRequest) -> JsonResponse:
    issuer = _issuer(request)
    return JsonResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks.json",
            "response_types_supported": ["code"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "acr_values_supported": ["vneid:level1", "vneid:level2"],
        }
    )


def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [_key().as_dict(private=False)]})


def _error(redirect_uri: str, state: str, error: str) -> HttpResponse:
    return redirect(f"{redirect_uri}?{urlencode({'error': error, 'state': state})}")


def authorize(request: HttpRequest) -> HttpResponse:
    q = request.GET if request.method == "GET" else request.POST
    redirect_uri, state = q.get("redirect_uri", ""), q.get("state", "")
    if q.get("client_id") != settings.VNEID_CLIENT_ID or redirect_uri not in settings.VNEID_FAKE_REDIRECT_URIS:
        return HttpResponseBadRequest("invalid client_id or redirect_uri")  # never redirect to an unknown address
    if q.get("response_type") != "code" or q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
        return _error(redirect_uri, state, "invalid_request")
    if request.method == "POST":
        number = "".join(ch for ch in q.get("national_id", "") if ch.isdigit())
        if len(number) != 12 or not q.get("name", "").strip():
            return render(request, "identity/fake_vneid.html", {"q": q, "error": True}, status=400)
        code = secrets.token_urlsafe(24)
        cache.set(
            f"fake-vneid:{code}",
            {
                "redirect_uri": redirect_uri,
                "challenge": q["code_challenge"],
                "nonce": q.get("nonce", ""),
                "claims": {
                    "national_id": number,
                    "name": q["name"].strip(),
                    "phone_number": q.get("phone", "").strip(),
                    "acr": "vneid:level2" if q.get("level") == "2" else "vneid:level1",
                },
            },
            CODE_SECONDS,
        )
        return redirect(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}")
    return render(request, "identity/fake_vneid.html", {"q": q})


def _client_ok(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    else:
        client_id, secret = request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    return client_id == settings.VNEID_CLIENT_ID and secrets.compare_digest(secret, settings.VNEID_CLIENT_SECRET)


@csrf_exempt
def token(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"error": "invalid_request"}, status=405)
    if not _client_ok(request):
        return JsonResponse({"error": "invalid_client"}, status=401)
    grant: dict[str, Any] | None = cache.get(f"fake-vneid:{request.POST.get('code', '')}")
    cache.delete(f"fake-vneid:{request.POST.get('code', '')}")  # once only
    if grant is None or grant["redirect_uri"] != request.POST.get("redirect_uri"):
        return JsonResponse({"error": "invalid_grant"}, status=400)
    verifier = request.POST.get("code_verifier", "").encode()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
    if challenge != grant["challenge"]:
        return JsonResponse({"error": "invalid_grant", "error_description": "PKCE"}, status=400)
    now = int(time.time())
    claims = {
        "iss": _issuer(request),
        "aud": settings.VNEID_CLIENT_ID,
        # VNeID gives each service its own opaque subject for a person (pairwise).
        "sub": str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"vneid:{grant['claims']['national_id']}:{settings.VNEID_CLIENT_ID}")
        ),
        "iat": now,
        "exp": now + 300,
        "nonce": grant["nonce"],
        **grant["claims"],
    }
    id_token = jwt.encode({"alg": "RS256", "kid": "fake-vneid"}, claims, _key())
    return JsonResponse(
        {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "id_token": id_token, "expires_in": 300}
    )


app_name = "fake_vneid"
urlpatterns = [
    path(".well-known/openid-configuration", discovery, name="discovery"),
    path("jwks.json", jwks, name="jwks"),
    path("authorize", authorize, name="authorize"),
    path("token", token, name="token"),
]

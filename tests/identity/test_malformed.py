"""Garbage sent to every identity endpoint gets a 4xx with the OAuth/OIDC error, never a server error."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    ("get", "/o/authorize/", {}),
    ("get", "/o/authorize/", {"client_id": "x", "response_type": "code"}),
    ("get", "/o/authorize/", {"client_id": "x", "response_type": "token", "redirect_uri": "javascript:alert(1)"}),
    ("post", "/o/authorize/", {"allow": "Authorize"}),
    ("post", "/o/token/", {"grant_type": "client_credentials"}),
    ("post", "/o/token/", {"grant_type": "authorization_code", "code": "x", "client_id": "x", "redirect_uri": "%%%"}),
    ("post", "/o/token/", {"grant_type": "nonsense"}),
    ("get", "/o/token/", {}),
    ("post", "/o/revoke_token/", {}),
    ("post", "/o/introspect/", {"token": "x"}),
    ("get", "/o/userinfo/", {}),
    ("get", "/o/logout/", {"id_token_hint": "garbage"}),
    ("get", "/o/logout/", {"post_logout_redirect_uri": "https://evil.example"}),
    ("post", "/.well-known/openid-configuration", {}),
    ("get", "/tai-khoan/vneid/xong/", {"code": "x", "state": "y"}),
    ("get", "/gia-lap-vneid/authorize", {}),
    ("post", "/gia-lap-vneid/token", {}),
    ("get", "/tai-khoan/xac-thuc-hai-buoc/", {"next": "https://evil.example/"}),
    ("post", "/tai-khoan/xac-thuc-hai-buoc/", {"token": "not-a-number"}),
]


@pytest.mark.parametrize(("method", "path", "data"), CASES)
@pytest.mark.parametrize("signed_in", [False, True])
def test_no_server_error(client, citizen, method, path, data, signed_in):
    if signed_in:
        client.force_login(citizen)
    answer = getattr(client, method)(path, data)
    assert answer.status_code < 500
    if answer.get("Content-Type", "").startswith("application/json") and answer.status_code >= 400:
        assert "error" in answer.json() or "code" in answer.json()
    location = answer.get("Location", "")
    assert not location.startswith(("javascript:", "https://evil.example"))

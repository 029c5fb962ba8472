"""What a provincial system learns about a person, and when tokens stop: driven through the test client."""

import base64
import hashlib
import html
import json
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from egov.accounts.models import Role, User
from egov.core.errors import DomainError, PermissionDenied
from egov.identity import services
from egov.identity.services import account_deactivate, client_register
from egov.identity.vneid import Person
from tests.factories import UserFactory, official

pytestmark = pytest.mark.django_db
REDIRECT = "https://hethong.lamdong.example/callback"


def _app(admin, scopes=("openid", "profile")):
    return client_register(
        actor=admin, name="Hệ thống", redirect_uris=[REDIRECT], scopes=list(scopes), public=True
    ).application


def _code(client, app, scope):
    """The user (signed in on `client`) consents; the code from the redirect, and its PKCE verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "s",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    page = client.get("/o/authorize/?" + urlencode(query)).content.decode()
    fields = {k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)}
    answer = client.post("/o/authorize/", {**fields, "allow": "Authorize"})
    return parse_qs(urlsplit(answer["Location"]).query)["code"][0], verifier


def _tokens(client, app, code, verifier):
    return client.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": app.client_id,
            "code_verifier": verifier,
        },
    )


def _claims(id_token):
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_profile_scope_does_not_carry_a_citizens_id_number(client, province_admin):
    app = _app(province_admin)
    person = UserFactory(citizen=True, full_name="Nguyễn Văn An")
    client.force_login(person)
    tokens = _tokens(client, app, *_code(client, app, "openid profile")).json()
    userinfo = client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    for claims in (_claims(tokens["id_token"]), userinfo):
        assert claims["name"] == "Nguyễn Văn An" and person.personal_id not in json.dumps(claims)


def test_an_official_is_named_by_username(client, province_admin, lam_dong):
    app = _app(province_admin)
    officer = official(lam_dong["trung-tam-phvcc"], Role.RECEIVER, username="motcua.thu")
    client.force_login(officer)
    tokens = _tokens(client, app, *_code(client, app, "openid profile")).json()
    assert _claims(tokens["id_token"])["preferred_username"] == "motcua.thu"


def test_a_deactivated_accounts_codes_and_tokens_stop_at_once(client, province_admin):
    app = _app(province_admin)
    person = UserFactory(citizen=True)
    client.force_login(person)
    code, verifier = _code(client, app, "openid profile")  # issued, not yet exchanged
    tokens = _tokens(client, app, *_code(client, app, "openid profile")).json()
    account_deactivate(actor=province_admin, user=person, reason="Tài khoản bị chiếm đoạt")
    assert _tokens(client, app, code, verifier).status_code == 400
    # Deactivated another way (the Django admin's box): the tokens stop working all the same.
    other = UserFactory(citizen=True)
    client.force_login(other)
    live = _tokens(client, app, *_code(client, app, "openid profile")).json()
    User.objects.filter(pk=other.pk).update(is_active=False)
    client.logout()
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {live['access_token']}").status_code == 401
    refreshed = client.post(
        "/o/token/", {"grant_type": "refresh_token", "refresh_token": live["refresh_token"], "client_id": app.client_id}
    )
    assert refreshed.status_code == 400 and tokens  # the first account's tokens were revoked by the service


def test_an_agency_administrator_cannot_deactivate_another_administrator(lam_dong, province_admin):
    agency_admin = official(lam_dong["ubnd-tinh"], Role.AGENCY_ADMIN, username="qt.ubnd")
    peer = official(lam_dong["ubnd-tinh"], Role.AGENCY_ADMIN, username="qt2.ubnd")
    for target in (province_admin, peer):
        with pytest.raises(PermissionDenied):
            account_deactivate(actor=agency_admin, user=target, reason="Thử")
        target.refresh_from_db()
        assert target.is_active
    clerk = official(lam_dong["ubnd-tinh"], Role.SPECIALIST, username="cv.ubnd")
    account_deactivate(actor=agency_admin, user=clerk, reason="Nghỉ việc")  # their own official: yes
    clerk.refresh_from_db()
    assert not clerk.is_active


def test_vneid_does_not_sign_in_a_deactivated_account_through_its_link(province_admin):
    person = UserFactory(citizen=True)
    claim = Person(subject="pairwise-1", national_id=person.personal_id, name="A", phone="", level=2)
    services.vneid_sign_in(person=claim)  # linked now
    account_deactivate(actor=province_admin, user=person, reason="Gian lận")
    with pytest.raises(PermissionDenied, match="vô hiệu hóa"):
        services.vneid_sign_in(person=claim)


def test_the_deactivation_page_is_not_shown_to_whoever_may_not_use_it(client, province_admin, lam_dong):
    url = f"/quan-tri/dinh-danh/tai-khoan/{province_admin.public_id}/vo-hieu-hoa/"
    client.force_login(UserFactory(citizen=True))
    page = client.get(url)
    assert page.status_code == 404 and province_admin.full_name not in page.content.decode()
    target = official(lam_dong["ubnd-tinh"], Role.SPECIALIST, username="cv2.ubnd")
    client.force_login(province_admin)
    assert client.get(f"/quan-tri/dinh-danh/tai-khoan/{target.public_id}/vo-hieu-hoa/").status_code == 200


@pytest.mark.parametrize(
    "uri", ["http://localhost.attacker.example/cb", "http://127.0.0.1.nip.io/cb", "http://hethong.vn/cb", "https://"]
)
def test_plain_http_is_allowed_only_to_this_machine(province_admin, uri):
    with pytest.raises(DomainError, match="https"):
        client_register(actor=province_admin, name="X", redirect_uris=[uri], scopes=["openid"], public=True)
    with pytest.raises(DomainError, match="https"):
        client_register(
            actor=province_admin,
            name="X",
            redirect_uris=[REDIRECT],
            scopes=["openid"],
            public=True,
            post_logout_redirect_uris=[uri],
        )
    client_register(
        actor=province_admin, name="Máy thử", redirect_uris=["http://127.0.0.1:8080/cb"], scopes=["openid"], public=True
    )


def test_a_password_reset_signs_the_account_out_of_every_system(client, province_admin):
    import re

    from django.core import mail

    app = _app(province_admin)
    person = UserFactory(citizen=True, email="lan@example.vn")
    client.force_login(person)
    tokens = _tokens(client, app, *_code(client, app, "openid profile")).json()
    client.logout()
    client.post("/tai-khoan/quen-mat-khau/", {"email": "lan@example.vn"})  # the owner, after a takeover
    link = re.search(r"/tai-khoan/dat-lai-mat-khau/\S+/", mail.outbox[0].body).group(0)
    form_url = client.get(link)["Location"]
    done = client.post(form_url, {"new_password1": "Mat-khau-moi-2026!", "new_password2": "Mat-khau-moi-2026!"})
    assert done.status_code == 302
    assert client.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").status_code == 401
    refreshed = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": app.client_id},
    )
    assert refreshed.status_code == 400

"""Officials' second factor, sign-in throttling, the user's sessions, and deactivation ending everything."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from oauth2_provider.models import AccessToken, RefreshToken

from egov.accounts.models import Role
from egov.core.errors import PermissionDenied
from egov.core.models import AuditEvent
from egov.identity.models import UserSession
from egov.identity.services import account_deactivate
from tests.factories import PASSWORD, UserFactory, official

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.OFFICIALS_REQUIRE_2FA = True


def _sign_in(client, username, password=PASSWORD):
    return client.post("/tai-khoan/dang-nhap/", {"username": username, "password": password})


def _code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def test_an_official_sets_up_the_authenticator_then_reaches_the_desk(client, two_factor, construction, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp makes a retry wait a second after a wrong code
    officer = official(construction, Role.RECEIVER)
    _sign_in(client, officer.username)
    answer = client.get("/mot-cua/")
    assert answer.status_code == 302 and answer["Location"].startswith("/tai-khoan/xac-thuc-hai-buoc/?next=/mot-cua/")

    setup = client.get(answer["Location"])
    assert b"data:image/svg+xml" in setup.content  # the QR code to scan
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": "000000", "next": "/mot-cua/"})
    assert wrong.status_code == 400 and "không đúng" in wrong.content.decode()
    assert client.get("/mot-cua/").status_code == 302

    right = client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": _code(device), "next": "/mot-cua/"})
    assert right.status_code == 302 and right["Location"] == "/mot-cua/"
    assert client.get("/mot-cua/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="identity.2fa.enrol", actor=officer).exists()


def test_each_new_sign_in_asks_for_the_code_again(client, two_factor, construction):
    officer = official(construction, Role.RECEIVER)
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    _sign_in(client, officer.username)
    assert client.get("/mot-cua/").status_code == 302
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert b"data:image/svg+xml" not in page.content  # no new setup: just the code
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": _code(device)})
    assert client.get("/mot-cua/").status_code == 200


def test_citizens_are_not_asked_for_a_second_factor(client, two_factor, citizen):
    _sign_in(client, citizen.username)
    assert client.get("/ho-so-cua-toi/").status_code == 200


def test_repeated_wrong_passwords_lock_that_account_from_that_address_for_a_while(client, settings, citizen):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, citizen.username, "sai-mat-khau").status_code == 200
    locked = _sign_in(client, citizen.username, "sai-mat-khau")
    assert locked.status_code == 429 and "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert _sign_in(client, citizen.username).status_code == 429  # even the right password, until the cool-off
    other = UserFactory(citizen=True)
    assert _sign_in(client, other.username).status_code == 302  # another account is not locked


def test_a_user_sees_their_sessions_and_ends_another_one(client, citizen):
    from django.test import Client

    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Điện thoại")
    _sign_in(laptop, citizen.username)
    _sign_in(phone, citizen.username)
    rows = UserSession.objects.filter(user=citizen)
    assert rows.count() == 2
    page = laptop.get("/tai-khoan/phien-dang-nhap/").content.decode()
    assert "Laptop" in page and "Điện thoại" in page and "Phiên này" in page
    phone_row = rows.get(user_agent="Điện thoại")
    assert laptop.post(f"/tai-khoan/phien-dang-nhap/{phone_row.pk}/ket-thuc/").status_code == 302
    assert phone.get("/ho-so-cua-toi/").status_code == 302  # signed out
    assert laptop.get("/ho-so-cua-toi/").status_code == 200

    stranger = UserFactory(citizen=True)
    client.force_login(stranger)
    mine = rows.get(user_agent="Laptop")
    assert client.post(f"/tai-khoan/phien-dang-nhap/{mine.pk}/ket-thuc/").status_code == 404
    assert laptop.get("/ho-so-cua-toi/").status_code == 200


def test_deactivating_an_official_ends_sessions_and_tokens_at_once(client, construction, justice, province_admin):
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone
    from oauth2_provider.models import Application

    officer = official(construction, Role.SPECIALIST)
    browser = Client()
    _sign_in(browser, officer.username)
    assert browser.get("/xu-ly/").status_code == 200
    app = Application.objects.create(
        name="QLVB", client_type="confidential", authorization_grant_type="authorization-code"
    )
    access = AccessToken.objects.create(
        user=officer, application=app, token="a" * 40, expires=timezone.now() + timedelta(hours=1), scope="openid"
    )
    RefreshToken.objects.create(user=officer, application=app, token="r" * 40, access_token=access)

    justice_admin = official(justice, Role.AGENCY_ADMIN)
    with pytest.raises(PermissionDenied):
        account_deactivate(actor=justice_admin, user=officer, reason="x")  # another agency's official
    agency_admin = official(construction, Role.AGENCY_ADMIN)
    client.force_login(agency_admin)
    answer = client.post(f"/quan-tri/dinh-danh/tai-khoan/{officer.public_id}/vo-hieu-hoa/", {"reason": "Nghỉ hưu"})
    assert answer.status_code == 302

    officer.refresh_from_db()
    assert not officer.is_active
    assert browser.get("/xu-ly/").status_code == 302  # the open session is gone
    assert not UserSession.objects.filter(user=officer).exists()
    assert not AccessToken.objects.filter(user=officer).exists()  # revoke() deletes access tokens
    assert RefreshToken.objects.get(user=officer).revoked is not None
    event = AuditEvent.objects.get(action="identity.account.deactivate")
    assert event.reason == "Nghỉ hưu" and event.changes["sessions_ended"] == 1
    assert re.search(r"\d{12}", str(event.changes)) is None


def test_demo_officials_share_the_documented_key_and_the_command_prints_a_good_code(
    client, two_factor, construction, settings
):
    from io import StringIO

    from django.core.management import call_command

    from egov.identity.services import second_factor_preset

    officer = official(construction, Role.RECEIVER, username="motcua.demo")
    device = second_factor_preset(user=officer, key_hex=settings.DEMO_TOTP_KEY)
    out = StringIO()
    call_command("otp_code", "motcua.demo", stdout=out)
    code = out.getvalue().strip()
    assert code == _code(device)
    _sign_in(client, "motcua.demo")
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": code})
    assert client.get("/mot-cua/").status_code == 200


def test_enrolment_survives_two_pending_devices(client, two_factor, construction):
    officer = official(construction, Role.RECEIVER)
    for name in ("cũ", "mới"):  # left behind by an interrupted enrolment
        TOTPDevice.objects.create(user=officer, name=name, confirmed=False)
    _sign_in(client, officer.username)
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    first = TOTPDevice.objects.filter(user=officer).order_by("pk").first()
    client.post("/tai-khoan/xac-thuc-hai-buoc/", {"token": _code(first)})
    assert client.get("/mot-cua/").status_code == 200


def test_a_client_registered_outside_the_policy_gets_openid_only(client, citizen):
    import base64
    import hashlib
    from urllib.parse import parse_qs, urlencode, urlsplit

    from oauth2_provider.models import Application

    app = Application.objects.create(
        name="Đăng ký tay",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris="https://hethong.lamdong.example/callback",
        algorithm="RS256",
    )
    challenge = base64.urlsafe_b64encode(hashlib.sha256(b"v" * 50).digest()).rstrip(b"=").decode()
    client.force_login(citizen)
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": "https://hethong.lamdong.example/callback",
        "scope": "openid national_id",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    answer = client.get("/o/authorize/?" + urlencode(query))
    assert answer.status_code == 302
    assert parse_qs(urlsplit(answer["Location"]).query)["error"] == ["invalid_scope"]

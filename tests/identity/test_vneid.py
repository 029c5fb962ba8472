"""Signing in through VNeID, end to end over HTTP against the local stand-in: linking by ID number,
creating an account, the level of assurance, and what is refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from egov.accounts.models import User
from egov.core.models import AuditEvent
from egov.identity.models import FederatedIdentity
from egov.identity.selectors import user_assurance_level
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def vneid(live_server, settings):
    settings.VNEID_ISSUER = f"{live_server.url}/gia-lap-vneid"
    settings.VNEID_FAKE_REDIRECT_URIS = [f"{live_server.url}/tai-khoan/vneid/xong/"]
    return live_server.url


def _through_vneid(base: str, *, national_id: str, name: str = "Nguyễn Văn An", level: str = "2"):
    """The browser: the portal's VNeID button, the identity provider's page, back to the portal."""
    browser = requests.Session()
    to_provider = browser.get(f"{base}/tai-khoan/vneid/?next=/ho-so-cua-toi/", allow_redirects=False)
    assert to_provider.status_code == 302 and to_provider.headers["Location"].startswith(f"{base}/gia-lap-vneid/")
    page = browser.get(to_provider.headers["Location"])
    assert page.status_code == 200 and "GIẢ LẬP" in page.text
    fields = dict(parse_qs(urlsplit(to_provider.headers["Location"]).query))
    form = {k: v[0] for k, v in fields.items()}
    form |= {"national_id": national_id, "name": name, "phone": "0912345678", "level": level}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    form["csrfmiddlewaretoken"] = token.group(1) if token else ""
    back = browser.post(to_provider.headers["Location"].split("?")[0], data=form, allow_redirects=False)
    assert back.status_code == 302 and "/tai-khoan/vneid/xong/" in back.headers["Location"], back.text[:300]
    done = browser.get(back.headers["Location"], allow_redirects=False)
    return browser, done


def test_an_existing_citizen_is_linked_by_id_number_and_signed_in(vneid):
    citizen = UserFactory(citizen=True, personal_id="068190000123", username="068190000123")
    browser, done = _through_vneid(vneid, national_id="068190000123")
    assert done.status_code == 302 and done.headers["Location"] == "/ho-so-cua-toi/"
    assert browser.get(f"{vneid}/ho-so-cua-toi/", allow_redirects=False).status_code == 200
    link = FederatedIdentity.objects.get(user=citizen)
    assert link.level == 2 and link.subject and link.subject != "068190000123"
    assert User.objects.filter(personal_id="068190000123").count() == 1
    assert AuditEvent.objects.filter(action="identity.vneid.link", actor=citizen).exists()

    # The next time the link is used, and the level of this sign-in is recorded.
    _through_vneid(vneid, national_id="068190000123", level="1")
    assert FederatedIdentity.objects.get(user=citizen).level == 1
    assert user_assurance_level(citizen) == 1


def test_a_person_without_an_account_gets_one(vneid):
    _, done = _through_vneid(vneid, national_id="079095001122", name="Lê Thị Hồng")
    assert done.status_code == 302
    user = User.objects.get(personal_id="079095001122")
    assert (user.kind, user.full_name, user.phone) == ("citizen", "Lê Thị Hồng", "0912345678")
    assert not user.has_usable_password()
    assert user_assurance_level(user) == 2


def test_a_forged_state_signs_nobody_in(vneid):
    browser = requests.Session()
    browser.get(f"{vneid}/tai-khoan/vneid/", allow_redirects=False)
    answer = browser.get(f"{vneid}/tai-khoan/vneid/xong/?code=abc&state=forged", allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/tai-khoan/dang-nhap/")
    assert browser.get(f"{vneid}/ho-so-cua-toi/", allow_redirects=False).status_code == 302
    assert not FederatedIdentity.objects.exists()


def test_the_stand_in_refuses_a_wrong_secret_and_a_reused_code(vneid):
    answer = requests.post(
        f"{vneid}/gia-lap-vneid/token",
        data={"grant_type": "authorization_code", "code": "x", "redirect_uri": "y"},
        auth=("egov-lam-dong-demo", "wrong"),
        timeout=10,
    )
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"
    answer = requests.post(
        f"{vneid}/gia-lap-vneid/token",
        data={"grant_type": "authorization_code", "code": "never-issued", "redirect_uri": "y"},
        auth=("egov-lam-dong-demo", "demo-vneid-secret"),
        timeout=10,
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_an_unknown_redirect_uri_is_not_followed(vneid):
    answer = requests.get(
        f"{vneid}/gia-lap-vneid/authorize",
        params={
            "client_id": "egov-lam-dong-demo",
            "redirect_uri": "https://attacker.example/cb",
            "response_type": "code",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 400


def test_id_numbers_never_reach_the_logs(vneid, caplog):
    """Through the handler configured in settings (with its PII filter) nothing shows an ID number, and
    the project's own loggers never even pass one to it."""
    import io
    import logging

    from django.conf import settings as django_settings

    from egov.core.pii import MaskPIIFilter

    assert django_settings.LOGGING["handlers"]["console"]["filters"] == ["mask_pii"]
    written = io.StringIO()
    handler = logging.StreamHandler(written)
    handler.addFilter(MaskPIIFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    caplog.set_level(logging.DEBUG)
    try:
        _through_vneid(vneid, national_id="079095001122", name="Lê Thị Hồng")
        _through_vneid(vneid, national_id="079095001122", name="Lê Thị Hồng")  # the linked path too
        requests.post(f"{vneid}/o/token/", data={"grant_type": "password", "username": "079095001122"}, timeout=10)
        requests.post(f"{vneid}/tai-khoan/dang-nhap/", data={"username": "079095001122", "password": "x"}, timeout=10)
        logging.getLogger("egov.test").warning("sign-in failed for 079095001122")  # the filter's own proof
    finally:
        root.removeHandler(handler)
    assert "079095001122" not in written.getvalue()
    assert "sign-in failed for" in written.getvalue()
    own = [r.getMessage() for r in caplog.records if r.name.startswith("egov") and r.name != "egov.test"]
    assert not [m for m in own if "079095001122" in m]

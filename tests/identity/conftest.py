"""A live server, a registered client and a browser that signs in and consents, as a person would."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from egov.identity.services import IssuedClient, client_register
from tests.dossiers.conftest import _media, applicant, centre, procedure  # noqa: F401  (shared fixtures)
from tests.factories import PASSWORD, UserFactory

REDIRECT = "https://hethong.lamdong.example/callback"
LOGGED_OUT = "https://hethong.lamdong.example/bye"


@pytest.fixture
def person(db):
    return UserFactory(citizen=True, full_name="Trần Thị Lan", phone="0912345678", email="lan@example.vn")


def _register(admin, *, public: bool) -> IssuedClient:
    return client_register(
        actor=admin,
        name="Hệ thống thử nghiệm",
        redirect_uris=[REDIRECT],
        post_logout_redirect_uris=[LOGGED_OUT],
        scopes=["openid", "profile", "email", "phone", "national_id"],
        public=public,
    )


@pytest.fixture
def public_client(province_admin) -> IssuedClient:
    return _register(province_admin, public=True)


@pytest.fixture
def confidential_client(province_admin) -> IssuedClient:
    return _register(province_admin, public=False)


@dataclass
class Browser:
    """A requests session acting as the person's browser on the live server."""

    base: str
    session: requests.Session

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        page = self.session.get(f"{self.base}/tai-khoan/dang-nhap/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        done = self.session.post(
            f"{self.base}/tai-khoan/dang-nhap/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
            allow_redirects=False,
        )
        assert done.status_code == 302, done.text[:500]

    def consent(self, authorize_url: str, allow: bool = True) -> dict[str, list[str]]:
        """Open the authorization URL, answer the consent page; the query the client receives."""
        page = self.session.get(authorize_url, allow_redirects=False)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        found = re.findall(r"<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", page.text)
        fields = {name: html.unescape(value) for name, value in found}
        if allow:
            fields["allow"] = "Authorize"
        answer = self.session.post(f"{self.base}/o/authorize/", data=fields, allow_redirects=False)
        assert answer.status_code == 302, (answer.status_code, answer.text[:500])
        location = answer.headers["Location"]
        assert location.startswith(REDIRECT), location
        return parse_qs(urlsplit(location).query)


@pytest.fixture
def browser(live_server) -> Callable[[], Browser]:
    return lambda: Browser(base=live_server.url, session=requests.Session())

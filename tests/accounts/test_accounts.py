"""Account creation, sign-in, sign-out, password reset, and who may reach the back office."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from egov.accounts.models import Role, User
from egov.accounts.selectors import user_agencies, user_has_role
from egov.accounts.services import business_create, citizen_create, official_create
from egov.core.errors import DomainError
from egov.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_citizen_account_uses_the_personal_id_and_is_audited(province_admin, clock):
    user = citizen_create(
        actor=province_admin, personal_id="068 190 000 999", full_name="Lê Văn Tám", password=PASSWORD, clock=clock
    )
    assert (user.username, user.personal_id, user.kind) == ("068190000999", "068190000999", "citizen")
    assert AuditEvent.objects.filter(action="accounts.citizen.create", object_id=str(user.pk)).exists()
    with pytest.raises(DomainError):
        citizen_create(actor=province_admin, personal_id="068190000999", full_name="x", password=PASSWORD, clock=clock)


def test_business_account_checks_the_tax_code(province_admin, clock):
    user = business_create(
        actor=province_admin, tax_code="0100109106", name="Công ty A", password=PASSWORD, clock=clock
    )
    assert user.kind == "business" and user.tax_code == "0100109106"
    with pytest.raises(DomainError):
        business_create(actor=province_admin, tax_code="0100109107", name="B", password=PASSWORD, clock=clock)
    assert User.objects.filter(kind="business").count() == 1


def test_official_roles_are_per_agency(construction, justice, province_admin, clock):
    user = official_create(
        actor=province_admin,
        username="cv",
        full_name="Chuyên viên",
        password=PASSWORD,
        roles=[(construction, Role.SPECIALIST)],
        clock=clock,
    )
    assert user_agencies(user) == [construction]
    assert user_has_role(user, construction, {Role.SPECIALIST})
    assert not user_has_role(user, justice, {Role.SPECIALIST})
    assert user_has_role(province_admin, justice, {Role.LEADER})  # the province administrator may act anywhere


def test_sign_in_and_out(client, citizen):
    response = client.post(reverse("accounts:login"), {"username": citizen.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("catalog:home")).context["user"] == citizen
    client.post(reverse("accounts:logout"))
    assert not client.get(reverse("catalog:home")).context["user"].is_authenticated


def test_wrong_password_says_so_in_vietnamese(client, citizen):
    response = client.post(reverse("accounts:login"), {"username": citizen.username, "password": "sai"})
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_password_reset_by_email(client, citizen):
    client.post(reverse("accounts:password_reset"), {"email": citizen.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Mot-mat-khau-moi-9", "new_password2": "Mot-mat-khau-moi-9"}
    )
    assert response.status_code == 302
    assert client.login(username=citizen.username, password="Mot-mat-khau-moi-9")


def test_a_citizen_cannot_reach_the_back_office(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("catalog_office:list")).status_code == 403
    assert client.get(reverse("catalog_office:export")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("catalog_office:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

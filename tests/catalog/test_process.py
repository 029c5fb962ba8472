"""Process templates: versioned steps across levels; only an administrator edits; a dossier keeps its version."""

import pytest
from django.urls import reverse

from egov.accounts.models import Role
from egov.catalog.services import process_template_save
from egov.core.errors import DomainError, PermissionDenied
from tests.factories import ProcedureFactory, official

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(lam_dong):
    return ProcedureFactory(
        code="1.009994", owner=lam_dong["so-xay-dung"], published=True, at_commune=True, duration_value=15
    )


def cross_level(lam_dong):
    """Commune desk → provincial department → back to the commune, with the department's shares."""
    return [
        {"name": "Tiếp nhận, chuyển hồ sơ", "where": "receiving", "actor": "receiver", "share_percent": 5},
        {
            "name": "Thẩm định",
            "where": "agency",
            "agency": lam_dong["so-xay-dung"],
            "actor": "specialist",
            "share_percent": 60,
        },
        {
            "name": "Phê duyệt",
            "where": "agency",
            "agency": lam_dong["so-xay-dung"],
            "actor": "leader",
            "share_percent": 20,
        },
        {"name": "Trả kết quả", "where": "receiving", "actor": "receiver", "share_percent": 15},
    ]


def test_versions_are_kept(permit, lam_dong, clock):
    admin = official(lam_dong["so-xay-dung"], Role.AGENCY_ADMIN)
    first = process_template_save(actor=admin, procedure=permit, steps=cross_level(lam_dong), clock=clock)
    assert first.number == 1 and [s.where for s in first.steps.all()] == ["receiving", "agency", "agency", "receiving"]
    assert process_template_save(actor=admin, procedure=permit, steps=cross_level(lam_dong), clock=clock) is None
    central = [
        {"name": "Tiếp nhận", "where": "receiving", "actor": "receiver", "share_percent": 10},
        {
            "name": "Xin ý kiến Bộ Xây dựng",
            "where": "central",
            "central_system": "LGSP/DVCQG — Bộ Xây dựng",
            "actor": "other_agency",
            "share_percent": 70,
        },
        {"name": "Phê duyệt", "where": "owner", "actor": "leader", "share_percent": 20},
    ]
    second = process_template_save(actor=admin, procedure=permit, steps=central, clock=clock)
    assert second.number == 2 and second.steps.get(position=2).central_system.startswith("LGSP")
    assert first.steps.count() == 4  # the old version is untouched


def test_bad_processes_are_explained(permit, lam_dong, clock):
    admin = official(lam_dong["so-xay-dung"], Role.AGENCY_ADMIN)
    with pytest.raises(DomainError) as exc:
        process_template_save(
            actor=admin,
            procedure=permit,
            clock=clock,
            steps=[
                {"name": "", "where": "agency", "actor": "specialist", "share_percent": 50},
                {"name": "B", "where": "central", "actor": "nobody", "share_percent": 20},
            ],
        )
    for expected in (
        "Bước 1: thiếu tên",
        "Bước 1: cần chọn cơ quan",
        "Bước 2: người thực hiện",
        "Bước 2: cần ghi hệ thống",
        "phải bằng 100% (đang là 70%)",
    ):
        assert expected in exc.value.message


def test_only_an_administrator_of_the_owner_edits(permit, lam_dong, clock):
    for user in (official(lam_dong["so-xay-dung"], Role.LEADER), official(lam_dong["so-tu-phap"], Role.AGENCY_ADMIN)):
        with pytest.raises(PermissionDenied):
            process_template_save(actor=user, procedure=permit, steps=cross_level(lam_dong), clock=clock)
    assert not permit.process_templates.exists()


def test_the_page_saves_a_version(client, permit, lam_dong):
    client.force_login(official(lam_dong["so-xay-dung"], Role.AGENCY_ADMIN))
    url = reverse("catalog_office:process", args=[permit.code])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "steps-TOTAL_FORMS": 2,
            "steps-INITIAL_FORMS": 0,
            "steps-0-name": "Tiếp nhận",
            "steps-0-where": "receiving",
            "steps-0-actor": "receiver",
            "steps-0-share_percent": 20,
            "steps-1-name": "Giải quyết",
            "steps-1-where": "owner",
            "steps-1-actor": "specialist",
            "steps-1-share_percent": 80,
        },
    )
    assert response.status_code == 302
    assert permit.process_templates.get().steps.count() == 2

"""Lâm Đồng since 1 July 2025, from the official unit codes; old units kept so old records resolve."""

import re

import pytest

from egov.org.models import Agency, Unit
from egov.org.services import org_sync_agencies, org_sync_units

pytestmark = pytest.mark.django_db


def test_the_province_has_124_units_with_official_codes(lam_dong):
    province = Unit.objects.get(kind="province", code="68")
    units = Unit.objects.filter(parent=province, is_active=True)
    kinds = {k: units.filter(kind=k).count() for k in ("commune", "ward", "special_zone")}
    assert kinds == {"commune": 103, "ward": 20, "special_zone": 1}
    assert units.get(code="24781").name == "Phường Xuân Hương - Đà Lạt"
    assert all(re.fullmatch(r"\d{5}", u.code) for u in units)


def test_merged_provinces_and_districts_are_kept_inactive_with_a_successor(lam_dong):
    province = Unit.objects.get(kind="province", code="68")
    dak_nong = Unit.objects.get(kind="province", code="67")
    assert (
        not dak_nong.is_active and dak_nong.successor == province and dak_nong.valid_until.isoformat() == "2025-07-01"
    )
    binh_thuan = Unit.objects.get(kind="province", code="60")
    phan_thiet = Unit.objects.get(kind="district", code="593")
    assert phan_thiet.parent == binh_thuan and not phan_thiet.is_active
    assert phan_thiet.current == province
    assert Unit.objects.filter(kind="district", is_active=False).count() == 28
    assert Unit.objects.get(kind="district", code="672").name == "Thành phố Đà Lạt"


def test_sync_is_idempotent(lam_dong, clock):
    before = (Unit.objects.count(), Agency.objects.count())
    report = org_sync_units(actor=None, clock=clock)
    org_sync_agencies(actor=None, clock=clock)
    assert report.created == 0
    assert (Unit.objects.count(), Agency.objects.count()) == before


def test_agencies_have_valid_electronic_codes(lam_dong):
    assert lam_dong["ubnd-tinh"].eid_code == "000.00.00.H39"
    assert lam_dong["trung-tam-phvcc"].kind == "service_centre"
    assert {"so-xay-dung", "so-tu-phap", "so-y-te", "so-nong-nghiep-moi-truong"} <= set(lam_dong)
    communes = Agency.objects.filter(level="commune")
    assert communes.count() == 124
    for agency in Agency.objects.all():
        assert re.fullmatch(r"[0-9A-Z.]{1,35}", agency.eid_code), agency.eid_code
    xuan_huong = communes.get(unit__code="24781")
    assert xuan_huong.name == "Ủy ban nhân dân Phường Xuân Hương - Đà Lạt"
    assert xuan_huong.eid_code == "H39.24781"

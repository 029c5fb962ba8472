"""Shared fixtures: a frozen clock, the real Lâm Đồng units and agencies, officials and citizens."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.cache import cache

from egov.accounts.models import Role, User
from egov.core.clock import VN_TZ, FrozenClock
from egov.org.models import Agency
from egov.org.services import org_sync_agencies, org_sync_units
from tests.factories import UserFactory, official


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 3, 10, 9, 30, tzinfo=VN_TZ))


@pytest.fixture
def lam_dong(db, clock):
    """The province's real units (vietnam-provinces, vietnamadminunits) and agencies."""
    org_sync_units(actor=None, clock=clock)
    org_sync_agencies(actor=None, clock=clock)
    return {a.slug: a for a in Agency.objects.filter(level="province")}


@pytest.fixture
def construction(lam_dong) -> Agency:
    return lam_dong["so-xay-dung"]


@pytest.fixture
def justice(lam_dong) -> Agency:
    return lam_dong["so-tu-phap"]


@pytest.fixture
def construction_leader(construction) -> User:
    return official(construction, Role.LEADER, username="lanhdao.sxd")


@pytest.fixture
def construction_specialist(construction) -> User:
    return official(construction, Role.SPECIALIST, username="chuyenvien.sxd")


@pytest.fixture
def justice_leader(justice) -> User:
    return official(justice, Role.LEADER, username="lanhdao.stp")


@pytest.fixture
def province_admin(lam_dong) -> User:
    return official(lam_dong["ubnd-tinh"], Role.PROVINCE_ADMIN, username="quantri.tinh")


@pytest.fixture
def citizen(db) -> User:
    return UserFactory(citizen=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache (the working calendar…) must not carry one test's data into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _signing_dir(settings, tmp_path_factory):
    """Keys and certificates a test makes (the demo CA, agencies' certificates) stay out of var/pki."""
    settings.SIGNING_DIR = tmp_path_factory.mktemp("pki")
    settings.SIGNING_DEMO_CA, settings.SIGNING_TRUST_ROOTS = True, []


@pytest.fixture(autouse=True)
def _sign_in_without_extras(settings):
    """The second factor and sign-in throttling are tested in tests/identity/test_security.py; elsewhere
    a forced sign-in stands for a complete one."""
    settings.OFFICIALS_REQUIRE_2FA = False
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing is not under test; PBKDF2 would spend seconds on every demo account."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

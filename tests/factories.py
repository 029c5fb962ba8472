"""factory_boy factories with traits, shared by every test module."""

from __future__ import annotations

from typing import Any

import factory
from django.db import transaction

from egov.accounts.models import OfficialRole, Role, User
from egov.catalog.models import Component, Fee, OnlineLevel, Procedure, ProcedureStatus, Sector
from egov.catalog.services import search_words_add
from egov.core.text import fold
from egov.org.models import Agency, Level, Unit

PASSWORD = "Mat-khau-thu-nghiem-1"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("kind", "code")

    kind = Unit.Kind.COMMUNE
    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    eid_code = factory.Sequence(lambda n: f"000.00.{50 + n:02d}.H39")
    slug = factory.Sequence(lambda n: f"so-thu-nghiem-{n}")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    kind = Agency.Kind.DEPARTMENT
    level = Level.PROVINCE
    unit = factory.SubFactory(UnitFactory, kind=Unit.Kind.PROVINCE, code="68", name="Tỉnh Lâm Đồng")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người Dùng {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    kind = User.Kind.CITIZEN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        citizen = factory.Trait(
            kind=User.Kind.CITIZEN,
            personal_id=factory.Sequence(lambda n: f"0681900{n:05d}"),
            username=factory.LazyAttribute(lambda o: o.personal_id),
        )

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def official(agency: Agency, *roles: str, **kwargs: Any) -> User:
    """An official holding `roles` in `agency`."""
    with transaction.atomic():
        user = UserFactory(kind=User.Kind.OFFICIAL, **kwargs)
        for role in roles or (Role.SPECIALIST,):
            OfficialRole.objects.create(user=user, agency=agency, role=role)
    return user


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    slug = factory.Sequence(lambda n: f"linh-vuc-{n}")
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm số {n}")
    sector = factory.SubFactory(SectorFactory)
    at_province = True
    owner = factory.SubFactory(AgencyFactory)
    implementing_agency = factory.LazyAttribute(lambda o: o.owner.name)
    receiving_agency = "Trung tâm Phục vụ hành chính công tỉnh"
    online_level = OnlineLevel.PARTIAL
    duration_value = 15
    duration_unit = "working_days"
    status = ProcedureStatus.DRAFT
    name_folded = factory.LazyAttribute(lambda o: fold(o.name))
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.code} {o.name} {o.sector.name}"))

    class Params:
        published = factory.Trait(status=ProcedureStatus.PUBLISHED, decision_number="1/QĐ-UBND")

    @factory.post_generation
    def with_parts(obj: Procedure, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            search_words_add(obj.search_text)
            Component.objects.create(procedure=obj, name="Đơn đề nghị", originals=1)
            Fee.objects.create(procedure=obj, kind=Fee.Kind.CHARGE, name="Lệ phí", amount=50000)

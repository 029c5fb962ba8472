"""Officials edit, publish and suspend procedures of their own agency only; every change is audited."""

from datetime import date

import pytest

from egov.catalog.inputs import InputErrors, procedure_input
from egov.catalog.models import Procedure
from egov.catalog.services import procedure_create, procedure_publish, procedure_suspend, procedure_update
from egov.core.errors import DomainError, PermissionDenied
from egov.core.models import AuditEvent
from egov.core.selectors import audit_events_for
from tests.catalog.conftest import raw_procedure

pytestmark = pytest.mark.django_db


def test_create_update_publish_suspend_with_audit_trail(construction_leader, permit_input, construction, clock):
    p = procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    assert p.status == "draft" and p.fees.get().amount == 75000 and p.components.count() == 2
    assert p.search_text.startswith("1.009994 cap giay phep xay dung")

    changed = procedure_input(raw_procedure(construction, duration_value=12))
    procedure_update(actor=construction_leader, procedure=p, data=changed, reason="Luật sửa đổi", clock=clock)
    procedure_publish(
        actor=construction_leader,
        procedure=p,
        decision_number="123/QĐ-UBND",
        decision_date=date(2026, 3, 1),
        clock=clock,
    )
    procedure_suspend(actor=construction_leader, procedure=p, reason="Chờ sửa quy trình", clock=clock)
    p.refresh_from_db()
    assert (p.status, p.duration_value, p.decision_number) == ("suspended", 12, "123/QĐ-UBND")

    events = list(audit_events_for(p).order_by("id"))
    assert [e.action for e in events] == [
        "catalog.procedure.create",
        "catalog.procedure.update",
        "catalog.procedure.publish",
        "catalog.procedure.suspend",
    ]
    assert events[1].changes == {"duration_value": [15, 12]} and events[1].reason == "Luật sửa đổi"
    assert all(e.actor == construction_leader and e.at == clock.now() for e in events)


def test_an_update_that_changes_nothing_writes_no_event(construction_leader, permit_input, clock):
    p = procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    procedure_update(actor=construction_leader, procedure=p, data=permit_input, clock=clock)
    assert audit_events_for(p).count() == 1


def test_official_of_another_agency_cannot_edit_or_publish(justice_leader, construction_leader, permit_input, clock):
    with pytest.raises(PermissionDenied):
        procedure_create(actor=justice_leader, data=permit_input, clock=clock)
    p = procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    with pytest.raises(PermissionDenied):
        procedure_update(actor=justice_leader, procedure=p, data=permit_input, clock=clock)
    with pytest.raises(PermissionDenied):
        procedure_publish(
            actor=justice_leader, procedure=p, decision_number="1", decision_date=date(2026, 1, 1), clock=clock
        )
    p.refresh_from_db()
    assert p.status == "draft"
    assert AuditEvent.objects.filter(actor=justice_leader).count() == 0


def test_a_specialist_edits_but_only_a_leader_publishes(construction_specialist, permit_input, clock):
    p = procedure_create(actor=construction_specialist, data=permit_input, clock=clock)
    with pytest.raises(PermissionDenied):
        procedure_publish(
            actor=construction_specialist, procedure=p, decision_number="1", decision_date=date(2026, 1, 1), clock=clock
        )


def test_a_citizen_cannot_create(citizen, permit_input, clock):
    with pytest.raises(PermissionDenied):
        procedure_create(actor=citizen, data=permit_input, clock=clock)
    assert not Procedure.objects.exists()


def test_publication_needs_a_decision_in_the_past(construction_leader, permit_input, clock):
    p = procedure_create(actor=construction_leader, data=permit_input, clock=clock)
    with pytest.raises(DomainError, match="tương lai"):
        procedure_publish(
            actor=construction_leader, procedure=p, decision_number="1/QĐ", decision_date=date(2027, 1, 1), clock=clock
        )
    with pytest.raises(DomainError, match="số quyết định"):
        procedure_publish(
            actor=construction_leader, procedure=p, decision_number=" ", decision_date=date(2026, 1, 1), clock=clock
        )


def test_bad_content_lists_every_problem_in_vietnamese(construction):
    with pytest.raises(InputErrors) as exc:
        procedure_input(
            raw_procedure(
                construction,
                name="",
                at_commune=False,
                online_level="x",
                duration_value="abc",
                fees=[{"kind": "phi", "name": "", "amount": -5}],
            )
        )
    text = " | ".join(exc.value.errors)
    for expected in (
        "Thiếu tên thủ tục",
        "ít nhất một cấp",
        "Mức độ trực tuyến",
        "Thời hạn giải quyết phải là số",
        "Khoản thu 1: loại",
        "Khoản thu 1: thiếu tên",
        "không được nhỏ hơn 0",
    ):
        assert expected in text


def test_too_long_texts_are_refused_before_the_database_sees_them(construction):
    with pytest.raises(InputErrors) as exc:
        procedure_input(raw_procedure(construction, name="x" * 1001, components=[{"name": "y" * 601}]))
    assert any("tối đa 1000" in e for e in exc.value.errors)
    assert any(e.startswith("Thành phần 1:") and "tối đa 600" in e for e in exc.value.errors)

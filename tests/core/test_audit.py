from datetime import date

import pytest
from django.db import ProgrammingError, connection, transaction

from egov.core.audit import audit_record
from egov.core.calendar import is_working_day
from egov.core.errors import DomainError
from egov.core.models import AuditEvent, WorkingDayOverride
from egov.core.selectors import audit_events_for, working_calendar
from egov.core.services import working_day_override_delete, working_day_override_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_override_changes_the_calendar_and_is_audited(province_admin, clock, django_capture_on_commit_callbacks):
    saturday = date(2026, 3, 14)
    assert not is_working_day(saturday, working_calendar())  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        override = working_day_override_set(
            actor=province_admin, day=saturday, kind="work", reason="QĐ 99/QĐ-UBND: làm bù", clock=clock
        )
    assert is_working_day(saturday, working_calendar())
    event = audit_events_for(override).get()
    assert (event.actor, event.action, event.reason) == (province_admin, "core.calendar.set", "QĐ 99/QĐ-UBND: làm bù")
    assert event.at == clock.now()

    with django_capture_on_commit_callbacks(execute=True):
        working_day_override_delete(actor=province_admin, day=saturday, reason="hủy", clock=clock)
    assert not is_working_day(saturday, working_calendar())
    assert AuditEvent.objects.filter(action="core.calendar.delete").count() == 1


def test_override_without_reason_changes_nothing(province_admin):
    with pytest.raises(DomainError) as exc:
        working_day_override_set(actor=province_admin, day=date(2026, 3, 14), kind="work", reason=" ")
    assert "lý do" in exc.value.message
    assert not WorkingDayOverride.objects.exists()
    assert not AuditEvent.objects.filter(action="core.calendar.set").exists()


@pytest.mark.django_db(transaction=True)
def test_audit_must_be_written_inside_a_transaction():
    from tests.factories import UserFactory

    user = UserFactory()
    with pytest.raises(RuntimeError):
        audit_record(actor=user, action="x", obj=user)
    assert not AuditEvent.objects.exists()


def test_audit_trail_is_append_only(province_admin):
    with transaction.atomic():
        event = audit_record(actor=province_admin, action="x", obj=province_admin)
    event.reason = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().update(reason="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_to_change_the_audit_trail(province_admin):
    with transaction.atomic():
        event = audit_record(actor=province_admin, action="x", obj=province_admin)
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE core_auditevent SET reason = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_a_citizens_id_number_is_not_the_audit_label(db, clock):

    citizen = UserFactory(citizen=True, full_name="Nguyễn Văn An")
    assert citizen.get_username().isdigit()  # a citizen signs in with their ID number
    with transaction.atomic():
        event = audit_record(actor=citizen, action="accounts.test", obj=citizen, clock=clock)
    assert event.actor == citizen and event.actor_label == "Nguyễn Văn An"
    assert citizen.get_username() not in event.actor_label

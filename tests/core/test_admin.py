"""Edits in the Django admin (province IT staff) are in the audit trail like any other change."""

import pytest
from django.urls import reverse

from egov.core.models import AuditEvent
from egov.org.models import Agency

pytestmark = pytest.mark.django_db


def test_editing_an_agency_in_the_admin_is_audited(client, lam_dong, province_admin):
    province_admin.is_staff = province_admin.is_superuser = True
    province_admin.save()
    client.force_login(province_admin)
    agency = lam_dong["so-y-te"]
    url = reverse("admin:org_agency_change", args=[agency.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value) for name, value in form.initial.items() if value is not None
    }
    data |= {"phone": "02633822222", "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Agency.objects.get(pk=agency.pk).phone == "02633822222"
    event = AuditEvent.objects.get(action="org.agency.admin_change")
    assert event.actor == province_admin and event.changes == {"phone": "02633822222"}


def test_citizens_and_officials_without_staff_flag_cannot_open_the_admin(client, citizen, construction_leader):
    for user in (citizen, construction_leader):
        client.force_login(user)
        response = client.get(reverse("admin:org_agency_changelist"))
        assert response.status_code == 302 and "/login/" in response["Location"]

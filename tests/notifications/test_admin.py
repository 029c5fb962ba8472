"""IT staff see the outbox in the Django admin, recipients masked, and cannot change it there."""

import pytest
from django.db import transaction
from django.urls import reverse

from egov.notifications.services import notification_enqueue
from tests.factories import UserFactory
from tests.notifications.conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def message(clock):
    with transaction.atomic():
        return notification_enqueue(
            channel="sms", recipient=PHONE, subject="", body="Đã có kết quả.", key="dossier:9:result", clock=clock
        )


def test_the_list_and_the_detail_show_the_recipient_masked(staff_client, message):
    listing = staff_client.get(reverse("admin:notifications_message_changelist"))
    detail = staff_client.get(reverse("admin:notifications_message_change", args=[message.pk]))
    for response in (listing, detail):
        html = response.content.decode()
        assert response.status_code == 200 and "********78" in html and PHONE not in html
    assert "Chờ gửi" in listing.content.decode() and "Đã có kết quả." in detail.content.decode()


def test_support_staff_find_messages_by_the_exact_number(staff_client, message):
    url = reverse("admin:notifications_message_changelist")
    assert staff_client.get(url, {"q": PHONE}).context["cl"].result_count == 1
    assert staff_client.get(url, {"q": PHONE[:6]}).context["cl"].result_count == 0


def test_the_outbox_cannot_be_edited_in_the_admin(staff_client, message):
    assert staff_client.get(reverse("admin:notifications_message_add")).status_code == 403
    assert staff_client.post(reverse("admin:notifications_message_delete", args=[message.pk])).status_code == 403
    response = staff_client.post(reverse("admin:notifications_message_change", args=[message.pk]), {"status": "sent"})
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "pending"

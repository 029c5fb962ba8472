"""`make demo` loads real procedures, the province's units and demo accounts of every kind."""

import json

import pytest
from django.core.management import call_command

from egov.accounts.models import OfficialRole, User
from egov.catalog.models import Procedure, Sector
from egov.core.models import AuditEvent
from egov.demo.history import HISTORY_DOSSIERS, HISTORY_KEY
from egov.demo.loader import DATA, DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.django_db


def test_demo_data_file_has_real_codes_and_enough_sectors():
    entries = json.loads(DATA.read_text(encoding="utf-8"))
    assert len(entries) >= 150
    assert len({e["code"] for e in entries}) == len(entries)
    assert len({e["sector"] for e in entries}) >= 12
    assert sum("province" in e["levels"] for e in entries) >= 50
    assert sum("commune" in e["levels"] for e in entries) >= 30


def test_load_demo_builds_a_working_catalogue(clock):
    accounts = load_demo(clock=clock)
    published = Procedure.objects.filter(status="published")
    assert published.count() >= 150
    assert Sector.objects.filter(procedures__status="published").distinct().count() >= 12
    assert published.filter(at_province=True).exists() and published.filter(at_commune=True).exists()
    assert Procedure.objects.filter(status="draft").exists() and Procedure.objects.filter(status="suspended").exists()
    assert AuditEvent.objects.filter(action="catalog.procedure.publish").count() >= 150

    roles = OfficialRole.objects.select_related("agency")
    assert len({r.agency_id for r in roles if r.agency.kind == "department"}) >= 3
    assert len({r.agency_id for r in roles if r.agency.level == "commune"}) >= 2
    kinds = {a.kind for a in accounts}
    assert kinds == {"official", "citizen", "business"}
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)

    from egov.catalog.models import ProcessStep
    from egov.dossiers.models import Dossier

    wheres = set(ProcessStep.objects.values_list("where", flat=True))
    assert {"receiving", "agency", "central", "owner"} <= wheres  # within a commune, across levels, to a ministry

    # …and two nationality dossiers in processing: one at the Department of Justice's step, ready for its fee to
    # be asked and paid (egov.payments), one waiting for the Ministry of Justice (egov.exchange).
    # (Not counting the year of finished dossiers behind the reports and the dashboard, egov.demo.history.)
    history = Dossier.objects.filter(idempotency_key__contains=f":{HISTORY_KEY}-")
    statuses = sorted(Dossier.objects.exclude(pk__in=history).values_list("status", flat=True))
    assert statuses == ["new", "processing", "processing", "received", "supplement"]
    # That year went through the services: every outcome, channel, online payments and ratings, several agencies.
    assert history.count() == HISTORY_DOSSIERS
    assert {"early", "on_time", "overdue"} <= set(history.values_list("timeliness", flat=True))
    assert set(history.values_list("channel", flat=True)) == {"online", "desk", "postal"}
    assert len(set(history.values_list("agency_id", flat=True))) == 3
    assert history.filter(rating__isnull=False).exists()
    paid = {"payment_requests__payments__method": "online", "payment_requests__payments__status": "paid"}
    assert history.filter(**paid).exists()
    assert Procedure.objects.get(code="1.012753").payment_pauses_clock
    assert Dossier.objects.get(status="received").slips.get().kind == "receipt"

    before = (Procedure.objects.count(), User.objects.count())
    load_demo(clock=clock)  # a second run refreshes, it does not duplicate
    assert (Procedure.objects.count(), User.objects.count()) == before


def test_the_command_prints_every_account_with_its_role(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    for username in ("quantri.tinh", "motcua.tinh", "lanhdao.sxd", "motcua.xuanhuong", "068190000123", "5800000167"):
        assert username in out
    assert "103 xã, 20 phường, 1 đặc khu" in out and DEMO_PASSWORD in out

"""The operations-centre dashboard (/bao-cao/dieu-hanh/) on the hand-counted March of tests/reports/conftest.py.

The dashboard shows "now": the views read `system_clock`, so these tests hand the view module a FrozenClock
set to 31/3/2026 18:00 (the end of the counted month) instead of the machine's date.
"""

from __future__ import annotations

import json
import re

import pytest

from egov.core.clock import FrozenClock
from egov.reports import ioc, ioc_views, selectors
from tests.factories import UserFactory

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at(31, hour=18, minute=0)


@pytest.fixture
def frozen_view(monkeypatch):
    monkeypatch.setattr(ioc_views, "system_clock", FrozenClock(NOW))


def _kpis(html: str) -> dict[str, str]:
    found = re.findall(r'data-kpi="(\w+)">\s*<span class="ioc-kpi-label">[^<]*</span>\s*(.*?)</li>', html, re.S)
    body = {key: re.sub(r'<span class="ioc-kpi-year">.*?</span>', "", text, flags=re.S) for key, text in found}
    return {key: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for key, text in body.items()}


def _years(html: str) -> list[str]:
    return re.findall(r'<span class="ioc-kpi-year">(.*?)</span>', html)


def _chart(html: str) -> dict:
    raw = re.search(r'<script id="ioc-chart-data" type="application/json">(.*?)</script>', html, re.S)
    assert raw
    return json.loads(raw.group(1))


def test_the_agency_dashboard_shows_the_hand_counted_month(client, month_of_march, frozen_view):
    justice, construction = month_of_march
    client.force_login(justice.leader)
    html = client.get("/bao-cao/dieu-hanh/").content.decode()
    kpis = _kpis(html)
    # Justice in March: A B C D G F received (B at the desk), A B C resolved in time and D late; E (carried over
    # from February) is open and overdue at 31/3 18:00, F open in time; fees: D paid online, B in cash; A rated 5,
    # B rated 3. Construction's X is not Justice's.
    assert kpis["received"] == "6"
    assert kpis["resolved"] == "4"
    assert kpis["on_time"] == "75,0% 3/4"
    assert kpis["overdue_open"] == "1 trên 2 hồ sơ đang giải quyết"
    assert kpis["online"] == "83,3% 5/6"
    assert kpis["paid_online"] == "50,0% 1/2"
    assert kpis["satisfaction"] == "50,0% 1/2 điểm trung bình 4,00/5"
    # Under each tile, the same figure from 1 January: E (received 25/2) adds to the received count only.
    assert _years(html)[:3] == ["Năm 2026: 7", "Năm 2026: 4", "Năm 2026: 3/4 (75,0%)"]
    assert construction.agency.name not in html
    assert 'hx-get="/bao-cao/dieu-hanh/so-lieu/"' in html and 'hx-trigger="every 60s"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html


def test_the_fragment_carries_the_same_figures_and_the_chart_series(client, month_of_march, frozen_view):
    justice, _ = month_of_march
    client.force_login(justice.leader)
    response = client.get("/bao-cao/dieu-hanh/so-lieu/")
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx to swap in
    assert _kpis(html)["on_time"] == "75,0% 3/4"
    chart = _chart(html)
    months = chart["months"]
    assert months["labels"][0] == "04/2025" and months["labels"][-1] == "03/2026"
    assert months["received"][-2:] == [1, 6]  # E in February; six in March
    assert months["resolved"][-1] == 4 and months["on_time"][-1] == 75.0 and months["on_time"][0] is None
    # Weeks of March up to the 31st: 1 (Sunday), 2–8, 9–15, 16–22, 23–29, 30–31.
    weeks = chart["weeks"]
    assert weeks["labels"][0] == "01/03–01/03" and weeks["labels"][-1] == "30/03–31/03"
    assert weeks["received"] == [0, 0, 5, 0, 0, 1]
    assert weeks["resolved"] == [0, 0, 2, 2, 0, 0]  # A 11/3 and B 13/3; C 17/3 and D 18/3
    assert chart["ranking"] == {"labels": [f"{justice.agency.name} (3/4)"], "on_time": [75.0], "terms": ["3/4"]}


def test_a_province_administrator_ranks_every_agency(client, month_of_march, province_admin, frozen_view):
    justice, construction = month_of_march
    client.force_login(province_admin)
    html = client.get("/bao-cao/dieu-hanh/").content.decode()
    assert _kpis(html)["received"] == "7" and _kpis(html)["on_time"] == "80,0% 4/5"
    ranking = _chart(html)["ranking"]
    assert ranking["labels"] == [f"{construction.agency.name} (1/1)", f"{justice.agency.name} (3/4)"]
    assert ranking["terms"] == ["1/1", "3/4"]
    one = client.get(f"/bao-cao/dieu-hanh/so-lieu/?co_quan={construction.agency.pk}").content.decode()
    assert _kpis(one)["received"] == "1"


def test_other_agencies_and_citizens_are_turned_away(client, month_of_march, frozen_view):
    justice, construction = month_of_march
    client.force_login(justice.leader)
    assert client.get(f"/bao-cao/dieu-hanh/?co_quan={construction.agency.pk}").status_code == 403
    assert client.get(f"/bao-cao/dieu-hanh/so-lieu/?co_quan={construction.agency.pk}").status_code == 403
    client.force_login(UserFactory(citizen=True))
    assert client.get("/bao-cao/dieu-hanh/").status_code == 403
    assert client.get("/bao-cao/dieu-hanh/so-lieu/").status_code == 403
    client.logout()
    assert client.get("/bao-cao/dieu-hanh/so-lieu/").status_code == 302


def test_query_count_is_bounded(client, month_of_march, province_admin, frozen_view, django_assert_max_num_queries):
    client.force_login(province_admin)
    client.get("/bao-cao/dieu-hanh/so-lieu/")  # warm the session
    # 12 months + up to 6 weeks + the ranking window, plus session, user and roles: never per dossier.
    with django_assert_max_num_queries(26):
        assert client.get("/bao-cao/dieu-hanh/").status_code == 200


def test_the_dashboard_figures_are_the_report_figures(month_of_march):
    justice, _ = month_of_march
    scope = selectors.Scope(agency_ids=(justice.agency.pk,))
    board = ioc.dashboard(scope=scope, agencies=[justice.agency], now=NOW)
    march = board["trend"][-1]
    assert (march["received"], march["resolved"], str(march["on_time"])) == (6, 4, "3/4 (75,0%)")

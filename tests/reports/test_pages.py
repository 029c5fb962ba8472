"""The report pages: who sees which agency's figures, the drill-down, the index, the public page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from egov.accounts.models import Role
from egov.reports import index766, indicators, selectors
from egov.reports.indicators import month
from tests.factories import UserFactory, official

from .test_indicators import AFTER

pytestmark = pytest.mark.django_db
MARCH = "ky=month&tu=2026-03-01"


def test_an_official_sees_only_their_agency(client, month_of_march):
    j, x = month_of_march
    client.force_login(j.leader)
    page = client.get(f"/bao-cao/?{MARCH}").content.decode()
    assert j.agency.name in page and x.agency.name not in page
    assert "3</a>/<a" in page and "(75,0%)" in page  # on time: 3/4, terms beside the rate
    # Naming the other agency, in the report or its drill-down, is refused.
    assert client.get(f"/bao-cao/?{MARCH}&co_quan={x.agency.pk}").status_code == 403
    assert client.get(f"/bao-cao/ho-so/?{MARCH}&co_quan={x.agency.pk}&chi_so=resolved").status_code == 403
    # Without naming one, the drill-down lists their own agency's dossiers only.
    listing = client.get(f"/bao-cao/ho-so/?{MARCH}&chi_so=resolved_early").content.decode()
    assert j.made["A"].code in listing and x.made["X"].code not in listing


def test_a_province_administrator_sees_every_agency(client, month_of_march, province_admin):
    j, x = month_of_march
    client.force_login(province_admin)
    page = client.get(f"/bao-cao/?{MARCH}").content.decode()
    assert j.agency.name in page and x.agency.name in page
    one = client.get(f"/bao-cao/?{MARCH}&co_quan={x.agency.pk}").content.decode()
    assert x.agency.name in one and j.agency.name not in one.split("<tbody>")[1].split("</tbody>")[0]


def test_the_page_says_when_its_figures_come_from_facts(client, month_of_march, province_admin, settings):
    from egov.core.clock import FrozenClock
    from egov.reports.facts import facts_rebuild

    from .conftest import at

    client.force_login(province_admin)
    said = "lấy từ bảng tổng hợp dựng lúc"
    assert said not in client.get(f"/bao-cao/?{MARCH}").content.decode()  # raw: nothing to say
    settings.REPORTS_SOURCE = "facts"
    facts_rebuild(clock=FrozenClock(at(2, month=4, hour=0, minute=20)))
    page = client.get(f"/bao-cao/?{MARCH}").content.decode()
    assert f"{said} 00:20 02/04/2026" in page and "(75,0%)" in page
    april = client.get("/bao-cao/?ky=month&tu=2026-04-01").content.decode()  # ends after the rebuild: raw
    assert "04/2026" in april and said not in april


def test_citizens_and_strangers_are_turned_away(client, month_of_march):
    client.force_login(UserFactory(citizen=True))
    assert client.get("/bao-cao/").status_code == 403
    assert client.get("/bao-cao/chi-so-766/").status_code == 403
    client.logout()
    assert client.get("/bao-cao/").status_code == 302


def test_a_province_role_setting_widens_the_view(month_of_march, settings, lam_dong):
    _j, _x = month_of_march
    leader = official(lam_dong["ubnd-tinh"], Role.LEADER, username="lanhdao.ubnd")
    assert [a.pk for a in selectors.report_agencies(leader)] == [lam_dong["ubnd-tinh"].pk]
    settings.REPORTS_PROVINCE_ROLES = ["province_admin", "leader"]
    leader = type(leader).objects.get(pk=leader.pk)  # roles are cached per user object
    assert selectors.report_scope_for_user(leader).agency_ids is None


def test_drill_down_pages_and_bad_keys(client, month_of_march, province_admin):
    j, _x = month_of_march
    client.force_login(province_admin)
    page = client.get(f"/bao-cao/ho-so/?{MARCH}&co_quan={j.agency.pk}&chi_so=received_new").content.decode()
    assert all(j.made[n].code in page for n in "ABCDFG") and j.made["E"].code not in page
    assert client.get(f"/bao-cao/ho-so/?{MARCH}&chi_so=score_sum").status_code == 404
    assert client.get(f"/bao-cao/ho-so/?{MARCH}&chi_so=nope").status_code == 404


def test_query_counts_are_bounded(client, month_of_march, province_admin, django_assert_max_num_queries):
    client.force_login(province_admin)
    client.get("/bao-cao/")  # warm the session
    with django_assert_max_num_queries(8):
        assert client.get(f"/bao-cao/?{MARCH}").status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(f"/bao-cao/chi-so-766/?{MARCH}").status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(f"/bao-cao/ho-so/?{MARCH}&chi_so=handled").status_code == 200
    client.logout()
    with django_assert_max_num_queries(2):  # the counts and the agencies' names
        assert client.get("/cong-khai/?nam=2026").status_code == 200


def test_the_index_766(client, month_of_march, province_admin):
    j, _x = month_of_march
    counts = selectors.indicator_counts(period=month(2026, 3), scope=selectors.Scope(), now=AFTER)[j.agency.pk]
    catalog, _province = selectors.catalog_counts([j.agency])
    result = index766.score({**counts, **catalog[j.agency.pk]})
    by_key = {s.component.key: s for s in result.scores}
    # Timeliness: (3 resolved early/on time + 1 open in time) / 7 handled × 20 = 11.43.
    assert by_key["timeliness"].ratio == indicators.Ratio(4, 7) and by_key["timeliness"].points == Decimal("11.43")
    assert by_key["satisfaction_tthc"].points == Decimal("3.00")  # 1/2 × 6
    assert by_key["publication_on_time"].points is None  # no data yet: not a zero
    assert sum(g.points for g in index766.GROUPS) == 100
    assert sum(c.points for c in index766.components()) == 100
    client.force_login(province_admin)
    page = client.get(f"/bao-cao/chi-so-766/?{MARCH}").content.decode()
    assert "11,43" in page and "4/7" in page and "chưa có dữ liệu" in page


def test_index_points_are_settings(settings):
    settings.REPORTS_766_POINTS = {"timeliness": 18}
    assert next(c for c in index766.components() if c.key == "timeliness").points == Decimal(18)


def test_the_public_page(client, month_of_march):
    j, _x = month_of_march
    page = client.get("/cong-khai/?nam=2026").content.decode()
    assert j.agency.name in page and "4/5 (80,0%)" in page  # A B C F (April) early or on time; D overdue
    assert "1/2 (50,0%)" in page  # satisfied 1 of 2 ratings


@pytest.mark.parametrize(
    "query",
    [
        "ky=month&tu=2026-03-01&linh_vuc=%C2%B2",  # "²" passes str.isdigit()
        "ky=month&tu=2026-03-01&xa=%C2%B2",
        "ky=month&tu=2026-03-01&linh_vuc=99999999999999999999999",  # beyond any database integer
        "ky=month&tu=9999-12-31",  # the month after would be year 10000
        "ky=custom&tu=2026-01-01&den=9999-12-31",
    ],
)
@pytest.mark.parametrize("page", ["/bao-cao/", "/bao-cao/tai-excel/", "/bao-cao/chi-so-766/"])
def test_hand_made_filters_fall_back_instead_of_failing(client, month_of_march, page, query):
    j, _x = month_of_march
    client.raise_request_exception = False
    client.force_login(j.leader)
    assert client.get(f"{page}?{query}").status_code == 200


def test_the_public_page_ignores_a_strange_year(client, month_of_march):
    client.raise_request_exception = False
    assert client.get("/cong-khai/?nam=%C2%B2").status_code == 200


def test_an_official_of_a_merged_agency_still_gets_the_report(client, month_of_march, lam_dong):
    j, _x = month_of_march
    j.agency.is_active, j.agency.successor = False, lam_dong["so-xay-dung"]
    j.agency.save()  # the merger; the leader keeps their role at the old agency
    client.raise_request_exception = False
    client.force_login(j.leader)
    assert client.get("/bao-cao/?ky=month&tu=2026-03-01").status_code == 200

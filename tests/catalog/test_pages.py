"""The public portal pages, in Vietnamese and English, without JavaScript."""

from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import ProcedureFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(construction):
    building = SectorFactory(name="Hoạt động xây dựng")
    for i in range(25):
        ProcedureFactory(code=f"1.0200{i:02d}", sector=building, owner=construction, published=True)
    return ProcedureFactory(
        code="1.009994",
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        sector=building,
        owner=construction,
        published=True,
        at_commune=True,
        legal_basis="Luật Xây dựng 2014\nNghị định 175/2024/NĐ-CP",
    )


def test_home_has_search_and_browse(client, published):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert "Hoạt động xây dựng" in html and "?level=province" in html and "?level=commune" in html
    assert '<html lang="vi">' in html


def test_search_results_without_javascript(client, published):
    html = client.get(reverse("catalog:procedure_list"), {"q": "cap giay phep xay dung"}).content.decode()
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in html
    assert "Tìm thấy 1 thủ tục" in html


def test_htmx_request_gets_only_the_results_fragment(client, published):
    response = client.get(reverse("catalog:procedure_list"), {"q": "xay dung"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"') and "<html" not in html


def test_browse_by_sector_agency_level_is_paged(client, published, construction):
    sector = published.sector
    assert "Tìm thấy 26 thủ tục" in client.get(f"/thu-tuc/?sector={sector.slug}").content.decode()
    page2 = client.get(f"/thu-tuc/?agency={construction.slug}&page=2").content.decode()
    assert "Trang 2/2" in page2
    assert "Tìm thấy 1 thủ tục" in client.get("/thu-tuc/?level=commune").content.decode()
    assert construction.name in client.get(reverse("catalog:agency_list")).content.decode()
    assert sector.name in client.get(reverse("catalog:sector_list")).content.decode()


def test_procedure_page_is_printable(client, published):
    html = client.get(reverse("catalog:procedure_detail", args=["1.009994"])).content.decode()
    for text in ("Cấp giấy phép xây dựng mới", "Thành phần hồ sơ", "Đơn đề nghị", "50.000 đồng", "Nghị định 175/2024"):
        assert text in html
    css = (Path(__file__).parents[2] / "egov" / "core" / "static" / "egov" / "site.css").read_text()
    assert "@media print" in css


def test_unknown_or_unpublished_procedure_is_404(client, published, construction):
    ProcedureFactory(code="1.000002", owner=construction)
    assert client.get(reverse("catalog:procedure_detail", args=["1.000002"])).status_code == 404
    assert client.get(reverse("catalog:procedure_detail", args=["nope"])).status_code == 404


def test_english_through_the_language_switch(client, published):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Administrative procedures" in html


def test_list_page_query_count_is_flat(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:procedure_list"))


def test_vietnamese_first_whatever_the_browser_asks(client, published):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html and "Tra cứu thủ tục hành chính" in html

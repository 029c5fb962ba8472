"""The read-only JSON API /api/v1/procedures and its OpenAPI document."""

import pytest

from tests.factories import ProcedureFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(construction, justice):
    civil = SectorFactory(name="Hộ tịch")
    ProcedureFactory(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        sector=civil,
        owner=justice,
        at_province=False,
        at_commune=True,
        published=True,
        online_level="full",
    )
    for i in range(30):
        ProcedureFactory(code=f"1.0100{i:02d}", owner=construction, published=True)
    ProcedureFactory(code="1.000001", name="Thủ tục chưa công bố", owner=construction)


def test_list_is_paged(client, published):
    body = client.get("/api/v1/procedures?limit=10").json()
    assert body["count"] == 31 and len(body["items"]) == 10
    assert {"code", "name", "sector", "owner", "levels", "online_level", "duration_value", "url"} <= set(
        body["items"][0]
    )


def test_filter_and_search(client, published, justice):
    body = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    assert [p["code"] for p in body["items"]] == ["1.001193"]
    assert client.get("/api/v1/procedures", {"level": "commune"}).json()["count"] == 1
    assert client.get("/api/v1/procedures", {"online_level": "full"}).json()["count"] == 1
    assert client.get("/api/v1/procedures", {"agency": justice.slug}).json()["count"] == 1


def test_detail_has_components_fees_and_legal_basis(client, published):
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["name"] == "Thủ tục đăng ký khai sinh" and body["levels"] == ["commune"]
    assert body["components"][0]["name"] == "Đơn đề nghị" and body["fees"][0]["amount"] == 50000
    assert isinstance(body["legal_basis"], list)


def test_unpublished_or_unknown_is_404_with_a_message(client, published):
    for code in ("1.000001", "9.999999"):
        response = client.get(f"/api/v1/procedures/{code}")
        assert response.status_code == 404
        assert response.json()["code"] == "catalog.not_found"


def test_openapi_document(client, db):
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/procedures" in spec["paths"] and "/api/v1/procedures/{code}" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_list_query_count_does_not_grow_with_results(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/api/v1/procedures?limit=30")

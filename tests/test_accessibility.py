"""axe-core in headless Chromium over the public pages: no WCAG 2.1 A/AA violation, desktop and phone."""

import os
import shutil

import pytest

from tests.factories import ProcedureFactory, SectorFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not HAVE_BROWSER and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed (CI installs it and sets REQUIRE_BROWSER)",
    ),
]

PAGES = [
    "/",
    "/thu-tuc/?q=cap+giay+phep+xay+dung",
    "/thu-tuc/?level=commune",
    "/linh-vuc/",
    "/co-quan/",
    "/thu-tuc/1.009994/",
    "/tai-khoan/dang-nhap/",
    "/tra-cuu/",
    "/tra-cuu/?ma=000.00.02.H39-261123-0001&so=1234",
    "/danh-gia/",
    "/ket-qua/xac-minh/",
    "/thanh-toan/bien-lai/kiem-tra/",
    "/gia-lap-vneid/authorize?client_id=egov-lam-dong-demo&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Ftai-khoan%2Fvneid%2Fxong%2F"
    "&response_type=code&code_challenge=abc&code_challenge_method=S256&state=s",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def catalogue(transactional_db, lam_dong):
    building = SectorFactory(name="Hoạt động xây dựng")
    owner = lam_dong["so-xay-dung"]
    ProcedureFactory(
        code="1.009994",
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        sector=building,
        owner=owner,
        published=True,
        at_commune=True,
        online_level="full",
        legal_basis="Luật Xây dựng số 50/2014/QH13",
        eligibility="Có quyền sử dụng đất hợp pháp.",
        steps="Nộp hồ sơ tại Bộ phận Một cửa.\nNhận kết quả.",
        result="Giấy phép xây dựng",
    )
    for i in range(25):
        ProcedureFactory(
            code=f"1.0300{i:02d}",
            name=f"Cấp giấy phép xây dựng công trình loại {i}",
            sector=building,
            owner=owner,
            published=True,
        )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def test_public_pages_have_no_wcag21_aa_violations(live_server, catalogue, viewport, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    problems = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport=viewport)
        for path in PAGES:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
            violations = results.response["violations"]
            if violations:
                problems[path] = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        browser.close()
    assert problems == {}

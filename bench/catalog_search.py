"""Benchmark: p50/p95 of the catalogue search API over a national-size catalogue (≥ 6,000 procedures).

Builds the catalogue in a throw-away test database on whatever DATABASE_URL points at (SQLite by
default), sends 200 typical citizen queries to /api/v1/procedures, and prints the latencies.

    make bench                                                          # SQLite
    DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov make bench    # PostgreSQL (target: p95 < 50 ms)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIZE = int(os.environ.get("BENCH_PROCEDURES", "6000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
QUALIFIERS = [
    "",
    "đối với tổ chức",
    "đối với cá nhân",
    "cấp lại",
    "điều chỉnh",
    "gia hạn",
    "cấp đổi",
    "bổ sung",
    "trong trường hợp bị mất",
    "đối với doanh nghiệp nhỏ và vừa",
    "tại khu công nghiệp",
    "cho người nước ngoài",
    "lần đầu",
    "theo thủ tục rút gọn",
    "đối với hộ gia đình",
    "có yếu tố nước ngoài",
    "liên thông",
    "đối với công trình cấp III",
    "đối với dự án đầu tư",
    "trên địa bàn xã",
    "thuộc thẩm quyền cấp tỉnh",
    "đối với cơ sở giáo dục",
    "đối với cơ sở y tế",
    "đối với hợp tác xã",
    "khi thay đổi thông tin",
    "do hết hạn",
    "trực tuyến",
    "qua dịch vụ bưu chính",
    "đối với tàu cá",
    "đối với phương tiện",
    "đối với nhà ở riêng lẻ",
    "đối với di tích",
    "đối với hội",
    "đối với quỹ",
]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def build_catalogue(rng: random.Random) -> list[str]:
    """Create SIZE published procedures from the demo's real names and qualifiers; return the base names."""
    from django.db import transaction

    from egov.catalog.models import Component, Procedure, ProcedureStatus
    from egov.catalog.services import search_vocabulary_rebuild, sector_get_or_create
    from egov.core.text import fold
    from egov.demo.loader import demo_rows
    from egov.org.models import Agency
    from egov.org.services import org_sync_agencies, org_sync_units

    with transaction.atomic():
        org_sync_units(actor=None)
        org_sync_agencies(actor=None)

    rows = demo_rows()
    owners = {a.eid_code: a for a in Agency.objects.filter(level="province")}
    sectors = {row["sector"]: sector_get_or_create(row["sector"]) for row in rows}
    procedures = []
    for n in range(SIZE):
        row = rows[n % len(rows)]
        qualifier = QUALIFIERS[(n // len(rows)) % len(QUALIFIERS)]
        name = f"{row['name']} {qualifier}".strip()
        if n >= len(rows) * len(QUALIFIERS):
            name = f"{name} (mẫu {n})"
        name = name[:500]
        sector = sectors[row["sector"]]
        code = f"9.{n:06d}"
        procedures.append(
            Procedure(
                code=code,
                name=name,
                sector=sector,
                at_province=row["at_province"],
                at_commune=row["at_commune"],
                owner=owners[row["owner_eid_code"]],
                implementing_agency=row["implementing_agency"],
                receiving_agency=row["receiving_agency"],
                online_level=row["online_level"],
                duration_value=row["duration_value"],
                duration_unit=row["duration_unit"],
                result=row["result"],
                status=ProcedureStatus.PUBLISHED,
                name_folded=fold(name),
                search_text=fold(" ".join([code, name, sector.name, row["implementing_agency"], row["result"]])),
            )
        )
    Procedure.objects.bulk_create(procedures, batch_size=1000)
    Component.objects.bulk_create(
        [Component(procedure=p, name="Đơn đề nghị", originals=1) for p in Procedure.objects.all()], batch_size=2000
    )
    search_vocabulary_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_procedure")
            cursor.execute("ANALYZE catalog_searchword")
    return [row["name"] for row in rows]


def typical_queries(names: list[str], rng: random.Random) -> list[str]:
    """What citizens type: a few words of a name, often without accents, sometimes with a typo or a code."""
    from egov.core.text import fold

    queries = []
    for i in range(QUERIES):
        words = rng.choice(names).split()
        start = rng.randrange(0, max(1, len(words) - 3))
        phrase = " ".join(words[start : start + rng.randint(2, 5)])
        kind = i % 5
        if kind in (0, 1):
            phrase = fold(phrase)  # no accents
        elif kind == 2:
            folded = fold(phrase).split()
            j = rng.randrange(len(folded))
            folded[j] = _typo(folded[j], rng)
            phrase = " ".join(folded)  # a typo
        elif kind == 3 and i % 10 == 3:
            phrase = f"9.{rng.randrange(SIZE):06d}"  # a code
        queries.append(phrase)
    return queries


def main() -> None:
    from django.test import Client

    rng = random.Random(20261123)
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        t0 = time.perf_counter()
        names = build_catalogue(rng)
        built = time.perf_counter() - t0
        client = Client()
        queries = typical_queries(names, rng)
        client.get("/api/v1/procedures", {"q": "giay phep"})  # warm-up
        timings, hits = [], 0
        for q in queries:
            t = time.perf_counter()
            response = client.get("/api/v1/procedures", {"q": q, "limit": 20})
            timings.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.content
            hits += response.json()["count"] > 0
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"database: {connection.vendor}; catalogue: {SIZE} published procedures (built in {built:.1f} s)")
        print(f"queries: {len(queries)} typical (accents, no accents, typos, codes); with results: {hits}")
        print(f"search API latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")
        target = "met" if p95 < 50 else "NOT met"
        print(f"target p95 < 50 ms on PostgreSQL: {target} on {connection.vendor}")
        print("rerun: DATABASE_URL=postgres://egov:egov@127.0.0.1:5432/egov .venv/bin/python bench/catalog_search.py")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

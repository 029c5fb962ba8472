"""The status machine's table and the dossier code, including concurrent receptions on PostgreSQL."""

import threading
from datetime import date, datetime

import pytest
from django.db import connection, transaction

from egov.core.clock import VN_TZ
from egov.dossiers.codes import format_code, parse_code
from egov.dossiers.models import Status
from egov.dossiers.services import dossier_code_take
from egov.dossiers.status import FINAL, TRANSITIONS, allowed


def test_the_table_is_the_one_in_the_design():
    assert TRANSITIONS[Status.NEW] == {Status.RECEIVED, Status.REFUSED, Status.SUPPLEMENT, Status.WITHDRAWN}
    assert TRANSITIONS[Status.RESOLVED] == {Status.RETURNED}
    assert {Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED} == FINAL
    assert not allowed(Status.NEW, Status.PROCESSING)
    assert not allowed(Status.RETURNED, Status.NEW)
    for source in Status.values:
        assert source in TRANSITIONS  # every status has a row


def test_code_format():
    assert format_code("000.00.02.H39", date(2026, 11, 23), 7) == "000.00.02.H39-261123-0007"
    assert format_code("H39.24781", date(2026, 1, 2), 12345) == "H39.24781-260102-12345"
    assert parse_code("000.00.02.H39-261123-0007") == ("000.00.02.H39", "261123", 7)
    assert parse_code("nonsense") is None


@pytest.mark.django_db
def test_codes_are_consecutive_per_agency_and_day(lam_dong):
    a, b = lam_dong["trung-tam-phvcc"], lam_dong["so-tu-phap"]
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=VN_TZ)
    with transaction.atomic():
        codes = [dossier_code_take(agency=a, at=monday) for _ in range(3)]
        other = dossier_code_take(agency=b, at=monday)
        next_day = dossier_code_take(agency=a, at=tuesday)
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]
    assert other.endswith("-261123-0001") and next_day.endswith("-261124-0001")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_receptions_get_gap_free_unique_codes():
    from egov.org.services import org_sync_agencies, org_sync_units

    org_sync_units(actor=None)
    org_sync_agencies(actor=None)
    from egov.org.models import Agency

    agency = Agency.objects.get(slug="trung-tam-phvcc")
    at = datetime(2026, 11, 23, 9, 0, tzinfo=VN_TZ)
    codes, errors = [], []
    barrier = threading.Barrier(8)

    def worker():
        try:
            barrier.wait()
            for _ in range(10):
                with transaction.atomic():
                    codes.append(dossier_code_take(agency=agency, at=at))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(int(c[-4:]) for c in codes) == list(range(1, 81))

"""Reconcile one day's online payments with the gateway's statement now (beat does it nightly for yesterday)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.payments.models import Reconciliation
from egov.payments.tasks import reconcile_daily


class Command(BaseCommand):
    help = "Đối soát thanh toán trực tuyến của một ngày với sao kê của cổng thanh toán (mặc định: hôm qua)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (mặc định: hôm qua)")

    def handle(self, *args: Any, **options: Any) -> None:
        report = Reconciliation.objects.get(pk=reconcile_daily(options.get("day")))
        self.stdout.write(
            f"{report.day:%d/%m/%Y} {report.gateway}: khớp {report.matched_count} ({report.matched_amount} đồng), "
            f"chênh lệch {report.discrepancies.count()}"
        )

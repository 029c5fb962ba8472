"""Reconcile one day's online payments with the gateway's statement now (beat does it nightly for yesterday)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.payments.models import Reconciliation
from egov.payments.tasks import reconcile_daily


class Command(BaseCommand):
    help = "Đối soát thanh toán trực tuyến của một ngày với sao kê của cổng thanh toán (mặc định: hôm qua)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (mặc định: hôm qua)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = options.get("day")
        if day:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"Ngày không hợp lệ: {day!r} (cần YYYY-MM-DD, ví dụ 2026-03-10).") from None
        report = Reconciliation.objects.get(pk=reconcile_daily(day))
        self.stdout.write(
            f"{report.day:%d/%m/%Y} {report.gateway}: khớp {report.matched_count} ({report.matched_amount} đồng), "
            f"chênh lệch {report.discrepancies.count()}"
        )

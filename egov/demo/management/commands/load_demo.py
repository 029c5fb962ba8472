"""`manage.py load_demo`: load the Lâm Đồng sample data and print the demo accounts."""

from typing import Any

from django.core.management.base import BaseCommand

from egov.catalog.models import Procedure, ProcedureStatus
from egov.demo.loader import DEMO_PASSWORD, load_demo, unit_counts


class Command(BaseCommand):
    help = "Load (or refresh) the Lâm Đồng demo data and print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_demo()
        units = unit_counts()
        published = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED).count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Lâm Đồng: {units.get('commune', 0)} xã, {units.get('ward', 0)} phường, "
                f"{units.get('special_zone', 0)} đặc khu; {Procedure.objects.count()} thủ tục ({published} đã công bố)."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}) / demo accounts (shared password):")
        width = max(len(a.username) for a in accounts)
        for a in accounts:
            self.stdout.write(f"  {a.username.ljust(width)}  {a.role:<28} {a.where}")

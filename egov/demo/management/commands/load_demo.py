"""`manage.py load_demo`: load the Lâm Đồng sample data and print the demo accounts."""

import logging
from typing import Any

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from egov.catalog.models import Procedure, ProcedureStatus
from egov.demo.loader import DEMO_PASSWORD, load_demo, unit_counts


class Command(BaseCommand):
    help = "Load (or refresh) the Lâm Đồng demo data and print the demo accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's own notifications go to the outbox (and in-memory backends), not over the accounts list.
        quiet = {
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SMS_BACKEND": "egov.notifications.sms.LocmemSmsBackend",
        }
        logging.disable(logging.INFO)  # nor the workers' progress lines
        try:
            with override_settings(**quiet):
                accounts = load_demo()
        finally:
            logging.disable(logging.NOTSET)
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
        self.stdout.write(
            "Cán bộ xác thực hai bước / officials' second factor: khóa TOTP demo JBSWY3DPEHPK3PXP "
            "(thêm vào ứng dụng xác thực), hoặc / or: make otp ACCOUNT=motcua.tinh"
        )

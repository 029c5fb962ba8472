"""`manage.py pki_demo`: create the demo certificate authority (idempotent) and say where it is."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from egov.records import pki


class Command(BaseCommand):
    help = "Create the demo CA that signs results (under SIGNING_DIR); agencies get their certificates on demand."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.SIGNING_DEMO_CA:
            raise CommandError("SIGNING_DEMO_CA is off: results are signed with the real CA's certificates.")
        path = pki.demo_ca_ensure()
        about = pki.certificate_summary(path.read_bytes())
        self.stdout.write(
            f"CA mẫu / demo CA: {about['subject']}\n  {path} (hết hạn / expires {about['not_after']:%d/%m/%Y})"
        )

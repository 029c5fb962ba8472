"""`manage.py otp_code USERNAME`: the current second-factor code of a demo account (demo and tests only)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo official (refused unless DEBUG or the demo key is in use)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", default="motcua.tinh")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        device = TOTPDevice.objects.filter(user__username=username, name="Demo", confirmed=True).first()
        if device is None or not (settings.DEBUG or device.key == settings.DEMO_TOTP_KEY):
            raise CommandError("Chỉ dùng cho tài khoản mẫu của bản demo.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():06d}")

"""The injected clock: logic takes a Clock (or `now`), never reads the system time itself."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from django.utils import timezone

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real clock, in Asia/Ho_Chi_Minh."""

    def now(self) -> datetime:
        return timezone.now().astimezone(VN_TZ)


class FrozenClock:
    """A clock that says what it is told; tests and benchmarks move it by hand."""

    def __init__(self, at: datetime) -> None:
        self._at = ensure_aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = ensure_aware(at)

    def advance(self, delta: timedelta) -> None:
        self._at = self._at + delta


system_clock = SystemClock()


def ensure_aware(value: datetime) -> datetime:
    """Return `value` as an aware datetime in Asia/Ho_Chi_Minh (naive values are taken as local)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=VN_TZ)
    return value.astimezone(VN_TZ)

"""Indicator formulas: the periods, the counts every figure is built from, and the rates over them.

Pure: no database. `selectors.py` fills a `Counts` mapping (from raw dossiers today, from pre-aggregated
facts later) and everything here turns counts into figures, each with its numerator and denominator.
Definitions, sources and hand checks: docs/reports.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.core.clock import VN_TZ

Counts = Mapping[str, int]

# --- periods -------------------------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "year", "custom")


@dataclass(frozen=True)
class Period:
    """From 00:00 of `start` to 00:00 after `end` (inclusive days), Vietnam time."""

    kind: str
    start: date
    end: date

    @property
    def lo(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=VN_TZ)

    @property
    def hi(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=VN_TZ)

    def as_of(self, now: datetime) -> datetime:
        """The moment "at the period's end" means: its end, or now for a period not over yet."""
        return min(self.hi, now)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%m/%Y}"
        if self.kind == "quarter":
            return f"Q{(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def month(year: int, number: int) -> Period:
    nxt = date(year + number // 12, number % 12 + 1, 1)
    return Period("month", date(year, number, 1), nxt - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    first = date(year, 3 * (number - 1) + 1, 1)
    last = month(year, 3 * number).end
    return Period("quarter", first, last)


def year(number: int) -> Period:
    return Period("year", date(number, 1, 1), date(number, 12, 31))


def custom(start: date, end: date) -> Period:
    if start > end:
        raise ValueError("start after end")
    return Period("custom", start, end)


def period_containing(kind: str, day: date) -> Period:
    """The month, quarter or year that contains `day`."""
    if kind == "quarter":
        return quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == "year":
        return year(day.year)
    return month(day.year, day.month)


# --- the counts ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    """One counted set of dossiers (or a sum over them); every count can be listed (drill-down) but sums."""

    key: str
    label: str | Promise
    listable: bool = True


COUNTS: tuple[Count, ...] = (
    Count("received_new", _("Tiếp nhận mới trong kỳ")),
    Count("carried_over", _("Từ kỳ trước chuyển sang")),
    Count("handled", _("Tổng số phải giải quyết")),
    Count("resolved", _("Đã giải quyết")),
    Count("resolved_early", _("Giải quyết trước hạn")),
    Count("resolved_on_time", _("Giải quyết đúng hạn")),
    Count("resolved_in_time", _("Giải quyết trước hạn và đúng hạn")),
    Count("resolved_overdue", _("Giải quyết quá hạn")),
    Count("resolved_extended", _("Đã giải quyết, có phiếu xin lỗi hẹn lại")),
    Count("open_end", _("Đang giải quyết cuối kỳ")),
    Count("open_end_on_time", _("Đang giải quyết, trong hạn")),
    Count("open_end_overdue", _("Đang giải quyết, quá hạn")),
    Count("withdrawn", _("Rút hồ sơ")),
    Count("stopped", _("Dừng xử lý")),
    Count("received_online", _("Tiếp nhận trực tuyến")),
    Count("received_postal", _("Tiếp nhận qua bưu chính công ích")),
    Count("received_capable", _("Tiếp nhận, thủ tục có dịch vụ công trực tuyến")),
    Count("received_capable_online", _("Tiếp nhận trực tuyến, thủ tục có dịch vụ công trực tuyến")),
    Count("received_full", _("Tiếp nhận, thủ tục toàn trình")),
    Count("received_full_online", _("Tiếp nhận trực tuyến, thủ tục toàn trình")),
    Count("fee_dossiers", _("Hồ sơ có nghĩa vụ tài chính")),
    Count("paid_online", _("Thanh toán trực tuyến")),
    Count("not_online_received", _("Tiếp nhận trực tiếp, bưu chính")),
    Count("digitised", _("Hồ sơ được số hóa đủ thành phần")),
    Count("results_signed", _("Kết quả điện tử đã ký số")),
    Count("rated", _("Lượt đánh giá")),
    Count("satisfied", _("Hài lòng (4–5)")),
    Count("score_sum", _("Tổng điểm đánh giá"), listable=False),
)
COUNT_KEYS = tuple(c.key for c in COUNTS)
COUNT_BY_KEY = {c.key: c for c in COUNTS}


def zero_counts() -> dict[str, int]:
    return dict.fromkeys(COUNT_KEYS, 0)


def add_counts(parts: Iterable[Counts]) -> dict[str, int]:
    """Every count is over disjoint dossiers per group (a dossier has one agency), so totals are sums."""
    total = zero_counts()
    for part in parts:
        for key in COUNT_KEYS:
            total[key] += int(part.get(key) or 0)
    return total


# --- the figures ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """A rate kept with its terms; shown as "n/d (x%)", never as a bare percentage."""

    numerator: int
    denominator: int
    decimals: int = 1

    @property
    def percent(self) -> Decimal | None:
        if not self.denominator:
            return None
        raw = Decimal(self.numerator) * 100 / Decimal(self.denominator)
        return raw.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)

    @property
    def fraction(self) -> Decimal:
        return Decimal(self.numerator) / Decimal(self.denominator) if self.denominator else Decimal(0)

    def __str__(self) -> str:
        return f"{group_digits(self.numerator)}/{group_digits(self.denominator)} ({self.percent_text})"

    @property
    def percent_text(self) -> str:
        pct = self.percent
        return "–" if pct is None else f"{pct}%".replace(".", ",")


def group_digits(number: int) -> str:
    """1234567 → "1.234.567", as Vietnamese reports print counts."""
    return f"{number:,}".replace(",", ".")


@dataclass(frozen=True)
class Figure:
    """A published indicator: a stable key, what it means, and which counts make it."""

    key: str
    label: str | Promise
    numerator: str
    denominator: str
    group: str


FIGURES: tuple[Figure, ...] = (
    Figure("on_time_rate", _("Tỷ lệ giải quyết trước hạn và đúng hạn"), "resolved_in_time", "resolved", "progress"),
    Figure("early_rate", _("Tỷ lệ giải quyết trước hạn"), "resolved_early", "resolved", "progress"),
    Figure("just_on_time_rate", _("Tỷ lệ giải quyết đúng hạn"), "resolved_on_time", "resolved", "progress"),
    Figure("overdue_rate", _("Tỷ lệ giải quyết quá hạn"), "resolved_overdue", "resolved", "progress"),
    Figure("extended_rate", _("Tỷ lệ có phiếu xin lỗi hẹn lại"), "resolved_extended", "resolved", "progress"),
    Figure("open_on_time_rate", _("Đang giải quyết trong hạn"), "open_end_on_time", "open_end", "progress"),
    Figure("open_overdue_rate", _("Đang giải quyết quá hạn"), "open_end_overdue", "open_end", "progress"),
    Figure("withdrawn_rate", _("Tỷ lệ rút hồ sơ"), "withdrawn", "handled", "progress"),
    Figure("stopped_rate", _("Tỷ lệ dừng xử lý"), "stopped", "handled", "progress"),
    Figure("online_rate", _("Tỷ lệ tiếp nhận trực tuyến"), "received_online", "received_new", "online"),
    Figure(
        "online_capable_rate",
        _("Tỷ lệ trực tuyến (thủ tục có DVC trực tuyến)"),
        "received_capable_online",
        "received_capable",
        "online",
    ),
    Figure("full_online_rate", _("Tỷ lệ trực tuyến toàn trình"), "received_full_online", "received_full", "online"),
    Figure("postal_rate", _("Tỷ lệ qua bưu chính công ích"), "received_postal", "received_new", "online"),
    Figure("paid_online_rate", _("Tỷ lệ thanh toán trực tuyến"), "paid_online", "fee_dossiers", "online"),
    Figure("digitised_rate", _("Tỷ lệ số hóa hồ sơ"), "digitised", "not_online_received", "digitisation"),
    Figure("results_digitised_rate", _("Tỷ lệ số hóa kết quả"), "results_signed", "resolved", "digitisation"),
    Figure("satisfaction_rate", _("Tỷ lệ hài lòng"), "satisfied", "rated", "satisfaction"),
)
FIGURE_BY_KEY = {f.key: f for f in FIGURES}


def ratio(counts: Counts, figure: Figure) -> Ratio:
    return Ratio(int(counts.get(figure.numerator) or 0), int(counts.get(figure.denominator) or 0))


def ratios(counts: Counts) -> dict[str, Ratio]:
    """Every figure over one set of counts."""
    return {f.key: ratio(counts, f) for f in FIGURES}


def average_score(counts: Counts) -> Decimal | None:
    """Average satisfaction, 1–5, two decimals: the sum of scores over the number of ratings."""
    if not counts.get("rated"):
        return None
    raw = Decimal(int(counts["score_sum"])) / Decimal(int(counts["rated"]))
    return raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

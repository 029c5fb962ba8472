"""The service index of QĐ 766/QĐ-TTg (Bộ chỉ số phục vụ người dân, doanh nghiệp), per agency and province.

The weights live in one versioned table, `VERSIONS`; `settings.REPORTS_766_VERSION` picks the one in
force and `settings.REPORTS_766_POINTS` may change the points of any component. The decision fixes the
five groups (100 points) and a few components (on-time processing ≤ 20, TTHC satisfaction ≤ 6, on-time
publication 4); the split of the others is the vendor's and is *to be confirmed; configurable*
(`certain=False` below, shown as such on the page). Components the platform has no data for yet are
listed with their points and counted as "no data", never as zero. Pure: counts in, points out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .indicators import Counts, Ratio


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    points: int


@dataclass(frozen=True)
class Component:
    """One scored component: `numerator / denominator × points`, over report counts or catalogue counts."""

    key: str
    group: str
    label: str | Promise
    points: Decimal
    numerator: str = ""
    denominator: str = ""
    certain: bool = False
    # Extra terms added to the numerator (the vendor's timeliness adds open dossiers still in time).
    plus: tuple[str, ...] = ()

    @property
    def has_data(self) -> bool:
        return bool(self.numerator and self.denominator)


GROUPS: tuple[Group, ...] = (
    Group("publicity", _("Công khai, minh bạch"), 18),
    Group("progress", _("Tiến độ, kết quả giải quyết"), 20),
    Group("digitisation", _("Số hóa hồ sơ"), 22),
    Group("online", _("Cung cấp dịch vụ công trực tuyến, thanh toán trực tuyến"), 22),
    Group("satisfaction", _("Mức độ hài lòng"), 18),
)

D = Decimal
VERSIONS: dict[str, tuple[Component, ...]] = {
    # Vendor split as published by the provincial portals in 2023–2024; the unsure parts are marked.
    "2023.1": (
        Component("publication_on_time", "publicity", _("Công khai TTHC đúng hạn"), D(4), certain=True),
        Component("publicity_other", "publicity", _("Các tiêu chí công khai khác"), D(14)),
        Component(
            "timeliness",
            "progress",
            _("Hồ sơ giải quyết trước, đúng hạn và đang giải quyết trong hạn / tổng số phải giải quyết"),
            D(20),
            "resolved_in_time",
            "handled",
            certain=True,
            plus=("open_end_on_time",),
        ),
        Component(
            "digitised_dossiers",
            "digitisation",
            _("Số hóa hồ sơ khi tiếp nhận"),
            D(6),
            "digitised",
            "not_online_received",
        ),
        Component(
            "digitised_results", "digitisation", _("Số hóa kết quả giải quyết"), D(4), "results_signed", "resolved"
        ),
        Component("reuse", "digitisation", _("Khai thác, tái sử dụng dữ liệu số hóa"), D(2)),
        Component("digitisation_other", "digitisation", _("Các tiêu chí số hóa khác"), D(10)),
        Component(
            "online_supply",
            "online",
            _("Thủ tục có dịch vụ công trực tuyến / tổng số thủ tục"),
            D(2),
            "procedures_online",
            "procedures",
        ),
        Component(
            "full_supply",
            "online",
            _("Thủ tục toàn trình / thủ tục có dịch vụ công trực tuyến"),
            D(4),
            "procedures_full",
            "procedures_online",
        ),
        Component(
            "online_dossiers",
            "online",
            _("Hồ sơ trực tuyến / hồ sơ tiếp nhận"),
            D(6),
            "received_online",
            "received_new",
        ),
        Component(
            "payment_supply",
            "online",
            _("Thủ tục có phí thanh toán trực tuyến được / thủ tục có phí"),
            D(2),
            "procedures_fee_online",
            "procedures_fee",
        ),
        Component("payment_other", "online", _("Kết nối thanh toán, đối soát"), D(2)),
        Component(
            "payment_dossiers",
            "online",
            _("Hồ sơ thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính"),
            D(6),
            "paid_online",
            "fee_dossiers",
        ),
        Component(
            "satisfaction_tthc",
            "satisfaction",
            _("Hài lòng khi giải quyết TTHC"),
            D(6),
            "satisfied",
            "rated",
            certain=True,
        ),
        Component(
            "satisfaction_other", "satisfaction", _("Hài lòng về phản ánh kiến nghị và các tiêu chí khác"), D(12)
        ),
    ),
}


def components(version: str | None = None) -> tuple[Component, ...]:
    """The components of `version` (the setting's by default) with the points the settings give."""
    chosen = VERSIONS[version or settings.REPORTS_766_VERSION]
    overrides: Mapping[str, object] = getattr(settings, "REPORTS_766_POINTS", {}) or {}
    return tuple(
        Component(**{**c.__dict__, "points": D(str(overrides[c.key]))}) if c.key in overrides else c for c in chosen
    )


@dataclass(frozen=True)
class Score:
    component: Component
    ratio: Ratio | None
    points: Decimal | None  # None: no data


@dataclass(frozen=True)
class Index:
    scores: tuple[Score, ...]

    @property
    def total(self) -> Decimal:
        return sum((s.points for s in self.scores if s.points is not None), D(0))

    @property
    def measured_max(self) -> Decimal:
        """The points the platform can measure today (the rest: no data yet)."""
        return sum((s.component.points for s in self.scores if s.points is not None), D(0))

    def group_total(self, group: str) -> Decimal:
        return sum((s.points for s in self.scores if s.component.group == group and s.points is not None), D(0))


def score(counts: Counts, version: str | None = None) -> Index:
    """The index over one set of counts (report counts and catalogue counts together)."""
    out = []
    for c in components(version):
        if not c.has_data:
            out.append(Score(c, None, None))
            continue
        num = int(counts.get(c.numerator) or 0) + sum(int(counts.get(k) or 0) for k in c.plus)
        r = Ratio(num, int(counts.get(c.denominator) or 0))
        pts = None if not r.denominator else (r.fraction * c.points).quantize(D("0.01"), rounding=ROUND_HALF_UP)
        out.append(Score(c, r, pts))
    return Index(tuple(out))

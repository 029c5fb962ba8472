"""The one-stop desk's official slips (receipt, supplement request, refusal) as PDF, from plain data."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit, urlunsplit
from urllib.request import url2pathname

import segno
from django.template.loader import render_to_string

from egov.core.clock import ensure_aware

if TYPE_CHECKING:
    import weasyprint


class SlipKind(StrEnum):
    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    STOP = "stop"
    APOLOGY = "apology"


@dataclass(frozen=True)
class SlipForm:
    """One model form: its number in the appendix and its printed title."""

    number: str
    title: str


# The model forms of Thông tư 01/2018/TT-VPCP (Mẫu số 01–03). The wording in force after the 2025
# reform of the one-stop rules is still to be confirmed: change numbers and titles here, nowhere else.
SLIP_FORMS: dict[SlipKind, SlipForm] = {
    SlipKind.RECEIPT: SlipForm("Mẫu số 01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    SlipKind.SUPPLEMENT: SlipForm("Mẫu số 02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    SlipKind.REFUSAL: SlipForm("Mẫu số 03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    # Issued when the applicant withdraws or the agency stops processing (DESIGN.md §3). TT 01/2018 has
    # no model form for it (its Mẫu 04-06 are the apology, the control slip and the register).
    SlipKind.STOP: SlipForm("", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    SlipKind.APOLOGY: SlipForm("Mẫu số 04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
}
# Derived from SLIP_FORMS so the two can never disagree; edit SLIP_FORMS.
SLIP_TITLES: dict[SlipKind, str] = {kind: form.title for kind, form in SLIP_FORMS.items()}

# The place printed before the date ("Lâm Đồng, ngày ... tháng ... năm ...").
SLIP_PLACE = "Lâm Đồng"
# Only a slip received at the desk carries the applicant's signature; online and postal ones cannot.
CHANNEL_IN_PERSON = "Trực tiếp"

_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "dossiers" / "slips"
# Version of the canonical form the content hash is computed over: bump it if that form changes.
_HASH_VERSION = 1


@dataclass(frozen=True)
class SlipComponent:
    name: str
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class SlipData:
    kind: SlipKind
    dossier_code: str
    procedure_code: str
    procedure_name: str
    agency_name: str
    parent_agency_name: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    channel_label: str
    issued_at: datetime
    officer_name: str
    tracking_url: str
    received_at: datetime | None = None
    due_at: datetime | None = None
    due_explanation: str = ""
    components: tuple[SlipComponent, ...] = ()
    items: tuple[str, ...] = ()
    reason: str = ""
    location_for_result: str = ""


def _normalized(value: Any) -> Any:
    """`value` with text in NFC and moments in Asia/Ho_Chi_Minh, recursively.

    Vietnamese typed on some keyboards arrives decomposed (NFD): it must print the same and hash the same.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, datetime):
        return ensure_aware(value)
    if isinstance(value, tuple):
        return tuple(_normalized(item) for item in value)
    if isinstance(value, SlipComponent | SlipData):
        return replace(value, **{f.name: _normalized(getattr(value, f.name)) for f in fields(value)})
    return value


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a normalized value (datetimes as ISO 8601, dataclasses as objects)."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, SlipComponent | SlipData):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    return value


def slip_to_json(data: SlipData) -> dict[str, Any]:
    """What is stored with the dossier, so the same slip can be printed again and verified later."""
    plain: dict[str, Any] = _plain(_normalized(data))
    return plain


def slip_from_json(raw: dict[str, Any]) -> SlipData:
    values = dict(raw)
    values["kind"] = SlipKind(values["kind"])
    values["components"] = tuple(SlipComponent(**c) for c in values.get("components") or ())
    values["items"] = tuple(values.get("items") or ())
    for name in ("issued_at", "received_at", "due_at"):
        if values.get(name):
            values[name] = datetime.fromisoformat(values[name])
    return SlipData(**values)


def slip_content_hash(data: SlipData) -> str:
    """SHA-256 (hex) of a canonical JSON of every field: the same slip always gives the same hash."""
    canonical = {"v": _HASH_VERSION, **_plain(_normalized(data))}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def slip_verification_code(data: SlipData) -> str:
    """The code printed on the slip: the first 16 hex characters of the hash, upper case, in fours."""
    head = slip_content_hash(data)[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def slip_verification_url(data: SlipData) -> str:
    """The public tracking page with the dossier code and the short hash, for the slip's QR code."""
    parts = urlsplit(data.tracking_url)
    query = urlencode({"ma": _normalized(data.dossier_code), "h": slip_content_hash(data)[:16]})
    # Keep any query the tracking URL already has (e.g. a language switch).
    query = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def date_line(moment: datetime) -> str:
    """`ngày 05 tháng 02 năm 2026`: days below 10 and months 1–2 take a leading zero (Nghị định 30/2020/NĐ-CP)."""
    month = f"{moment.month:02d}" if moment.month <= 2 else str(moment.month)
    return f"ngày {moment.day:02d} tháng {month} năm {moment.year}"


def qr_data_uri(text: str) -> str:
    """`text` as a QR code in an inline SVG data URI, for any printed form (slips, receipts)."""
    # Inline SVG, so nothing is written to disk and WeasyPrint fetches nothing; border 4 is the quiet zone
    # the QR standard asks for, kept inside the image so a frame drawn around it cannot eat into it.
    return str(segno.make(text, error="m", micro=False).svg_data_uri(scale=1, border=4, dark="#000"))


def _check(data: SlipData) -> None:
    """Refuse to print a slip the model form would not allow: each kind needs its own facts."""
    if data.kind == SlipKind.RECEIPT and (data.received_at is None or data.due_at is None):
        raise ValueError("Giấy tiếp nhận cần thời điểm nhận và thời điểm hẹn trả kết quả.")
    if data.kind == SlipKind.SUPPLEMENT and not any(item.strip() for item in data.items):
        raise ValueError("Phiếu yêu cầu bổ sung phải nêu ít nhất một nội dung cần bổ sung, hoàn thiện.")
    if data.kind in (SlipKind.REFUSAL, SlipKind.STOP, SlipKind.APOLOGY) and not data.reason.strip():
        raise ValueError("Phiếu từ chối, thông báo dừng hay phiếu xin lỗi phải nêu rõ lý do.")
    if data.kind == SlipKind.APOLOGY and data.due_at is None:
        raise ValueError("Phiếu xin lỗi phải hẹn lại ngày trả kết quả.")


def slip_context(data: SlipData) -> dict[str, Any]:
    """What the templates print, every date already written out the Vietnamese way."""
    _check(data)
    slip = _normalized(replace(data, kind=SlipKind(data.kind)))
    received, due = slip.received_at, slip.due_at
    verification_url = slip_verification_url(slip)
    return {
        "slip": slip,
        "form": SLIP_FORMS[slip.kind],
        "place_date": f"{SLIP_PLACE}, {date_line(slip.issued_at)}",
        "received_text": f"{received:%H:%M}, ngày {received:%d/%m/%Y}" if received else "",
        "due_text": f"{due:%H} giờ {due:%M} phút, {date_line(due)}" if due else "",
        "components": slip.components,
        "items": [item for item in slip.items if item.strip()],
        "applicant_signs": slip.channel_label == CHANNEL_IN_PERSON,
        "verification_code": slip_verification_code(slip),
        "verification_url": verification_url,
        "qr_uri": qr_data_uri(verification_url),
    }


def slip_html(data: SlipData) -> str:
    """The slip as HTML, through Django's template engine (base template plus one per kind)."""
    return render_to_string(f"dossiers/slips/{SlipKind(data.kind).value}.html", slip_context(data))


@cache
def _offline_fetcher_class() -> type:
    """Built on first use: importing WeasyPrint costs about a second, which issuing a slip does not need."""
    import weasyprint

    class OfflineFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
        """Lets WeasyPrint read the slip's own stylesheet and data: URIs, and nothing else.

        A slip must render the same with no network, and no text on it may make the server fetch a URL.
        """

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:") or (url.startswith("file:") and url.endswith(".css") and _in_template_dir(url)):
                return super().fetch(url, headers)
            raise ValueError(f"Phiếu không được tải tài nguyên bên ngoài: {url[:80]}")

    return OfflineFetcher


def _in_template_dir(url: str) -> bool:
    path = Path(url2pathname(urlsplit(url).path)).resolve()
    return path.parent == _TEMPLATE_DIR


@cache
def _base_url() -> str:
    return _TEMPLATE_DIR.as_uri() + "/"


def render_slip_document(data: SlipData) -> weasyprint.Document:
    """The laid-out slip (pages, boxes): what `render_slip` writes, and what tests inspect."""
    return render_html_document(slip_html(data))


def render_html(html_text: str) -> bytes:
    """Any of the desk's printed forms (slips, the control slip) as PDF, offline, with the slips' stylesheet."""
    return bytes(render_html_document(html_text).write_pdf())


def render_html_document(html_text: str) -> weasyprint.Document:
    import weasyprint
    import weasyprint.urls

    html = weasyprint.HTML(
        string=html_text, base_url=_base_url(), url_fetcher=_offline_fetcher_class()(fail_on_errors=True)
    )
    try:
        return html.render()
    except weasyprint.urls.FatalURLFetchingError as error:
        # WeasyPrint raises a BaseException here, which `except Exception` in a view or task would miss.
        raise RuntimeError(f"Không in được phiếu: {error}") from error


def render_slip(data: SlipData) -> bytes:
    """The slip as a PDF (A5 portrait)."""
    return bytes(render_slip_document(data).write_pdf())

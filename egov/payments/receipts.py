"""The electronic receipt (biên lai điện tử): its data, content hash, verification link and PDF.

Like the desk's slips, the data printed is stored with its SHA-256 when the receipt is issued, and the PDF
is rendered from that data whenever it is opened, so it is always the same receipt.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from egov.core.clock import ensure_aware
from egov.dossiers.slips import SLIP_PLACE, date_line, qr_data_uri, render_html

from .models import Receipt

# Version of the canonical form the hash is computed over: bump it if that form changes.
HASH_VERSION = 1
# Receipt series (ký hiệu) per year: to be confirmed with the provincial tax office; configurable here.
SERIES_FORMAT = "BL{yy}E"

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _three(n: int, full: bool) -> list[str]:
    """Words for 0-999; `full` reads the hundreds even when zero ("không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        else:
            words.append(_DIGITS[units])
    return words


def amount_in_words(amount: int) -> str:
    """150000 → "Một trăm năm mươi nghìn đồng" (the "Bằng chữ" line of a receipt)."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        groups.append(amount % 1000)
        amount //= 1000
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        if groups[i] == 0:
            continue
        words += _three(groups[i], full=bool(words)) + ([_GROUPS[i]] if _GROUPS[i] else [])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def receipt_normalized(data: dict[str, Any]) -> dict[str, Any]:
    """What is stored: text in NFC (so the same name typed decomposed hashes the same)."""
    normalized: dict[str, Any] = _nfc(data)
    return normalized


def receipt_content_hash(data: dict[str, Any]) -> str:
    """SHA-256 (hex) of a canonical JSON of the printed data: sorted keys, no spaces, NFC, a version."""
    canonical = {"v": HASH_VERSION, **receipt_normalized(data)}
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def receipt_verification_code(receipt: Receipt) -> str:
    head = receipt.content_hash[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def receipt_verification_url(receipt: Receipt) -> str:
    query = urlencode({"ma": str(receipt.public_id), "h": receipt.content_hash[:16]})
    return f"{settings.PUBLIC_BASE_URL}{reverse('payments:receipt_verify')}?{query}"


def receipt_intact(receipt: Receipt) -> bool:
    """Nobody changed the row since it was issued: the stored data still gives the stored hash, and the
    columns read beside it (series, number, total, moment) still say what the data says."""
    data = receipt.data
    try:
        issued = ensure_aware(datetime.fromisoformat(data["issued_at"]))
    except (KeyError, TypeError, ValueError):
        return False
    columns = (receipt.series, receipt.number, receipt.total, ensure_aware(receipt.issued_at))
    return receipt_content_hash(data) == receipt.content_hash and columns == (
        data.get("series"),
        data.get("number"),
        data.get("total"),
        issued,
    )


def _grouped(amount: int) -> str:
    return f"{int(amount):,}".replace(",", ".")


def receipt_html(receipt: Receipt) -> str:
    """The receipt as HTML; amounts grouped the Vietnamese way, dates as on the desk's slips."""
    url = receipt_verification_url(receipt)
    data = receipt.data
    issued, paid = (ensure_aware(datetime.fromisoformat(data[k])) for k in ("issued_at", "paid_at"))
    return render_to_string(
        "payments/receipt_pdf.html",
        {
            "r": {
                **data,
                "lines": [{**line, "amount": _grouped(line["amount"])} for line in data["lines"]],
                "total": _grouped(data["total"]),
            },
            "place_date": f"{SLIP_PLACE}, {date_line(issued)}",
            "paid_text": f"{paid:%H:%M} ngày {paid:%d/%m/%Y}",
            "verification_code": receipt_verification_code(receipt),
            "verification_url": url,
            "qr_uri": qr_data_uri(url),
        },
    )


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as an A5 PDF, offline, with the desk's slip stylesheet."""
    return render_html(receipt_html(receipt))

"""Writes to electronic results: keep a dossier's result draft, make the standard letter, sign the result.

These run inside the dossier service's transaction (`egov.dossiers.services`), which has already
decided that `actor` may act on the dossier's open step: records comes before workflow and dossiers
and cannot ask them. Files are stored through Django's storage; if this function fails, what it stored
is deleted again, and the caller deletes it if its own transaction fails afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.core.audit import audit_record
from egov.core.clock import Clock, ensure_aware, system_clock
from egov.core.errors import DomainError
from egov.org.models import Agency

from . import pki, signing
from .models import Result, ResultCounter

RenderPdf = Callable[[str], bytes]
PLACE = "Lâm Đồng"


@dataclass(frozen=True)
class LetterData:
    """What the standard letter (Thông báo kết quả giải quyết hồ sơ) prints."""

    agency_name: str
    parent_agency_name: str
    dossier_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    received_on: str
    text: str
    verify_url: str
    number: str = ""
    place_date: str = ""
    signer_name: str = ""
    signed_text: str = ""
    signed: bool = False


def _date_line(moment: datetime) -> str:
    # As on the slips (Nghị định 30/2020/NĐ-CP): days below 10 and months 1-2 take a leading zero.
    month = f"{moment.month:02d}" if moment.month <= 2 else str(moment.month)
    return f"ngày {moment.day:02d} tháng {month} năm {moment.year}"


def letter_data(*, dossier: Any, agency: Agency, text: str) -> LetterData:
    """The letter as a draft: no number, no date, not signed."""
    received = dossier.received_at
    return LetterData(
        agency_name=agency.name,
        parent_agency_name=agency.parent.name if agency.parent_id else "",  # type: ignore[union-attr]
        dossier_code=dossier.code or "",
        procedure_name=dossier.procedure_name,
        applicant_name=dossier.applicant_name,
        applicant_address=dossier.applicant_address,
        received_on=f"{ensure_aware(received):%d/%m/%Y}" if received else "",
        text=text.strip(),
        verify_url=f"{settings.PUBLIC_BASE_URL}{reverse('records:verify')}",
        place_date=f"{PLACE}, ngày …… tháng …… năm ……",
    )


def letter_html(data: LetterData) -> str:
    return render_to_string("records/result_letter.html", {"letter": asdict(data)})


@contextmanager
def _removed_on_failure(names: list[str]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for name in names:
            default_storage.delete(name)
        raise


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("results are written inside the dossier service's transaction")


def _locked_result(dossier: Any) -> Result | None:
    return Result.objects.select_for_update(of=("self",)).filter(dossier=dossier).first()


def _keep_draft(
    *, actor: Any, dossier: Any, content: bytes, source: str, text: str, filename: str, clock: Clock
) -> Result:
    _require_transaction()
    try:
        signing.check_signable(content)
    except signing.UnreadablePdf as exc:
        raise DomainError(
            "records.unreadable_pdf", _("Tệp PDF kết quả bị hỏng, bị khóa bằng mật khẩu hoặc không đọc được.")
        ) from exc
    result = _locked_result(dossier)
    if result is not None and result.is_signed:
        raise DomainError("records.signed", _("Kết quả đã được ký số; không thay đổi được nữa."))
    old_name = result.draft_file.name if result is not None else ""
    result = result or Result(dossier=dossier)
    result.source, result.text, result.original_filename = source, text, filename[:255]
    result.draft_sha256 = signing.sha256_hex(content)
    result.drafted_by, result.drafted_at = actor, clock.now()
    names: list[str] = []
    with _removed_on_failure(names):
        result.draft_file.save("draft.pdf", ContentFile(content), save=False)
        names.append(result.draft_file.name or "")
        result.save()
        audit_record(
            actor=actor,
            action="records.result.draft",
            obj=result,
            changes={"source": source, "sha256": result.draft_sha256},
            clock=clock,
        )
    if old_name:  # the previous draft is no longer needed once this one is committed
        transaction.on_commit(lambda: default_storage.delete(old_name))
    return result


def result_draft_save(
    *, actor: Any, dossier: Any, content: bytes, filename: str = "", clock: Clock = system_clock
) -> Result:
    """Keep an uploaded PDF (already checked by the caller: type, size, viruses) as the dossier's result draft."""
    return _keep_draft(
        actor=actor,
        dossier=dossier,
        content=content,
        source=Result.Source.UPLOAD,
        text="",
        filename=filename,
        clock=clock,
    )


def result_generate(
    *, actor: Any, dossier: Any, agency: Agency, text: str, render_pdf: RenderPdf, clock: Clock = system_clock
) -> Result:
    """Make the standard letter (Thông báo kết quả giải quyết hồ sơ) from `text` and keep it as the draft.

    `render_pdf` turns HTML into PDF (the dossiers' offline WeasyPrint renderer).
    """
    if not text.strip():
        raise DomainError("records.text_required", _("Cần nhập nội dung kết quả giải quyết."))
    content = render_pdf(letter_html(letter_data(dossier=dossier, agency=agency, text=text)))
    return _keep_draft(
        actor=actor,
        dossier=dossier,
        content=content,
        source=Result.Source.LETTER,
        text=text.strip(),
        filename="",
        clock=clock,
    )


def _number_take(agency: Agency, at: datetime) -> str:
    """The agency's next result number of the year; the counter row stays locked until commit (gap-free)."""
    table = connection.ops.quote_name(ResultCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, at.year],
        )
        (sequence,) = cursor.fetchone()
    return f"{sequence:02d}/{at.year}/KQ"


def result_sign(
    *, actor: Any, dossier: Any, agency: Agency, render_pdf: RenderPdf, clock: Clock = system_clock
) -> Result:
    """Sign the dossier's result draft with `agency`'s certificate, on behalf of `actor` (a leader).

    The standard letter is printed again with its number, date and signer before it is signed; an
    uploaded PDF is signed as it is. The caller has checked that `actor` may sign for `agency`.
    """
    _require_transaction()
    result = _locked_result(dossier)
    if result is None:
        raise DomainError("records.no_draft", _("Chưa có dự thảo kết quả để ký."))
    if result.is_signed:
        return result
    now = clock.now()
    signer_name = (getattr(actor, "full_name", "") or str(actor))[:200]
    number = _number_take(agency, now)
    if result.source == Result.Source.LETTER:
        data = letter_data(dossier=dossier, agency=agency, text=result.text)
        data = LetterData(
            **{
                **asdict(data),
                "number": number,
                "place_date": f"{PLACE}, {_date_line(now)}",
                "signer_name": signer_name,
                "signed_text": f"{now:%H:%M} {now:%d/%m/%Y}",
                "signed": True,
            }
        )
        content = render_pdf(letter_html(data))
    else:
        with result.draft_file.open("rb") as kept:
            content = kept.read()
    signed = signing.sign_pdf(
        content,
        credentials=pki.agency_credentials(agency, clock=clock),
        passphrase=settings.SIGNING_KEY_PASSPHRASE,
        signer_name=signer_name,
        reason=_("Kết quả giải quyết hồ sơ %(code)s, số %(number)s") % {"code": dossier.code, "number": number},
        location=PLACE,
        at=now,
    )
    result.number, result.signed_at, result.signer, result.signer_name = number, now, actor, signer_name
    result.agency, result.agency_name = agency, agency.name
    result.sha256, result.size = signing.sha256_hex(signed), len(signed)
    names: list[str] = []
    with _removed_on_failure(names):
        result.file.save("signed.pdf", ContentFile(signed), save=False)
        names.append(result.file.name or "")
        result.save()
        audit_record(
            actor=actor,
            action="records.result.sign",
            obj=result,
            changes={"number": number, "agency": agency.eid_code, "sha256": result.sha256},
            clock=clock,
        )
    return result

"""Helpers for tests that drive a dossier to its result: a signable PDF, and a result draft."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.writer import PdfFileWriter


def blank_pdf() -> bytes:
    """A real one-page PDF (the tests' 40-byte stand-in cannot be signed)."""
    writer = PdfFileWriter()
    writer.insert_page(
        generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Page"),
                generic.NameObject("/MediaBox"): generic.ArrayObject(
                    [generic.NumberObject(n) for n in (0, 0, 595, 842)]
                ),
                generic.NameObject("/Resources"): generic.DictionaryObject(),
            }
        )
    )
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def result_upload(name: str = "quyet-dinh.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or blank_pdf(), content_type="application/pdf")


def result_draft(dossier: Any, actor: Any, clock: Any) -> Any:
    """Attach an uploaded PDF as the dossier's result draft (before the leader's step)."""
    from egov.dossiers import services

    return services.dossier_result_prepare(actor=actor, dossier=dossier, upload=result_upload(), clock=clock)

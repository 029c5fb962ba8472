"""Reads of electronic results: a dossier's result, and checking a PDF someone hands us."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import pki, signing
from .models import Result


def result_for_dossier(dossier: Any) -> Result | None:
    """The dossier's result (draft or signed), or None. Callers have already checked who may see the dossier."""
    return Result.objects.filter(dossier=dossier).select_related("agency").first()


def result_signed_for_dossier(dossier: Any) -> Result | None:
    return Result.objects.filter(dossier=dossier, signed_at__isnull=False).first()


@dataclass(frozen=True)
class ResultCheck:
    """The public verification page's answer: the signature, and whether we issued exactly this file."""

    verification: signing.Verification
    issued: Result | None

    @property
    def dossier_code(self) -> str:
        return str(self.issued.dossier.code) if self.issued else ""

    @property
    def procedure_name(self) -> str:
        return str(self.issued.dossier.procedure_name) if self.issued else ""


def result_check(data: bytes, *, at: datetime | None = None) -> ResultCheck:
    """Verify a PDF's signature against the province's trust roots and look its SHA-256 up in our results."""
    verification = signing.verify_pdf(data, roots=pki.trust_roots(), at=at)
    issued = (
        Result.objects.filter(sha256=verification.sha256, signed_at__isnull=False)
        .select_related("dossier")
        .only("number", "signed_at", "agency_name", "signer_name", "dossier__code", "dossier__procedure_name")
        .first()
    )
    return ResultCheck(verification=verification, issued=issued)

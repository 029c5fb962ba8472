"""Signing a result PDF (PAdES, pyHanko) with an agency's certificate, and verifying any signed PDF.

Pure functions on bytes: no database, no clock of their own (the signing time is given). The
signature field is invisible: pyHanko's visible stamp needs HarfBuzz to draw Vietnamese, and the
standard letter already prints who signed, when and the number (docs/results.md).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
from pyhanko.pdf_utils import misc
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .pki import Credentials

FIELD_NAME = "KetQuaGiaiQuyet"


class UnreadablePdf(ValueError):
    """Not a PDF pyHanko can open (damaged, encrypted, not a PDF at all)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_signable(data: bytes) -> int:
    """The number of pages of a PDF we could sign; UnreadablePdf if it cannot be signed."""
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        if reader.encrypted:
            raise UnreadablePdf("encrypted")
        pages = int(reader.root["/Pages"]["/Count"])
    except UnreadablePdf:
        raise
    except Exception as exc:  # pyHanko raises many kinds on a broken file; all mean the same here
        raise UnreadablePdf(str(exc)) from exc
    if pages < 1:
        raise UnreadablePdf("no page")
    return pages


def _signer(credentials: Credentials, passphrase: str = "") -> signers.SimpleSigner:
    (cert,) = load_certs_from_pemder_data(credentials.cert_pem)
    key = load_private_key_from_pemder_data(credentials.key_pem, passphrase.encode() if passphrase else None)
    chain = list(load_certs_from_pemder_data(credentials.chain_pem)) if credentials.chain_pem else []
    return signers.SimpleSigner(
        signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore.from_certs([cert, *chain])
    )


async def _sign(writer: IncrementalPdfFileWriter, pdf_signer: signers.PdfSigner, at: datetime) -> BytesIO:
    # PdfSigner.sign_pdf always takes the machine's clock; these are its steps with the given time instead.
    session = pdf_signer.init_signing_session(writer)
    session.system_time = at
    validation_info = await session.perform_presign_validation(writer)
    reserved = await session.estimate_signature_container_size(validation_info, tight=False)
    tbs = session.prepare_tbs_document(validation_info=validation_info, bytes_reserved=reserved)
    prepared, output = tbs.digest_tbs_document(output=BytesIO())
    signed = await tbs.perform_signature(
        document_digest=prepared.document_digest,
        pdf_cms_signed_attrs=PdfCMSSignedAttributes(signing_time=at),
    )
    await signed.post_signature_processing(output)
    result: BytesIO = misc.finalise_output(None, output)
    return result


def sign_pdf(
    data: bytes,
    *,
    credentials: Credentials,
    signer_name: str,
    reason: str,
    location: str,
    at: datetime,
    passphrase: str = "",
) -> bytes:
    """`data` with a PAdES signature (SHA-256) by the agency's certificate, made at `at`."""
    check_signable(data)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        meta, _signer(credentials, passphrase), new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME)
    )
    writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
    return _run(_sign(writer, pdf_signer, at)).getvalue()


def _run(work: Any) -> Any:
    return asyncio.run(work)


@dataclass(frozen=True)
class Verification:
    """What a signed PDF says about itself, checked against the trust roots."""

    sha256: str
    readable: bool = False
    signed: bool = False
    intact: bool = False  # the signed bytes are unchanged and the signature matches them
    modified_after: bool = False  # something was added after the signature
    trusted: bool = False  # the signer's certificate chains to a trusted root and was valid
    signer_name: str = ""  # the person named in the signature
    certificate_subject: str = ""  # the agency the certificate was issued to
    certificate_issuer: str = ""
    signed_at: datetime | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and not self.modified_after and self.trusted


def _name(name: asn1_x509.Name) -> str:
    common = name.native.get("common_name")
    return str(common) if common else str(name.human_friendly)


def verify_pdf(data: bytes, *, roots: list[bytes], at: datetime | None = None) -> Verification:
    """Check the last signature of `data`: intact, nothing added after it, chaining to one of `roots` (PEM)."""
    digest = sha256_hex(data)
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:
        return Verification(sha256=digest, problem=f"unreadable: {type(exc).__name__}")
    if not signatures:
        return Verification(sha256=digest, readable=True)
    signature = signatures[-1]
    trust = [cert for pem in roots for cert in load_certs_from_pemder_data(pem)]
    context = ValidationContext(trust_roots=trust, allow_fetching=False, moment=at)
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # a damaged signature (bad byte range, unparsable CMS): not intact
        return Verification(sha256=digest, readable=True, signed=True, problem=f"invalid: {type(exc).__name__}")
    name = signature.sig_object.get("/Name")
    cert = status.signing_cert
    return Verification(
        sha256=digest,
        readable=True,
        signed=True,
        intact=bool(status.intact and status.valid),
        modified_after=status.coverage != SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        signer_name=str(name) if name is not None else "",
        certificate_subject=_name(cert.subject),
        certificate_issuer=_name(cert.issuer),
        signed_at=status.signer_reported_dt,
    )

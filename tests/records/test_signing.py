"""Signing and verifying a result PDF; the demo CA and the agencies' certificates (no database)."""

from types import SimpleNamespace

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from egov.core.errors import DomainError
from egov.records import pki, signing
from tests.records.helpers import blank_pdf

AGENCY = SimpleNamespace(pk=7, name="Sở Xây dựng tỉnh Lâm Đồng", eid_code="000.00.02.H39", parent=None)


def _signed(clock, agency=AGENCY):
    return signing.sign_pdf(
        blank_pdf(),
        credentials=pki.agency_credentials(agency, clock=clock),
        signer_name="Lê Minh Tuấn",
        reason="Kết quả giải quyết hồ sơ",
        location="Lâm Đồng",
        at=clock.now(),
    )


def test_signed_then_verified(clock):
    data = _signed(clock)
    check = signing.verify_pdf(data, roots=pki.trust_roots())
    assert check.ok and check.intact and check.trusted and not check.modified_after
    assert check.signer_name == "Lê Minh Tuấn"
    assert check.certificate_subject == "Sở Xây dựng tỉnh Lâm Đồng"
    assert check.certificate_issuer == pki.DEMO_CA_NAME
    assert check.signed_at == clock.now()  # the injected clock, not the machine's
    assert check.sha256 == signing.sha256_hex(data)


def test_one_changed_byte_breaks_the_signature(clock):
    data = bytearray(_signed(clock))
    data[len(blank_pdf()) // 2] ^= 0x01  # inside the original page, covered by the signature
    check = signing.verify_pdf(bytes(data), roots=pki.trust_roots())
    assert check.signed and not check.intact and not check.ok


def test_anything_added_after_signing_is_seen(clock):
    data = _signed(clock) + b"\n1000 0 obj\n(added later)\nendobj\n"
    check = signing.verify_pdf(data, roots=pki.trust_roots())
    assert check.modified_after and not check.ok


def test_a_pdf_signed_under_another_ca_is_not_trusted(clock, settings, tmp_path):
    ours = pki.trust_roots()
    settings.SIGNING_DIR = tmp_path / "elsewhere"  # someone else's "demo CA" with the same names
    forged = _signed(clock)
    check = signing.verify_pdf(forged, roots=ours)
    assert check.intact and not check.trusted and not check.ok
    assert check.certificate_subject == "Sở Xây dựng tỉnh Lâm Đồng"  # the name alone proves nothing


def test_unsigned_and_unreadable_files(clock):
    assert not signing.verify_pdf(blank_pdf(), roots=pki.trust_roots()).signed
    junk = signing.verify_pdf(b"%PDF-1.4 not really", roots=pki.trust_roots())
    assert not junk.signed and not junk.ok
    with pytest.raises(signing.UnreadablePdf):
        signing.check_signable(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_the_demo_ca_and_agency_certificates_are_made_once(clock, settings):
    ca = pki.demo_ca_ensure(clock=clock)
    first = ca.read_bytes()
    assert pki.demo_ca_ensure(clock=clock).read_bytes() == first
    credentials = pki.agency_credentials(AGENCY, clock=clock)
    assert pki.agency_credentials(AGENCY, clock=clock) == credentials
    assert (ca.parent / "key.pem").stat().st_mode & 0o077 == 0  # keys readable by their owner only

    cert = x509.load_pem_x509_certificate(credentials.cert_pem)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == AGENCY.name
    assert cert.subject.get_attributes_for_oid(NameOID.USER_ID)[0].value == AGENCY.eid_code
    usage = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    root = x509.load_pem_x509_certificate(first)
    assert cert.issuer == root.subject and "KHÔNG dùng cho giao dịch thật" in root.subject.rfc4514_string()


def test_without_the_demo_ca_an_agency_needs_its_own_certificate(clock, settings, tmp_path):
    settings.SIGNING_DEMO_CA = False
    with pytest.raises(DomainError, match="chưa có chứng thư số"):
        pki.agency_credentials(AGENCY, clock=clock)
    assert pki.trust_roots() == []
    # Production: the real CA's root is trusted through SIGNING_TRUST_ROOTS.
    settings.SIGNING_DEMO_CA = True
    root = pki.demo_ca_ensure(clock=clock)
    settings.SIGNING_DEMO_CA, settings.SIGNING_TRUST_ROOTS = False, [str(root)]
    assert pki.trust_roots() == [root.read_bytes()]


def test_pki_demo_command_creates_the_ca_once(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("pki_demo", stdout=out)
    first = (pki.signing_dir() / "ca" / "cert.pem").read_bytes()
    call_command("pki_demo", stdout=out)
    assert pki.DEMO_CA_NAME in out.getvalue() and (pki.signing_dir() / "ca" / "cert.pem").read_bytes() == first

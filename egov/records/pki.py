"""The keys and certificates results are signed with: a demo CA, one signing certificate per agency, the trust roots.

Everything is PEM files under `settings.SIGNING_DIR`:

    ca/cert.pem, ca/key.pem                       the demo CA (only while SIGNING_DEMO_CA is on)
    agencies/<e-ID code>/cert.pem, key.pem         the agency's signing certificate and key
    agencies/<e-ID code>/chain.pem                 the certificates between it and the root (optional)

With the demo CA on, an agency's certificate is issued the first time it signs. In production the
files come from a real CA (docs/results.md) and SIGNING_DEMO_CA is off. Creation is idempotent and
safe under concurrency: each set of files is written into a fresh folder that is then renamed into
place, so a second process either wins the rename or reads what the first one wrote.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _

from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError

# A certificate's name parts are at most 64 characters each; the warning has its own.
DEMO_CA_NAME = "egov Demo CA – Lâm Đồng"
DEMO_CA_WARNING = "KHÔNG dùng cho giao dịch thật (dữ liệu mẫu)"
DEMO_CA_ORGANISATION = "egov"
CA_YEARS = 10
AGENCY_YEARS = 3
_KEY_BITS = 2048  # what the Vietnamese public CAs issue; Adobe Reader and pyHanko both accept it


@dataclass(frozen=True)
class Credentials:
    """An agency's signing key and certificate, and the chain up to (and including) its root."""

    cert_pem: bytes
    key_pem: bytes
    chain_pem: bytes


def signing_dir() -> Path:
    return Path(settings.SIGNING_DIR)


def _ca_dir() -> Path:
    return signing_dir() / "ca"


def _agency_dir(agency: Any) -> Path:
    # e-ID codes are [0-9A-Z.]; anything else (a test agency) is made safe for a folder name.
    name = re.sub(r"[^0-9A-Za-z.-]", "_", agency.eid_code or f"agency-{agency.pk}")
    return signing_dir() / "agencies" / name


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_BITS)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _place(target: Path, files: dict[str, bytes]) -> None:
    """Write `files` into `target` at once (a folder renamed into place); if it already exists, keep it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".new-", dir=target.parent))
    try:
        for name, content in files.items():
            path = staging / name
            path.write_bytes(content)
            if name.startswith("key"):
                path.chmod(0o600)
        try:
            os.rename(staging, target)
        except OSError:
            if not (target / "cert.pem").exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def demo_ca_ensure(*, clock: Clock = system_clock) -> Path:
    """Create the demo CA if it is not there yet; return its certificate's path. Idempotent."""
    folder = _ca_dir()
    if not (folder / "cert.pem").exists():
        now = clock.now()
        key = _key()
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Lâm Đồng"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_CA_ORGANISATION),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_CA_WARNING),
                x509.NameAttribute(NameOID.COMMON_NAME, DEMO_CA_NAME),
            ]
        )
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365 * CA_YEARS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256())
        )
        _place(folder, {"cert.pem": _cert_pem(cert), "key.pem": _key_pem(key)})
    return folder / "cert.pem"


def _issue_for(agency: Any, clock: Clock) -> None:
    ca_folder = _ca_dir()
    demo_ca_ensure(clock=clock)
    ca_cert = x509.load_pem_x509_certificate((ca_folder / "cert.pem").read_bytes())
    ca_key = serialization.load_pem_private_key((ca_folder / "key.pem").read_bytes(), password=None)
    assert isinstance(ca_key, rsa.RSAPrivateKey)
    now = clock.now()
    key = _key()
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Lâm Đồng"),
    ]
    parent = getattr(agency, "parent", None)
    if parent is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, parent.name[:64]))
    if agency.eid_code:
        # The agency's e-ID code (QCVN 102:2016) where a Vietnamese certificate puts it: the UID attribute.
        attributes.append(x509.NameAttribute(NameOID.USER_ID, agency.eid_code))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]))
    not_after = min(now + timedelta(days=365 * AGENCY_YEARS), ca_cert.not_valid_after_utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(attributes))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: the agency stands by what it signed
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    _place(
        _agency_dir(agency),
        {"cert.pem": _cert_pem(cert), "key.pem": _key_pem(key), "chain.pem": _cert_pem(ca_cert)},
    )


def agency_credentials(agency: Any, *, clock: Clock = system_clock) -> Credentials:
    """The agency's signing key and certificate; with the demo CA on, issued the first time they are needed."""
    folder = _agency_dir(agency)
    if not (folder / "cert.pem").exists():
        if not settings.SIGNING_DEMO_CA:
            raise DomainError(
                "records.no_certificate",
                _("%(agency)s chưa có chứng thư số để ký kết quả; hãy báo quản trị hệ thống."),
                agency=agency.name,
            )
        _issue_for(agency, clock)
    chain = folder / "chain.pem"
    return Credentials(
        cert_pem=(folder / "cert.pem").read_bytes(),
        key_pem=(folder / "key.pem").read_bytes(),
        chain_pem=chain.read_bytes() if chain.exists() else b"",
    )


def trust_roots() -> list[bytes]:
    """The roots a signed result must chain to (PEM): SIGNING_TRUST_ROOTS, plus the demo CA while it is on."""
    roots = [Path(path).read_bytes() for path in settings.SIGNING_TRUST_ROOTS]
    demo = _ca_dir() / "cert.pem"
    if settings.SIGNING_DEMO_CA and demo.exists():
        roots.append(demo.read_bytes())
    return roots


def certificate_summary(cert_pem: bytes) -> dict[str, Any]:
    """Subject, issuer and validity of a certificate, for the management command and the docs."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }

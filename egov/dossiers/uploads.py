"""Checking an uploaded file before it is kept: type by content (python-magic), size, virus scan, SHA-256."""

from __future__ import annotations

import hashlib
import socket
import struct
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from egov.core.errors import DomainError

ALLOWED_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class CheckedUpload:
    upload: UploadedFile
    content_type: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse a file that is too large, not really a PDF/JPEG/PNG, or infected; hash what is kept."""
    limit = settings.UPLOAD_MAX_BYTES
    size = upload.size or 0
    name = upload.name or ""
    if size > limit:
        raise DomainError(
            "dossiers.file_too_large", _("Tệp “%(name)s” lớn hơn %(mb)s MB."), name=name, mb=limit // (1024 * 1024)
        )
    if size == 0:
        raise DomainError("dossiers.file_empty", _("Tệp “%(name)s” rỗng."), name=name)
    upload.seek(0)
    head = upload.read(8192)
    content_type = magic.from_buffer(head, mime=True)
    if content_type not in ALLOWED_TYPES:
        raise DomainError(
            "dossiers.file_type",
            _("Tệp “%(name)s” không phải PDF, JPEG hay PNG (nội dung là %(type)s)."),
            name=name,
            type=content_type,
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks(_CHUNK):
        digest.update(chunk)
    if settings.CLAMAV_ADDRESS:
        upload.seek(0)
        verdict = clamav_scan(upload)
        if verdict is not None:
            raise DomainError("dossiers.file_infected", _("Tệp “%(name)s” chứa mã độc và bị từ chối."), name=name)
    upload.seek(0)
    return CheckedUpload(upload=upload, content_type=content_type, size=size, sha256=digest.hexdigest())


def clamav_scan(upload: UploadedFile) -> str | None:
    """Stream the file to clamd (INSTREAM); the signature name if infected, None if clean.

    `CLAMAV_ADDRESS` is `unix:/path/to/clamd.ctl` or `host:port`. An unreachable scanner refuses
    the upload (fail closed) rather than let an unscanned file in.
    """
    address: str = settings.CLAMAV_ADDRESS
    try:
        if address.startswith("unix:"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(address[5:])
        else:
            host, port = address.rsplit(":", 1)
            sock = socket.create_connection((host, int(port)), timeout=30)
    except OSError as exc:
        raise DomainError("dossiers.scanner_down", _("Chưa kiểm tra được virus; vui lòng thử lại sau.")) from exc
    with sock:
        sock.sendall(b"zINSTREAM\0")
        for chunk in upload.chunks(_CHUNK):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    text = reply.rstrip(b"\0").decode(errors="replace")
    if text.endswith("OK"):
        return None
    if text.endswith("FOUND"):
        return text.split(":", 1)[-1].removesuffix("FOUND").strip()
    raise DomainError("dossiers.scanner_error", _("Chưa kiểm tra được virus; vui lòng thử lại sau."))

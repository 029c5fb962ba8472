"""With a ClamAV daemon configured, every upload is scanned; the EICAR test string is refused.

The test starts its own clamd with a one-signature database (EICAR) in a temporary folder, so it
needs no network and no signature download. CI installs `clamav-daemon` and sets REQUIRE_CLAMAV.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.errors import DomainError
from egov.dossiers.uploads import check_upload

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

pytestmark = pytest.mark.skipif(
    not os.path.exists(CLAMD) and not os.environ.get("REQUIRE_CLAMAV"),
    reason="clamav-daemon is not installed (CI installs it and sets REQUIRE_CLAMAV)",
)


@pytest.fixture(scope="module")
def clamd_socket(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("clamd")
    (root / "db").mkdir()
    (root / "db" / "egov-test.ndb").write_text(f"Egov.Test.EICAR:0:*:{EICAR.hex()}\n")
    socket_path = root / "clamd.sock"
    (root / "clamd.conf").write_text(
        f"Foreground yes\nLocalSocket {socket_path}\nDatabaseDirectory {root / 'db'}\n"
        f"User root\nLogFile {root / 'clamd.log'}\n"
    )
    process = subprocess.Popen(
        [CLAMD, "-c", str(root / "clamd.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60  # bounded wait for the daemon to load its database
    while not socket_path.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert socket_path.exists(), (root / "clamd.log").read_text() if (root / "clamd.log").exists() else "no log"
    yield f"unix:{socket_path}"
    process.terminate()
    process.wait(timeout=10)


def test_eicar_is_refused_and_clean_files_pass(clamd_socket, settings):
    settings.CLAMAV_ADDRESS = clamd_socket
    infected = SimpleUploadedFile("don.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n")
    with pytest.raises(DomainError) as exc:
        check_upload(infected)
    assert exc.value.code == "dossiers.file_infected" and "mã độc" in exc.value.message
    clean = check_upload(SimpleUploadedFile("don.pdf", b"%PDF-1.4\nclean\n%%EOF\n"))
    assert clean.content_type == "application/pdf"


def test_an_unreachable_scanner_refuses_rather_than_lets_files_in(settings, tmp_path):
    settings.CLAMAV_ADDRESS = f"unix:{tmp_path / 'nobody-home.sock'}"
    with pytest.raises(DomainError) as exc:
        check_upload(SimpleUploadedFile("don.pdf", b"%PDF-1.4\nclean\n"))
    assert exc.value.code == "dossiers.scanner_down"

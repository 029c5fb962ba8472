"""The OpenID provider's RSA signing key: from the environment in production, a local file in the demo."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa


def oidc_private_key_pem(path: Path) -> str:
    """The PEM at `path`, made (RSA 2048, mode 0600) if missing: ID tokens are signed RS256 with it.

    Production sets `OIDC_RSA_PRIVATE_KEY` instead; every web node must use the same key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Written under a temporary name, then renamed: two processes starting at once agree on one key.
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()

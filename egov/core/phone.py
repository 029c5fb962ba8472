"""Phone numbers as the platform keeps them: without separators, so that SMS gateways, the tracking
page's last 4 digits and log masking (which looks for runs of digits) all see the same number."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-()]")
# Vietnamese numbers are 10-11 digits (0xx...) or +84 followed by 9-10; the same range mask_pii hides.
_PHONE = re.compile(r"\+?\d{9,13}")


def phone_normalize(raw: str) -> str | None:
    """The number without spaces, dots, dashes or brackets; None when what is left is not a phone number."""
    phone = _SEPARATORS.sub("", raw.strip())
    return phone if _PHONE.fullmatch(phone) else None

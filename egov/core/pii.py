"""Masking of personal data (ID numbers, tax codes, phone numbers, e-mail) before it is logged."""

from __future__ import annotations

import logging
import re

# Longest first so a 13-digit tax code is not masked as a 12-digit ID plus a digit.
_DIGITS = re.compile(r"(?<!\d)(?:\+?84|0)?\d{9,13}(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _mask_digits(match: re.Match[str]) -> str:
    value = match.group(0)
    return "*" * (len(value) - 2) + value[-2:]


def mask_pii(text: str) -> str:
    """Replace every run of 9-13 digits (CCCD, MST, phone) and every e-mail address by a mask."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return _DIGITS.sub(_mask_digits, text)


class MaskPIIFilter(logging.Filter):
    """Logging filter: formats the message, masks it, and drops the arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is still logged, masked
            message = str(record.msg)
        record.msg = mask_pii(message)
        record.args = ()
        return True

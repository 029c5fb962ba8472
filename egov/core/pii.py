"""Masking of personal data (ID numbers, tax codes, phone numbers, e-mail) before it is logged."""

from __future__ import annotations

import logging
import re

# Longest first so a 13-digit tax code is not masked as a 12-digit ID plus a digit.
_DIGITS = re.compile(r"(?<!\d)(?:\+?84|0)?\d{9,13}(?!\d)")
# A phone number written with spaces, dots or dashes between its digits ("0912 345 678", "+84 912.345.678").
_SPACED_PHONE = re.compile(r"(?<![\d+])(?:\+?84|0)(?:[ .\-]?\d){8,10}(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _mask_digits(match: re.Match[str]) -> str:
    value = match.group(0)
    return "*" * (len(value) - 2) + value[-2:]


def mask_pii(text: str) -> str:
    """Replace every run of 9-13 digits (CCCD, MST, phone) and every e-mail address by a mask."""
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    text = _DIGITS.sub(_mask_digits, text)
    return _SPACED_PHONE.sub(_mask_digits, text)


class MaskPIIFilter(logging.Filter):
    """Logging filter: formats the message, masks it, and drops the arguments. A traceback is formatted and
    masked too (a database error quotes the duplicate key, which may be an ID number): handlers then print
    that text instead of formatting the exception themselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is still logged, masked
            message = str(record.msg)
        record.msg = mask_pii(message)
        record.args = ()
        if record.exc_info:
            record.exc_text = mask_pii(_FORMATTER.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = mask_pii(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_pii(record.stack_info)
        return True


_FORMATTER = logging.Formatter()

"""Dossier codes `<agency code>-<YYMMDD>-<NNNN>` (DESIGN.md §5)."""

from __future__ import annotations

import re
from datetime import date

CODE_PATTERN = re.compile(r"^(?P<agency>[0-9A-Z.]{1,35})-(?P<day>\d{6})-(?P<seq>\d{4,})$")


def format_code(agency_code: str, day: date, sequence: int) -> str:
    """`000.00.02.H39-261123-0007`; the sequence has at least 4 digits and grows beyond 9999."""
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{agency_code}-{day:%y%m%d}-{sequence:04d}"


def parse_code(code: str) -> tuple[str, str, int] | None:
    match = CODE_PATTERN.match(code.strip().upper())
    if match is None:
        return None
    return match["agency"], match["day"], int(match["seq"])

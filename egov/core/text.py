"""Accent-insensitive folding of Vietnamese text, for search and sorting."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s.]", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case `text`, strip Vietnamese diacritics (đ → d) and collapse whitespace.

    >>> fold("Cấp Giấy phép  xây dựng")
    'cap giay phep xay dung'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> list[str]:
    """Fold `text` and split it into words, dropping punctuation (but keeping dotted codes)."""
    return [w.strip(".") for w in _NON_WORD.sub(" ", fold(text)).split() if w.strip(".")]

"""What members type, made safe to store before any rule sees it.

Text arrives from a chat client as arbitrary Unicode: it may hold NUL (PostgreSQL refuses it
in text columns), lone surrogates (no database can encode them), other control characters,
and several spellings of one letter. ``typed_text`` removes the first three, composes the
rest (NFC) and caps the length, so every service stores and compares one form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# C0 and C1 controls but tab and newline, lone surrogates, and the two noncharacters U+FFFE/F.
_UNSAFE: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def typed_text(text: str | None, *, limit: int) -> str:
    """``text`` without what cannot or should not be stored, NFC, stripped, at most ``limit``
    characters ("" for None)."""
    if not text:
        return ""
    cleaned = unicodedata.normalize("NFC", _UNSAFE.sub("", text)).strip()
    return cleaned[:limit].rstrip()

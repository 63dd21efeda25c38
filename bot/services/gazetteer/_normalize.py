"""Text normalization shared by the index and the queries.

``normalize("Saint-Étienne")`` → ``"st etienne"``: case-folded, accents stripped, a few
Latin letters without a decomposition folded ("ø" → "o", "ß" → "ss"), dots and apostrophes
dropped ("St." → "st", "D.C." → "dc"), every other run of non-word characters turned into
one space, and the words "saint", "sainte", "sankt", "mount" and "fort" abbreviated the way
place names usually are, so "Saint Louis" and "St. Louis" meet. Letters of other scripts
(Cyrillic, CJK, …) are kept as they are, so such names still match exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Final

_FOLD: Final = (
    ("ø", "o"),
    ("æ", "ae"),
    ("œ", "oe"),
    ("ł", "l"),
    ("đ", "d"),
    ("ð", "d"),
    ("þ", "th"),
    ("ı", "i"),
    ("ħ", "h"),
    ("ŀ", "l"),
    ("ŧ", "t"),
    ("ŋ", "n"),
    ("ə", "e"),
    ("ǝ", "e"),
    ("&", " and "),
    ("_", " "),
)
_JOINERS: Final = ".'`´\u2018\u2019\u02bb\u02bc\u02bf\u02be"
_MARKS: Final = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_CANON: Final = re.compile("sainte|saint|sankt|mount|fort")  # longest first
_CANON_TO: Final = {"saint": "st", "sainte": "ste", "sankt": "st", "mount": "mt", "fort": "ft"}
_SEPARATORS: Final = re.compile(r"[^\w\n]+")
_SEPARATORS_ASCII: Final = re.compile(r"[^a-z0-9\n]+")
_QUALIFIER_SPLIT: Final = re.compile(r"[,;/|()]+")
_NOT_A_PLACE: Final = re.compile(r"@(?:everyone|here)\b|<[@#][!&]?\d+>|<a?:\w+:\d+>|https?://|www\.", re.I)

MAX_INPUT_CHARS: Final = 200


def _canon(match: re.Match[str]) -> str:
    """Abbreviate "saint" & co., but only as whole words."""
    text, start, end = match.string, match.start(), match.end()
    if (start and text[start - 1] not in " \n") or (end < len(text) and text[end] not in " \n"):
        return match.group(0)
    return _CANON_TO[match.group(0)]


def _pipeline(text: str) -> str:
    """Normalize one string, or many joined by newlines (which survive untouched)."""
    text = text.casefold()
    for ch, replacement in _FOLD:
        if ch in text:
            text = text.replace(ch, replacement)
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    for ch in _JOINERS:
        if ch in text:
            text = text.replace(ch, "")
    text = (_SEPARATORS_ASCII if text.isascii() else _SEPARATORS).sub(" ", text)
    return _CANON.sub(_canon, text)


def normalize(text: str) -> str:
    """The lookup key of one name or query."""
    return _pipeline(text.replace("\n", " ")).strip()


def normalize_many(texts: Sequence[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, done on joined strings (a lot faster).

    ASCII and non-ASCII texts are processed as two batches: the ASCII one skips Unicode
    decomposition and uses narrower patterns on a 1-byte-per-character string.
    """
    ascii_texts: list[str] = []
    other_texts: list[str] = []
    is_ascii = [t.isascii() for t in texts]
    for t, flag in zip(texts, is_ascii, strict=True):
        (ascii_texts if flag else other_texts).append(t)
    if not other_texts or not ascii_texts:
        return _batch(texts)
    ascii_keys = iter(_batch(ascii_texts))
    other_keys = iter(_batch(other_texts))
    return [next(ascii_keys) if flag else next(other_keys) for flag in is_ascii]


def _batch(texts: Sequence[str]) -> list[str]:
    if not texts:
        return []
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return [normalize(t) for t in texts]
    keys = _pipeline(joined).split("\n")
    if len(keys) != len(texts):  # pragma: no cover - only if NFKD ever produced a newline
        return [normalize(t) for t in texts]
    return [k.strip() if k[:1] == " " or k[-1:] == " " else k for k in keys]


def split_qualifiers(text: str) -> list[str]:
    """Normalized comma-separated parts: "Portland, OR" → ["portland", "or"]."""
    return [key for key in (normalize(part) for part in _QUALIFIER_SPLIT.split(text)) if key]


def looks_invalid(text: str) -> bool:
    """True for input that cannot name a place: empty, too long, a mention or a link."""
    if len(text) > MAX_INPUT_CHARS or _NOT_A_PLACE.search(text):
        return True
    return not any(ch.isalpha() for ch in text)

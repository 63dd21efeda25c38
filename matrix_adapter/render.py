"""Texts as Matrix messages: a plain `body` and an HTML `formatted_body` (spec: m.room.message,
org.matrix.custom.html).

bot/texts mark emphasis as `**words**`. Everything else is text: it is escaped in the HTML, so
what a member typed (a place name, a note) can never become markup, a link or a mention.
"""

from __future__ import annotations

import html
import re

_STRONG = re.compile(r"\*\*(.+?)\*\*")


def plain(text: str) -> str:
    return _STRONG.sub(r"\1", text)


def formatted(text: str) -> str:
    escaped = html.escape(text, quote=False)
    return _STRONG.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br>")

"""Long lists as pages: whole lines only, each page within a message's limit, every line kept in order.

Pure: the adapter renders the buttons that turn the pages (cogs/_pager.py). A page is a header
(the list's title, on every page), as many whole lines as fit, and a footer ("Page 2 of 5").
The footer's room is reserved for the largest page number the list could need, so adding it
never pushes a page over the limit. A line is never split across pages; one longer than a
page can hold on its own (callers bound their lines, so this is a last resort) is shortened
with an ellipsis and stands alone on its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MESSAGE_LIMIT = 2000  # Discord's limit for a message's content
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class Pages:
    """A list split into pages: each page's full text, and the lines each page holds."""

    texts: tuple[str, ...]
    lines: tuple[tuple[str, ...], ...]

    def __len__(self) -> int:
        return len(self.texts)

    def page(self, index: int) -> tuple[int, str]:
        """The page at `index` (0-based), clamped to the pages there are: (its index, its text)."""
        clamped = min(max(index, 0), len(self.texts) - 1)
        return clamped, self.texts[clamped]


def _footer(template: str, page: int, pages: int) -> str:
    return template.format(page=page, pages=pages) if template else ""


def line_room(*, header: str, footer: str, count: int, limit: int = MESSAGE_LIMIT) -> int:
    """How many characters of lines (joined by newlines) a page holds, beside its header and the
    widest footer the list could need."""
    widest = _footer(footer, max(count, 1), max(count, 1))
    return limit - (len(header) + 1 if header else 0) - (len(widest) + 1 if widest else 0)


def split(
    lines: Sequence[str], *, header: str = "", footer: str = "", empty: str = "", limit: int = MESSAGE_LIMIT
) -> Pages:
    """`lines` as pages of at most `limit` characters: `header` on top of each, `footer`
    ("Page {page} of {pages}") below; `empty` as the one page's body when there are no lines.
    The footer is left out when everything fits on one page."""
    body = list(lines) if lines else ([empty] if empty else [])
    room = line_room(header=header, footer=footer, count=len(body), limit=limit)
    if room < 1:
        raise ValueError("the header and footer leave no room for a line")
    fitted = [line if len(line) <= room else line[: room - len(ELLIPSIS)] + ELLIPSIS for line in body]
    groups: list[list[str]] = []
    current: list[str] = []
    used = 0  # characters of `current` joined by newlines
    for line in fitted:
        grown = used + len(line) + (1 if current else 0)
        if current and grown > room:
            groups.append(current)
            current, grown = [], len(line)
        current.append(line)
        used = grown
    if current or not groups:
        groups.append(current)
    total = len(groups)
    texts = []
    for number, group in enumerate(groups, start=1):
        parts = [header] if header else []
        parts += group
        if total > 1 and footer:
            parts.append(_footer(footer, number, total))
        texts.append("\n".join(parts))
    return Pages(tuple(texts), tuple(tuple(group) for group in groups))

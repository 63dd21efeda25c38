"""The shared pager: any list that can grow shows one page at a time with Previous / Next.

The page-splitting is bot.services.paging (whole lines, each page within Discord's 2,000
characters). The buttons are persistent: each list declares its own `Persistent` (with its
cog's handler) and the custom_id carries the page to show (and, in `arg`, what the list is of,
e.g. the member an audit is about), so a click works after a restart and for months-old
messages. A click lists again from the database and shows that page (the last one, if the list
got shorter), never a snapshot gone stale.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any, TypeVar

import discord

from bot.services import paging
from bot.texts import paging as texts
from cogs._interactions import GroundworkView
from cogs._persistent import Persistent

AnswerT = TypeVar("AnswerT", bound=enum.StrEnum)


def pages_of(lines: Sequence[str], *, header: str, empty: str = "") -> paging.Pages:
    """`lines` as pages under `header`, with "Page 2 of 5" below each when there are several."""
    return paging.split(lines, header=header, footer=texts.FOOTER, empty=empty)


def page_message(
    declaration: Persistent[Any, AnswerT],
    pages: paging.Pages,
    page: int,
    *,
    answer: AnswerT | None = None,
    arg: str | None = None,
    of: int | None = None,
) -> dict[str, Any]:
    """The message showing `page` (clamped) of `pages`, with Previous / Next when there are several
    (no `view` key when there is one page: an edit passes `view=None` itself to drop the buttons).

    The buttons carry the page to show as their id, and `arg` as it is; or, given `of` (whose
    list it is: a member's log), `of` as their id and the page as their `arg`."""
    index, text = pages.page(page)
    message: dict[str, Any] = {"content": text, "allowed_mentions": discord.AllowedMentions.none()}
    if len(pages) > 1:
        view = GroundworkView(timeout=None)

        def button(target: int, label: str, disabled: bool) -> discord.ui.Item[Any]:
            if of is None:
                return declaration.button(target, answer, label=label, arg=arg, disabled=disabled)
            return declaration.button(of, answer, label=label, arg=str(target), disabled=disabled)

        view.add_item(button(max(index - 1, 0), texts.PREVIOUS, index == 0))
        view.add_item(button(min(index + 1, len(pages) - 1), texts.NEXT, index + 1 >= len(pages)))
        message["view"] = view
    return message

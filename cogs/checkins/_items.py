"""The check-in message's selects and buttons.

They are dynamic items: the custom_id carries the check-in id (and the dimension, or the
action and page), so they keep working after a restart, for months-old messages too.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from bot.texts import checkins as texts
from cogs._interactions import refuse_tampered_ids, report_error, row_id
from db.enums import ReadinessDimension

SELECT_PREFIX = "gw:cis"
BUTTON_PREFIX = "gw:ci"
SELECT_PATTERN = SELECT_PREFIX + r":(?P<cid>[0-9]+):(?P<dimension>[a-z_]+)"
BUTTON_PATTERN = BUTTON_PREFIX + r":(?P<cid>[0-9]+):(?P<action>[a-z]+)(?::(?P<page>[12]))?"
COG_NAME = "CheckIns"


class CheckInHandler(Protocol):
    """What the check-ins cog offers its items and modal."""

    async def on_score(
        self, interaction: discord.Interaction[Any], checkin_id: int, dimension: str, values: list[str]
    ) -> None: ...

    async def on_button(
        self, interaction: discord.Interaction[Any], checkin_id: int, action: str, page: int
    ) -> None: ...

    async def on_note(
        self, interaction: discord.Interaction[Any], checkin_id: int, page: int, note: str
    ) -> None: ...


def handler(interaction: discord.Interaction[Any]) -> CheckInHandler | None:
    cog: CheckInHandler | None = interaction.client.get_cog(COG_NAME)
    return cog


def owns_custom_id(custom_id: str, checkin_id: int) -> bool:
    """Whether a component belongs to this check-in's message (to find it in the DM history)."""
    return custom_id.startswith((f"{SELECT_PREFIX}:{checkin_id}:", f"{BUTTON_PREFIX}:{checkin_id}:"))


class ScoreSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_PATTERN):
    """1-5 for one dimension; the chosen value shows as the default."""

    def __init__(
        self,
        checkin_id: int,
        dimension: str,
        *,
        chosen: int | None = None,
        previous: int | None = None,
        row: int | None = None,
    ) -> None:
        self.checkin_id = checkin_id
        self.dimension = dimension
        name = (
            texts.SHORT_NAMES.get(ReadinessDimension(dimension), dimension)
            if _known(dimension)
            else dimension
        )
        placeholder = (
            texts.PLACEHOLDER_PREVIOUS.format(name=name, score=previous)
            if previous is not None
            else texts.PLACEHOLDER.format(name=name)
        )
        super().__init__(
            discord.ui.Select(
                custom_id=f"{SELECT_PREFIX}:{checkin_id}:{dimension}",
                placeholder=placeholder,
                options=[
                    discord.SelectOption(label=label, value=str(value), default=value == chosen)
                    for value, label in texts.SCORE_LABELS.items()
                ],
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ScoreSelect:
        return cls(row_id(match["cid"]), match["dimension"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = handler(interaction)
        if cog is None:
            return
        try:
            refuse_tampered_ids(self)
            await cog.on_score(interaction, self.checkin_id, self.dimension, list(self.item.values))
        except Exception as error:
            await report_error(interaction, error)


class CheckInButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_PATTERN):
    """Next / back, add a note, skip this time, send my answers."""

    def __init__(
        self,
        checkin_id: int,
        action: str,
        page: int,
        *,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        emoji: str | None = None,
        row: int | None = None,
    ) -> None:
        self.checkin_id = checkin_id
        self.action = action
        self.page = page
        super().__init__(
            discord.ui.Button(
                custom_id=f"{BUTTON_PREFIX}:{checkin_id}:{action}:{page}",
                label=label,
                style=style,
                emoji=emoji,
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckInButton:
        return cls(row_id(match["cid"]), match["action"], row_id(match["page"] or "1"))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog = handler(interaction)
        if cog is None:
            return
        try:
            refuse_tampered_ids(self)
            await cog.on_button(interaction, self.checkin_id, self.action, self.page)
        except Exception as error:
            await report_error(interaction, error)


def _known(dimension: str) -> bool:
    return dimension in {d.value for d in ReadinessDimension}

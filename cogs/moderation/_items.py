"""Moderator buttons that survive restarts: paging lists and actions on a member's card."""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from cogs._interactions import ReportsErrors, row_id, snowflake

COG_NAME = "Moderation"


class ModerationHandler(Protocol):
    async def on_page(self, interaction: discord.Interaction[Any], kind: str, page: int) -> None: ...

    async def on_member_action(
        self, interaction: discord.Interaction[Any], action: str, user_id: int
    ) -> None: ...

    async def on_pair_select(
        self, interaction: discord.Interaction[Any], user_id: int, mentor: Any
    ) -> None: ...


def _handler(interaction: discord.Interaction[Any]) -> ModerationHandler | None:
    cog: ModerationHandler | None = interaction.client.get_cog(COG_NAME)
    return cog


def _label(item: discord.ui.Item[Any]) -> str:
    return (item.label if isinstance(item, discord.ui.Button) else None) or "…"


class PageButton(
    ReportsErrors,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:mp:(?P<kind>isolated|unpaired):(?P<page>[0-9]+)",
):
    def __init__(self, kind: str, page: int, *, label: str, disabled: bool = False) -> None:
        self.kind, self.page = kind, page
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"gw:mp:{kind}:{page}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["kind"], row_id(match["page"]), label=_label(item))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if (handler := _handler(interaction)) is not None:
            await handler.on_page(interaction, self.kind, self.page)


class MemberActionButton(
    ReportsErrors,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:ma:(?P<action>unpair|pause|reset):(?P<user>[0-9]+)",
):
    def __init__(self, action: str, user_id: int, *, label: str) -> None:
        self.action, self.user_id = action, user_id
        style = discord.ButtonStyle.danger if action == "reset" else discord.ButtonStyle.secondary
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"gw:ma:{action}:{user_id}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MemberActionButton:
        return cls(match["action"], snowflake(match["user"]), label=_label(item))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if (handler := _handler(interaction)) is not None:
            await handler.on_member_action(interaction, self.action, self.user_id)


class PairSelect(
    ReportsErrors, discord.ui.DynamicItem[discord.ui.UserSelect[Any]], template=r"gw:mpair:(?P<user>[0-9]+)"
):
    """On a member's card: choose the organizer to pair them with."""

    def __init__(self, user_id: int, *, placeholder: str | None = None) -> None:
        self.user_id = user_id
        super().__init__(discord.ui.UserSelect(custom_id=f"gw:mpair:{user_id}", placeholder=placeholder))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PairSelect:
        return cls(snowflake(match["user"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if (handler := _handler(interaction)) is not None:
            await handler.on_pair_select(interaction, self.user_id, self.item.values[0])

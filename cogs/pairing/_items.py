"""Pairing buttons that keep working after a restart: review, follow-up answers, asking for a mentor."""

from __future__ import annotations

import re
from typing import Any, Protocol

import discord

from cogs._interactions import AnswerButton, ReportsErrors, snowflake

COG_NAME = "Pairing"


class PairingHandler(Protocol):
    async def on_mentor_request(self, interaction: discord.Interaction[Any], guild_id: int) -> None: ...


def _handler(interaction: discord.Interaction[Any]) -> PairingHandler | None:
    cog: PairingHandler | None = interaction.client.get_cog(COG_NAME)
    return cog


def _button(item: discord.ui.Item[Any]) -> discord.ui.Button[Any] | None:
    return item if isinstance(item, discord.ui.Button) else None


class ReviewButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:pr:(?P<id>[0-9]+):(?P<answer>approve|reject|another)",
):
    """Approve / reject / pick another, on a proposal in the review channel."""

    prefix, cog, method = "gw:pr", COG_NAME, "on_review"


class FeedbackButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:fb:(?P<id>[0-9]+):(?P<answer>going_well|not_met|not_a_fit)",
):
    """An answer to "how is it going?"."""

    prefix, cog, method = "gw:fb", COG_NAME, "on_feedback"


class MentorRequestButton(
    ReportsErrors, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"gw:mr:(?P<guild>[0-9]+)"
):
    """ "Yes, I'd like a mentor", offered to members who are alone in their area."""

    def __init__(self, guild_id: int, *, label: str) -> None:
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.success, custom_id=f"gw:mr:{guild_id}")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MentorRequestButton:
        button = _button(item)
        return cls(snowflake(match["guild"]), label=(button.label if button else None) or "…")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        if (handler := _handler(interaction)) is not None:
            await handler.on_mentor_request(interaction, self.guild_id)

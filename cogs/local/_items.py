"""Buttons of local life that keep working after a restart: each custom_id carries the row's id
and the answer, and the click goes to a method of the cog that owns it.

    gw:nb:o:<offer>:yes|later|never        the offer to meet neighbours          Neighbours.on_offer
    gw:nb:i:<introduction>:yes|no|never    a neighbour asked about meeting       Neighbours.on_ask
    gw:cc:r:<circle>:approve|reject        moderators on a proposed circle       Circles.on_review
    gw:cc:o:<membership>:join|no           joining a circle nearby               Circles.on_offer
    gw:cc:l:<circle>:leave                 leaving one's circle                  Circles.on_leave
    gw:pp:c:<request>:stop                 no longer waiting for a partner       Practice.on_stop
    gw:pp:f:<request>:yes|no               "did your practice call happen?"      Practice.on_followup
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, ClassVar, Self

import discord

from cogs._interactions import GroundworkView, ReportsErrors

Handler = Callable[[discord.Interaction[Any], int, str], Awaitable[None]]
Choice = tuple[str, str, discord.ButtonStyle]  # answer, label, style


class _Answer(ReportsErrors):
    """A button that answers a question about one row: `<prefix>:<id>:<answer>`."""

    prefix: ClassVar[str]
    cog: ClassVar[str]
    method: ClassVar[str]

    def __init__(self, row_id: int, answer: str, *, label: str, style: discord.ButtonStyle) -> None:
        self.row_id, self.answer = row_id, answer
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, custom_id=f"{self.prefix}:{row_id}:{answer}"
        )
        super().__init__(button)  # type: ignore[call-arg]  # DynamicItem, next in the MRO

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        label = item.label if isinstance(item, discord.ui.Button) else None
        style = item.style if isinstance(item, discord.ui.Button) else discord.ButtonStyle.secondary
        return cls(int(match["id"]), match["answer"], label=label or "…", style=style)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        cog = interaction.client.get_cog(self.cog)
        if cog is not None:
            handler: Handler = getattr(cog, self.method)
            await handler(interaction, self.row_id, self.answer)


class OfferButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:nb:o:(?P<id>[0-9]+):(?P<answer>yes|later|never)",
):
    prefix, cog, method = "gw:nb:o", "Neighbours", "on_offer"


class AskButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:nb:i:(?P<id>[0-9]+):(?P<answer>yes|no|never)",
):
    prefix, cog, method = "gw:nb:i", "Neighbours", "on_ask"


class CircleReviewButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:r:(?P<id>[0-9]+):(?P<answer>approve|reject)",
):
    prefix, cog, method = "gw:cc:r", "Circles", "on_review"


class CircleOfferButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:o:(?P<id>[0-9]+):(?P<answer>join|no)",
):
    prefix, cog, method = "gw:cc:o", "Circles", "on_offer"


class CircleLeaveButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:l:(?P<id>[0-9]+):(?P<answer>leave)",
):
    prefix, cog, method = "gw:cc:l", "Circles", "on_leave"


class PracticeStopButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:pp:c:(?P<id>[0-9]+):(?P<answer>stop)",
):
    prefix, cog, method = "gw:pp:c", "Practice", "on_stop"


class PracticeFollowUpButton(
    _Answer,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:pp:f:(?P<id>[0-9]+):(?P<answer>yes|no)",
):
    prefix, cog, method = "gw:pp:f", "Practice", "on_followup"


ITEMS = (
    OfferButton,
    AskButton,
    CircleReviewButton,
    CircleOfferButton,
    CircleLeaveButton,
    PracticeStopButton,
    PracticeFollowUpButton,
)


def answers_view(button: type[_Answer], row_id: int, choices: Sequence[Choice]) -> discord.ui.View:
    """A persistent view of `button`s, one per choice, for one row."""
    view = GroundworkView(timeout=None)
    for answer, label, style in choices:
        view.add_item(button(row_id, answer, label=label, style=style))  # type: ignore[arg-type]
    return view

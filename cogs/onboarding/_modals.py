"""The two places where a member types: where they live, and what they did before."""

from __future__ import annotations

from typing import Any

import discord

from bot.services.onboarding import Step
from bot.texts import onboarding as texts
from cogs._interactions import GroundworkModal
from cogs.onboarding._items import COG_NAME, ConversationHandler

PLACE_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 1000


async def _forward(
    interaction: discord.Interaction[Any], session_id: int, step: Step, action: str, values: list[str]
) -> None:
    handler: ConversationHandler | None = interaction.client.get_cog(COG_NAME)
    if handler is not None:
        await handler.on_step(interaction, session_id, step.value, action, values)


class PlaceModal(GroundworkModal):
    """ "Where do you live?" or, for a small town, "which region or country?"."""

    def __init__(self, session_id: int, *, area_only: bool) -> None:
        super().__init__(
            title=texts.AREA_MODAL_TITLE if area_only else texts.PLACE_MODAL_TITLE,
            custom_id=f"gw:obm:{session_id}:place",
            timeout=900,
        )
        self.session_id = session_id
        self.area_only = area_only
        self.place: discord.ui.TextInput[PlaceModal] = discord.ui.TextInput(
            label=texts.AREA_MODAL_LABEL if area_only else texts.PLACE_MODAL_LABEL,
            placeholder=texts.AREA_MODAL_PLACEHOLDER if area_only else texts.PLACE_MODAL_PLACEHOLDER,
            max_length=PLACE_MAX_LENGTH,
        )
        self.add_item(self.place)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        action = "area_text" if self.area_only else "text"
        await _forward(interaction, self.session_id, Step.PLACE, action, [self.place.value])


class ExperienceModal(GroundworkModal):
    """What the member did before, in their own words (optional)."""

    def __init__(self, session_id: int, level: str) -> None:
        super().__init__(
            title=texts.EXPERIENCE_MODAL_TITLE, custom_id=f"gw:obm:{session_id}:experience", timeout=900
        )
        self.session_id = session_id
        self.level = level
        self.note: discord.ui.TextInput[ExperienceModal] = discord.ui.TextInput(
            label=texts.EXPERIENCE_MODAL_LABEL,
            placeholder=texts.EXPERIENCE_MODAL_PLACEHOLDER,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NOTE_MAX_LENGTH,
        )
        self.add_item(self.note)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await _forward(
            interaction, self.session_id, Step.EXPERIENCE, "pick", [self.level, self.note.value or ""]
        )

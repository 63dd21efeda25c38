"""The optional note: "what did you do in your locale since last time?"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.services.checkins import NOTE_MAX_LENGTH
from bot.texts import checkins as texts
from cogs._interactions import GroundworkModal

# The cog's method that takes the note: (interaction, check-in id, page, note).
NoteHandler = Callable[[discord.Interaction[Any], int, int, str], Awaitable[None]]


class NoteModal(GroundworkModal):
    """One paragraph, optional; submitting it updates the check-in message in place."""

    def __init__(self, checkin_id: int, page: int, note: str | None, *, on_submit: NoteHandler) -> None:
        super().__init__(title=texts.NOTE_MODAL_TITLE, custom_id=f"gw:cim:{checkin_id}:note", timeout=900)
        self.checkin_id = checkin_id
        self.page = page
        self.handler = on_submit
        self.note: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(
            style=discord.TextStyle.paragraph,
            placeholder=texts.NOTE_MODAL_PLACEHOLDER,
            default=note,
            required=False,
            max_length=NOTE_MAX_LENGTH,
        )
        self.add_item(
            discord.ui.Label(
                text=texts.NOTE_MODAL_LABEL, description=texts.NOTE_MODAL_DESCRIPTION, component=self.note
            )
        )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.handler(interaction, self.checkin_id, self.page, self.note.value or "")

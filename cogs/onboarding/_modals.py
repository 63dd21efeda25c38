"""The two places where a member types: where they live, and what they did before."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.services.onboarding import READINESS_PAGES, Action, Step
from bot.texts import onboarding as texts
from cogs._interactions import GroundworkModal

PLACE_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 1000


# The cog's method that takes an answer: (interaction, session id, step, action, values).
StepHandler = Callable[[discord.Interaction[Any], int, Step, Action, list[str]], Awaitable[None]]


class StepModal(GroundworkModal):
    """A form of the conversation; what is submitted goes to the cog's `answer_step`."""

    def __init__(self, session_id: int, handler: StepHandler, *, title: str, custom_id: str) -> None:
        super().__init__(title=title, custom_id=custom_id, timeout=900)
        self.session_id = session_id
        self.handler = handler

    async def forward(
        self, interaction: discord.Interaction[Any], step: Step, action: Action, values: list[str]
    ) -> None:
        await self.handler(interaction, self.session_id, step, action, values)


class PlaceModal(StepModal):
    """ "Where do you live?" or, for a small town, "which region or country?"."""

    def __init__(self, session_id: int, handler: StepHandler, *, area_only: bool) -> None:
        super().__init__(
            session_id,
            handler,
            title=texts.AREA_MODAL_TITLE if area_only else texts.PLACE_MODAL_TITLE,
            custom_id=f"gw:obm:{session_id}:place",
        )
        self.area_only = area_only
        self.place: discord.ui.TextInput[PlaceModal] = discord.ui.TextInput(
            label=texts.AREA_MODAL_LABEL if area_only else texts.PLACE_MODAL_LABEL,
            placeholder=texts.AREA_MODAL_PLACEHOLDER if area_only else texts.PLACE_MODAL_PLACEHOLDER,
            max_length=PLACE_MAX_LENGTH,
        )
        self.add_item(self.place)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        action = Action.AREA_TEXT if self.area_only else Action.TEXT
        await self.forward(interaction, Step.PLACE, action, [self.place.value])


class ExperienceModal(StepModal):
    """What the member did before, in their own words (optional)."""

    def __init__(self, session_id: int, handler: StepHandler, level: str) -> None:
        super().__init__(
            session_id,
            handler,
            title=texts.EXPERIENCE_MODAL_TITLE,
            custom_id=f"gw:obm:{session_id}:experience",
        )
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
        await self.forward(interaction, Step.EXPERIENCE, Action.PICK, [self.level, self.note.value or ""])


def _select(options: dict[str, str], chosen: str | None, placeholder: str) -> discord.ui.Select[Any]:
    return discord.ui.Select(
        placeholder=placeholder,
        options=[
            discord.SelectOption(label=label, value=value, default=value == chosen)
            for value, label in options.items()
        ],
    )


class ReadinessModal(StepModal):
    """One page of the readiness self-assessment: three 1-5 ratings."""

    def __init__(self, session_id: int, handler: StepHandler, step: Step, scores: dict[str, int]) -> None:
        page = 1 if step == Step.READINESS_1 else 2
        super().__init__(
            session_id,
            handler,
            title=texts.READINESS_MODAL_TITLE.format(page=page),
            custom_id=f"gw:obm:{session_id}:{step}",
        )
        self.step = step
        self.selects: dict[str, discord.ui.Select[Any]] = {}
        options = {str(value): label for value, label in texts.SCORE_LABELS.items()}
        for dimension in READINESS_PAGES[step]:
            current = scores.get(dimension)
            select = _select(options, str(current) if current else None, texts.SCORE_PLACEHOLDER)
            self.selects[dimension] = select
            self.add_item(discord.ui.Label(text=texts.DIMENSION_LABELS[dimension], component=select))

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        values = [
            part for dimension, select in self.selects.items() for part in (dimension, *select.values[:1])
        ]
        await self.forward(interaction, self.step, Action.SCORES, values)


class ConsentModal(StepModal):
    """Who may see where the member lives, and whether an organizer may contact them."""

    def __init__(
        self, session_id: int, handler: StepHandler, sharing: str | None, contact: bool | None
    ) -> None:
        super().__init__(
            session_id, handler, title=texts.CONSENT_MODAL_TITLE, custom_id=f"gw:obm:{session_id}:consent"
        )
        self.sharing = _select(
            {choice.value: label for choice, label in texts.SHARING_LABELS.items()},
            sharing,
            texts.SHARING_PLACEHOLDER,
        )
        contact_value = None if contact is None else ("yes" if contact else "no")
        self.contact = _select(
            {"yes": texts.CONTACT_YES, "no": texts.CONTACT_NO}, contact_value, texts.CONTACT_PLACEHOLDER
        )
        self.add_item(discord.ui.Label(text=texts.SHARING_QUESTION, component=self.sharing))
        self.add_item(discord.ui.Label(text=texts.CONTACT_QUESTION, component=self.contact))

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.forward(
            interaction,
            Step.CONSENT,
            Action.CHOOSE,
            [*self.sharing.values[:1], *self.contact.values[:1]],
        )

"""The onboarding conversation's buttons and selects.

They are dynamic items: their custom_id carries the conversation id, the step it answers
and the action, so they keep working after a bot restart and a stale one is recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from cogs._interactions import ReportsErrors, row_id, snowflake

# <prefix>:<session>:<step>:<action>[:<argument>]; buttons and selects need distinct prefixes.
BUTTON_PREFIX = "gw:ob"
SELECT_PREFIX = "gw:obs"
_STEP_TAIL = r":(?P<sid>[0-9]+):(?P<step>[a-z_0-9]+):(?P<action>[a-z_]+)(?::(?P<arg>[A-Za-z0-9_./+-]+))?"
BUTTON_PATTERN = BUTTON_PREFIX + _STEP_TAIL
SELECT_PATTERN = SELECT_PREFIX + _STEP_TAIL
BEGIN_PATTERN = r"gw:ob:begin:(?P<guild>[0-9]+)"
COG_NAME = "Onboarding"


@dataclass(frozen=True, slots=True)
class StepParts:
    """What a step's custom_id says. Step and action stay text here: they come back from
    members' messages, maybe older ones, and the cog reads them as onboarding.Step and
    onboarding.Action, replying to one it does not know instead of failing silently."""

    session_id: int
    step: str
    action: str
    arg: str | None


class ConversationHandler(Protocol):
    """What the onboarding cog offers its items."""

    async def on_step(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        step: str,
        action: str,
        values: list[str],
    ) -> None: ...

    async def on_begin(self, interaction: discord.Interaction[Any], guild_id: int) -> None: ...


def _handler(interaction: discord.Interaction[Any]) -> ConversationHandler | None:
    cog: ConversationHandler | None = interaction.client.get_cog(COG_NAME)
    return cog


def step_id(prefix: str, session_id: int, step: str, action: str, arg: str | None = None) -> str:
    custom_id = f"{prefix}:{session_id}:{step}:{action}"
    return f"{custom_id}:{arg}" if arg else custom_id


async def _run_step(interaction: discord.Interaction[Any], parts: StepParts, values: list[str]) -> None:
    handler = _handler(interaction)
    if handler is None:
        return
    arg = parts.arg
    await handler.on_step(
        interaction, parts.session_id, parts.step, parts.action, ([arg] if arg else []) + values
    )


class StepButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_PATTERN):
    """A button answering one step."""

    def __init__(
        self,
        session_id: int,
        step: str,
        action: str,
        arg: str | None = None,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
        emoji: str | None = None,
        row: int | None = None,
    ) -> None:
        self.parts = StepParts(session_id, step, action, arg)
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                emoji=emoji,
                custom_id=step_id(BUTTON_PREFIX, session_id, step, action, arg),
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StepButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(
            row_id(match["sid"]),
            match["step"],
            match["action"],
            match["arg"],
            label=(button.label if button else None) or "…",
        )

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await _run_step(interaction, self.parts, [])


class StepSelect(ReportsErrors, discord.ui.DynamicItem[discord.ui.Select[Any]], template=SELECT_PATTERN):
    """A select answering one step; its chosen values are the answer."""

    def __init__(
        self,
        session_id: int,
        step: str,
        action: str,
        arg: str | None = None,
        *,
        options: list[discord.SelectOption] | None = None,
        placeholder: str | None = None,
        min_values: int = 1,
        max_values: int = 1,
        row: int | None = None,
    ) -> None:
        self.parts = StepParts(session_id, step, action, arg)
        super().__init__(
            discord.ui.Select(
                custom_id=step_id(SELECT_PREFIX, session_id, step, action, arg),
                options=options or [discord.SelectOption(label="…")],
                placeholder=placeholder,
                min_values=min_values,
                max_values=max_values,
                row=row,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StepSelect:
        select = item if isinstance(item, discord.ui.Select) else None
        return cls(
            row_id(match["sid"]),
            match["step"],
            match["action"],
            match["arg"],
            options=list(select.options) if select else None,
            min_values=select.min_values if select else 1,
            max_values=select.max_values if select else 1,
        )

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        await _run_step(interaction, self.parts, list(self.item.values))


class BeginButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button[Any]], template=BEGIN_PATTERN):
    """The welcome message's "Let's begin" button."""

    def __init__(self, guild_id: int, *, label: str) -> None:
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.success, custom_id=f"gw:ob:begin:{guild_id}"
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BeginButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(snowflake(match["guild"]), label=(button.label if button else None) or "…")

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        handler = _handler(interaction)
        if handler is not None:
            await handler.on_begin(interaction, self.guild_id)

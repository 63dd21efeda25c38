"""Shared helpers for answering interactions, and the one place errors are turned into replies."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import fields, is_dataclass
from typing import Any, ClassVar, Self

import discord
from discord import app_commands

from bot.errors import GroundworkError
from bot.texts import errors as texts
from cogs._text import mention

log = logging.getLogger(__name__)


async def reply(interaction: discord.Interaction[Any], content: str | None = None, **kwargs: Any) -> None:
    """Answer ephemerally, whether or not the interaction was already acknowledged."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if interaction.response.is_done():
        await interaction.followup.send(content if content is not None else discord.utils.MISSING, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


def _user_message(error: Exception) -> str | None:
    """The words for an error the member caused or can act on; None for our own faults."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    if isinstance(original, GroundworkError):
        return original.render(mention)
    if isinstance(error, app_commands.NoPrivateMessage):
        return texts.GUILD_ONLY
    if isinstance(error, app_commands.CommandOnCooldown):
        return texts.COOLDOWN.format(seconds=error.retry_after)
    if isinstance(error, app_commands.TransformerError):
        return texts.BAD_INPUT.format(detail=discord.utils.escape_markdown(str(error.value))[:200])
    if isinstance(error, app_commands.CheckFailure):
        return texts.NOT_ALLOWED
    return None


async def report_error(interaction: discord.Interaction[Any], error: Exception) -> str | None:
    """Tell the member what went wrong; log our own faults with an id they can quote.

    Returns the error id when the error was unexpected.
    """
    message = _user_message(error)
    error_id: str | None = None
    if message is None:
        error_id = uuid.uuid4().hex[:8]
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = interaction.data.get("custom_id") if interaction.data else None
        log.error(
            "error %s in interaction (command=%s, custom_id=%s, guild=%s, channel=%s, user=%s)",
            error_id,
            command,
            custom_id,
            interaction.guild_id,
            interaction.channel_id,
            interaction.user.id,
            exc_info=error,
        )
        message = texts.UNEXPECTED.format(error_id=error_id)
    try:
        await reply(interaction, message)
    except discord.HTTPException as exc:
        # Too late (the 3-second window or the 15-minute token passed) or Discord refused.
        log.warning("could not tell user %s about an error: %s", interaction.user.id, exc)
    return error_id


class GroundworkView(discord.ui.View):
    """A view whose errors reach the member as a short apology, never as silence."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_error(interaction, error)


class GroundworkModal(discord.ui.Modal):
    """A modal whose errors reach the member as a short apology, never as silence."""

    async def on_error(  # type: ignore[override]  # discord.py's Modal narrows BaseView's signature
        self, interaction: discord.Interaction[Any], error: Exception
    ) -> None:
        await report_error(interaction, error)


# Ids read back from custom_ids go to the database: a row id into an Integer column (int4 on
# PostgreSQL), a Discord id into a BigInteger one. A tampered custom_id can carry any digits.
ROW_ID_MAX = 2**31 - 1
SNOWFLAKE_MAX = 2**63 - 1


class OutOfRangeId(int):
    """An id from a custom_id that no row or Discord object can have (0 stands in for it).

    Raising in ``from_custom_id`` would make discord.py drop the interaction silently, so the
    item is made with this instead, and refused with a reply when it is used."""


def row_id(digits: str) -> int:
    """A row id (a page number too) read from a custom_id."""
    value = int(digits)
    return value if 0 <= value <= ROW_ID_MAX else OutOfRangeId(0)


def snowflake(digits: str) -> int:
    """A Discord id (user, guild) read from a custom_id."""
    value = int(digits)
    return value if 0 <= value <= SNOWFLAKE_MAX else OutOfRangeId(0)


def refuse_tampered_ids(item: object) -> None:
    """Refuse an item made from a custom_id whose ids are out of range (see ``OutOfRangeId``)."""
    values = list(vars(item).values())
    # An item may keep its custom_id's parts together in a dataclass (onboarding's StepParts).
    values += [
        getattr(value, field.name)
        for value in values
        if is_dataclass(value) and not isinstance(value, type)
        for field in fields(value)
    ]
    if any(isinstance(value, OutOfRangeId) for value in values):
        raise GroundworkError(texts.STALE_BUTTON)


class ReportsErrors:
    """Mixin for dynamic items: discord.py only logs what their callbacks raise, so the member
    would see "This interaction failed"; this turns it into a reply like every other error.
    An item whose custom_id carried an out-of-range id is refused the same way."""

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            refuse_tampered_ids(self)
            await self.handle(interaction)
        except Exception as error:
            await report_error(interaction, error)


AnswerHandler = Callable[[discord.Interaction[Any], int, str], Awaitable[None]]
Choice = tuple[str, str, discord.ButtonStyle]  # answer, label, style


class AnswerButton(ReportsErrors):
    """A button that answers a question about one row, `<prefix>:<id>:<answer>`, and survives restarts.

    Subclasses also derive from `discord.ui.DynamicItem` with a template naming the groups `id`
    and `answer`, and name the cog and the method (`(interaction, row_id, answer)`) that handles it.
    """

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
        return cls(row_id(match["id"]), match["answer"], label=label or "…", style=style)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        cog = interaction.client.get_cog(self.cog)
        if cog is not None:
            handler: AnswerHandler = getattr(cog, self.method)
            await handler(interaction, self.row_id, self.answer)


def answers_view(button: type[AnswerButton], row_id: int, choices: Sequence[Choice]) -> discord.ui.View:
    """A persistent view of `button`s, one per choice, for one row."""
    view = GroundworkView(timeout=None)
    for answer, label, style in choices:
        view.add_item(button(row_id, answer, label=label, style=style))  # type: ignore[arg-type]
    return view

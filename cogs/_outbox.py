"""The durable outbox in Discord: runs chat steps that follow a committed decision.

The bot owns the runner (`bot.outbox`, made in setup_hook before any cog loads), so each feature
registers a handler per kind in its cog_load (`register`) and calls `run_now` on it; the Outbox
cog only ticks it (every `scheduler.tick_seconds`). How a step is claimed, run, retried and given
up is bot/outbox_runner.py, shared with the Matrix adapter; here is what is Discord's: its errors
described, a given-up step told in the moderators' channel, and `/mod outbox`'s pages.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot import outbox_runner as runner
from bot.services import outbox, paging
from bot.texts import outbox as texts
from cogs._pager import pages_of
from cogs._text import mention
from cogs._ticks import Ticks
from db.enums import Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

OUTBOX_JOB = "outbox:tick"
LIST_LIMIT = 100  # the steps /mod outbox lists, paged

# A handler returns False when it settled the step without doing it (Discord refused for good);
# None or True when it did it.
Handler = runner.Handler


def describe_error(error: BaseException) -> str:
    """A short, impersonal description of a failure: the exception class and Discord's status."""
    if isinstance(error, discord.HTTPException):
        return f"{type(error).__name__} {error.status}/{error.code}"
    return type(error).__name__


def what_text(stuck: outbox.Stuck) -> str:
    template = texts.WHAT.get(str(stuck.kind))
    if template is None:
        return texts.WHAT_UNKNOWN.format(kind=stuck.kind)
    joiner = texts.PEOPLE_AND_BY_KIND.get(str(stuck.kind), texts.PEOPLE_AND)
    people = joiner.join(mention(user_id) for user_id in stuck.user_ids) or f"#{stuck.subject_id}"
    return template.format(people=people)


def stuck_lines(rows: list[outbox.Stuck]) -> list[str]:
    """One line per step that gave up or keeps failing."""
    return [
        texts.LIST_LINE.format(
            what=what_text(row),
            state=texts.STATE_FAILED if row.failed else texts.STATE_RETRYING,
            attempts=row.attempts,
            since=discord.utils.format_dt(row.since, "R"),
            error=texts.ERROR.format(error=row.last_error) if row.last_error else "",
        )
        for row in rows
    ]


def stuck_pages(rows: list[outbox.Stuck]) -> paging.Pages:
    """`/mod outbox`: every step that gave up or keeps failing, as pages (the shared pager)."""
    if not rows:
        return paging.Pages((texts.LIST_EMPTY,), ((texts.LIST_EMPTY,),))
    return pages_of(stuck_lines(rows), header=f"**{texts.LIST_TITLE}**")


def stuck_text(rows: list[outbox.Stuck]) -> str:
    """`/mod outbox`'s first page."""
    return stuck_pages(rows).texts[0]


class OutboxRunner(runner.OutboxRunner):
    """Discord's outbox runner (bot/outbox_runner.py): Discord's steps only; a step given up is
    told in the guild's moderators' channel. The bot owns one."""

    expected = (discord.HTTPException, TimeoutError, LookupError)

    def __init__(self, bot: GroundworkBot, *, lease: timedelta = outbox.LEASE) -> None:
        super().__init__(bot.sessions, bot.clock, Platform.DISCORD, lease=lease)
        self.bot = bot

    def describe(self, error: BaseException) -> str:
        return describe_error(error)

    async def tell_given_up(self, stuck: outbox.Stuck) -> None:
        await self.bot.messenger.tell_moderators(
            stuck.guild_id, texts.FAILED.format(attempts=stuck.attempts, what=what_text(stuck))
        )

    async def stuck(self, guild_id: int) -> paging.Pages:
        async with self.bot.sessions() as session:
            rows = await outbox.stuck(session=session, guild_id=guild_id, limit=LIST_LIMIT)
        return stuck_pages(rows)


class Outbox(commands.Cog):
    """Ticks the bot's outbox runner: the safety net for steps a crash or an outage left."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.ticks.every(OUTBOX_JOB, self.bot.outbox.tick, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.ticks.stop()

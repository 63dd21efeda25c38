"""The activity log in Discord: /log add, /log share, /log view."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import activity
from bot.texts import commands as command_texts
from bot.texts import local as texts
from cogs._checks import is_moderator
from cogs._interactions import reply, snowflake
from cogs._pager import page_message
from cogs._persistent import Clicked, Persistent
from cogs.local._render import log_pages
from db.enums import ActivityKind

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

KIND_CHOICES = [
    app_commands.Choice(name=texts.ACTIVITY_LABELS[kind], value=kind.value)
    for kind in ActivityKind
    if kind != ActivityKind.PRACTICE_CALL  # recorded by the bot when a practice call happened
]


class LogPage(enum.StrEnum):
    """The one kind of click under /log view: turn the page."""

    PAGE = "page"


class ActivityLog(commands.Cog):
    """Members record what they did locally; mentors and circles see it when the member allows."""

    log_group = app_commands.Group(name="log", description=command_texts.LOG, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @log_group.command(name="add", description=command_texts.LOG_ADD)
    @app_commands.describe(kind=command_texts.LOG_ADD__KIND, note=command_texts.LOG_ADD__NOTE)
    @app_commands.choices(kind=KIND_CHOICES)
    async def log_add(
        self,
        interaction: discord.Interaction[Any],
        kind: app_commands.Choice[str],
        note: app_commands.Range[str, 0, activity.MAX_NOTE] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            logged = await activity.log(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                kind=ActivityKind(kind.value),
                note=note,
                now=self.bot.clock(),
            )
        saved = texts.LOG_SAVED.format(kind=texts.ACTIVITY_LABELS[logged.kind])
        await reply(
            interaction, saved + (texts.LOG_SAVED_SHARED if logged.audience else texts.LOG_SAVED_PRIVATE)
        )
        if logged.audience is not None:
            await self.bot.messenger.share_activity(logged, logged.audience)

    @log_group.command(name="share", description=command_texts.LOG_SHARE)
    @app_commands.describe(share=command_texts.LOG_SHARE__SHARE)
    async def log_share(self, interaction: discord.Interaction[Any], share: bool) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            await activity.set_sharing(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                share=share,
                now=self.bot.clock(),
            )
        await reply(interaction, texts.LOG_SHARE_ON if share else texts.LOG_SHARE_OFF)

    @log_group.command(name="view", description=command_texts.LOG_VIEW)
    @app_commands.describe(member=command_texts.LOG_VIEW__MEMBER)
    async def view_log(
        self, interaction: discord.Interaction[Any], member: discord.Member | None = None
    ) -> None:
        assert interaction.guild_id is not None
        subject = member.id if member is not None else interaction.user.id
        await reply(interaction, **await self._log_page(interaction, subject, 0))

    async def _log_page(
        self, interaction: discord.Interaction[Any], subject: int, page: int
    ) -> dict[str, Any]:
        """That page of `subject`'s log, as the one who asks may see it (checked on every page)."""
        assert interaction.guild_id is not None
        moderator = subject != interaction.user.id and await is_moderator(interaction)
        async with self.bot.sessions() as session:
            view = await activity.view(
                session=session,
                guild_id=interaction.guild_id,
                viewer_user_id=interaction.user.id,
                subject_user_id=subject,
                viewer_is_moderator=moderator,
                now=self.bot.clock(),
            )
        return page_message(LOG_PAGE, log_pages(view), page, of=subject)

    async def on_log_page(self, interaction: discord.Interaction[Any], clicked: Clicked[LogPage]) -> None:
        """Previous / Next under /log view: that page of the member's log, as it is now."""
        message = await self._log_page(interaction, clicked.id, int(clicked.arg or 0))
        await interaction.response.edit_message(**{"view": None, **message})


# Previous / Next under /log view: the id is whose log it is, the arg the page to show.
LOG_PAGE = Persistent(
    "gw:lg",
    owner=ActivityLog,
    answers=LogPage,
    handler=ActivityLog.on_log_page,
    ids=snowflake,
    arg=r"[0-9]{1,4}",
)
ITEMS = (LOG_PAGE.item,)

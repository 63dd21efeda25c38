"""/privacy: members see, export and delete what groundwork keeps about them; deletion after leaving,
and at once when a member's Discord account is deleted."""

from __future__ import annotations

import enum
import io
import json
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import buddies, privacy, privacy_export
from bot.texts import buddies as buddy_texts
from bot.texts import commands as command_texts
from bot.texts import privacy as texts
from cogs._interactions import reply, snowflake
from cogs._persistent import Clicked, Persistent
from cogs._ticks import Ticks

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

RETENTION_JOB = "privacy:retention"
RETENTION_EVERY_HOURS = 6

# Discord has no event and no public flag for a deleted account. It renames the user ("deleted_user_"
# and hex digits; before unique usernames "Deleted User" and hex digits, discriminator 0000), drops
# their avatar and removes them from every server.
DELETED_USERNAME = re.compile(r"deleted_user_[0-9a-f]{6,}")
DELETED_LEGACY_NAME = re.compile(r"Deleted User [0-9a-f]{6,}")


def is_deleted_account(user: discord.User | discord.Member) -> bool:
    """Whether Discord shows this user as a deleted account."""
    if user.bot or user.avatar is not None:
        return False
    if DELETED_USERNAME.fullmatch(user.name):
        return True
    return user.discriminator == "0000" and DELETED_LEGACY_NAME.fullmatch(user.name) is not None


class DeleteChoice(enum.StrEnum):
    """The two buttons under /privacy delete's question."""

    YES = "yes"
    NO = "no"


class Privacy(commands.Cog):
    """Members' control of their own data."""

    group = app_commands.Group(name="privacy", description=command_texts.PRIVACY, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(DELETE.item)
        self.ticks.every(RETENTION_JOB, self.delete_departed, hours=RETENTION_EVERY_HOURS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(DELETE.item)
        self.ticks.stop()

    async def _everything(self, interaction: discord.Interaction[Any]) -> dict[str, Any]:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            return await privacy.everything_about(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )

    @group.command(name="show", description=command_texts.PRIVACY_SHOW)
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        data = await self._everything(interaction)
        lines = [f"**{texts.SHOW_TITLE}**", texts.SHOW_INTRO, *privacy.summary_lines(data)]
        await reply(interaction, "\n".join(lines))

    @group.command(name="export", description=command_texts.PRIVACY_EXPORT)
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Everything kept about them as a file a person can read, and in a sentence what it holds."""
        data = await self._everything(interaction)
        readable = privacy_export.readable(
            data,
            server=interaction.guild.name if interaction.guild is not None else "",
            now=self.bot.clock(),
            names=self._names(interaction.guild, privacy_export.people(data)),
        )
        payload = json.dumps(readable, indent=2, ensure_ascii=False, default=str).encode()
        await reply(
            interaction,
            privacy_export.summary(data),
            file=discord.File(io.BytesIO(payload), filename="groundwork-my-data.json"),
        )

    def _names(self, guild: discord.Guild | None, user_ids: set[int]) -> dict[int, str]:
        """The people an export names, as the server shows them (those it no longer knows stay unnamed)."""
        names: dict[int, str] = {}
        for user_id in user_ids:
            person = guild.get_member(user_id) if guild is not None else None
            user = person or self.bot.get_user(user_id)
            if user is not None:
                names[user_id] = user.display_name
        return names

    @group.command(name="delete", description=command_texts.PRIVACY_DELETE)
    async def delete(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        await self._everything(interaction)  # says so when there is nothing to delete
        view = DELETE.view(
            interaction.guild_id,
            (
                (DeleteChoice.YES, texts.DELETE_BUTTON, discord.ButtonStyle.danger),
                (DeleteChoice.NO, texts.CANCEL_BUTTON, discord.ButtonStyle.secondary),
            ),
        )
        await reply(interaction, texts.DELETE_CONFIRM, view=view)

    async def confirm_delete(
        self, interaction: discord.Interaction[Any], clicked: Clicked[DeleteChoice]
    ) -> None:
        """The answer to /privacy delete's question; it only ever deletes the data of whoever presses it."""
        guild_id = clicked.id
        if clicked.answer != DeleteChoice.YES:
            await interaction.response.edit_message(content=texts.CANCELLED, view=None)
            return
        async with self.bot.sessions() as session, session.begin():
            deletion = await privacy.delete_member_data(
                session=session,
                guild_id=guild_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
                reason="request",
            )
        await interaction.response.edit_message(content=texts.DELETED, view=None)
        await self._after_deletion(deletion, interaction.user.mention)

    async def _after_deletion(
        self, deletion: privacy.Deletion, who: str, notice: str = texts.ORGANIZER_NOTICE
    ) -> None:
        """Organizers hear that a mentorship ended; mentees of a deleted organizer get a new mentor;
        a buddy left alone hears they will be offered someone new."""
        if deletion.buddies_alone:
            async with self.bot.sessions() as session, session.begin():
                threads = {
                    user_id: await buddies.thread_of(
                        session=session, guild_id=deletion.guild_id, user_id=user_id
                    )
                    for user_id in deletion.buddies_alone
                }
            for user_id, thread_id in threads.items():
                await self.bot.messenger.tell_buddy(user_id, buddy_texts.GONE_FOR_YOU, thread_id)
        if deletion.calls_off:  # the WelcomeCalls cog's listener cancels the events and tells them
            self.bot.dispatch("groundwork_calls_off", deletion.calls_off)
        if deletion.ended_mentorships:
            # The Pairing cog's listener (on_groundwork_data_deleted) tells them.
            self.bot.dispatch(
                "groundwork_data_deleted", deletion.ended_mentorships, notice.format(member=who)
            )

    async def delete_departed(self) -> None:
        """Personal data of members who left longer ago than the retention period."""
        now = self.bot.clock()
        async with self.bot.sessions() as session:
            departed = await privacy.expired_departures(
                session=session,
                now=now,
                retention_days=self.bot.settings.privacy.retention_days_after_leaving,
            )
        for guild_id, user_id in departed:
            try:
                async with self.bot.sessions() as session, session.begin():
                    deletion = await privacy.delete_member_data(
                        session=session, guild_id=guild_id, user_id=user_id, now=now, reason="retention"
                    )
                await self._after_deletion(deletion, f"<@{user_id}>")
            except Exception:
                log.exception("could not delete the data of a departed member of guild %s", guild_id)

    # -- deleted Discord accounts ------------------------------------------------------------

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        """Discord removes a deleted account from every server: a member we keep data about who
        leaves is looked up once, and a deleted account's data goes now, not after the retention period."""
        user = payload.user
        if user.bot:
            return
        async with self.bot.sessions() as session:
            kept = await privacy.guilds_with_data(session=session, user_id=user.id)
        if payload.guild_id in kept and await self._account_is_deleted(user):
            await self.delete_deleted_account(payload.guild_id, user.id)

    @commands.Cog.listener()
    async def on_user_update(self, before: discord.User, after: discord.User) -> None:
        """A member's user turned into a deleted account while still listed in a server."""
        if is_deleted_account(before) or not is_deleted_account(after):
            return
        async with self.bot.sessions() as session:
            kept = await privacy.guilds_with_data(session=session, user_id=after.id)
        for guild_id in kept:
            await self.delete_deleted_account(guild_id, after.id)

    async def _account_is_deleted(self, user: discord.User | discord.Member) -> bool:
        """The removal carries the user as the bot had them cached (their old name): Discord's
        current answer decides."""
        if is_deleted_account(user):
            return True
        try:
            current = await self.bot.fetch_user(user.id)
        except discord.NotFound:
            return True  # Discord no longer knows the account at all
        except discord.HTTPException as error:
            log.warning(
                "could not look up a departed member (HTTP %s); retention deletes later", error.status
            )
            return False
        return is_deleted_account(current)

    async def delete_deleted_account(self, guild_id: int, user_id: int) -> None:
        """Everything about a member whose Discord account was deleted, as /privacy delete removes it."""
        for attempt in (1, 2):
            try:
                async with self.bot.sessions() as session, session.begin():
                    deletion = await privacy.delete_member_data(
                        session=session,
                        guild_id=guild_id,
                        user_id=user_id,
                        now=self.bot.clock(),
                        reason="account_deleted",
                    )
                break
            except GroundworkError:
                # Nothing kept any more (another event about the same deletion came first), or the
                # leaving, handled at the same moment, changed what there was to delete: look again.
                async with self.bot.sessions() as session:
                    kept = await privacy.guilds_with_data(session=session, user_id=user_id)
                if guild_id not in kept:
                    return
                if attempt == 2:
                    raise
        log.info("deleted the data of a deleted Discord account in guild %s", guild_id)
        await self._after_deletion(deletion, f"<@{user_id}>", texts.ACCOUNT_DELETED_NOTICE)


async def setup(bot: GroundworkBot) -> None:
    """Load the Privacy cog."""
    await bot.add_cog(Privacy(bot))


DELETE = Persistent(
    "gw:pd", owner=Privacy, answers=DeleteChoice, handler=Privacy.confirm_delete, ids=snowflake
)

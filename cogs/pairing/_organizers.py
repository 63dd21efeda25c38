"""/organizer: experienced organizers set how many mentees they take; moderators add and confirm them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import pairing
from bot.texts import commands as command_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import pairing as texts
from cogs._checks import moderator_only
from cogs._interactions import reply
from cogs.pairing._cog import when
from db.enums import ReadinessDimension

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


class Organizers(commands.Cog):
    """Organizers' own commands, and moderators adding or confirming them."""

    organizer = app_commands.Group(name="organizer", description=command_texts.ORGANIZER, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @organizer.command(name="add", description=command_texts.ORGANIZER_ADD)
    @app_commands.describe(
        member=command_texts.ORGANIZER_ADD__MEMBER,
        capacity=command_texts.ORGANIZER_ADD__CAPACITY,
        languages=command_texts.ORGANIZER_ADD__LANGUAGES,
    )
    @moderator_only()
    async def organizer_add(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        capacity: app_commands.Range[int, 0, 10] = 2,
        languages: app_commands.Range[str, 0, 100] | None = None,
    ) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            change = await pairing.add_organizer(
                session=session,
                guild_id=interaction.guild_id,
                user_id=member.id,
                capacity=capacity,
                languages=pairing.parse_languages(languages),
                actor_id=interaction.user.id,
                now=self.bot.clock(),
            )
        template = (
            texts.ORGANIZER_ADDED_ACTIVE if change.status == "active" else texts.ORGANIZER_ADDED_PENDING
        )
        await reply(interaction, template.format(who=member.mention, capacity=change.capacity))
        if change.status == "active":
            await self.bot.mentorships.batch(interaction.guild_id)

    @organizer.command(name="confirm", description=command_texts.ORGANIZER_CONFIRM)
    @moderator_only()
    async def organizer_confirm(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        await self.bot.mentorships.confirm_organizer(interaction, member)

    @organizer.command(name="capacity", description=command_texts.ORGANIZER_CAPACITY)
    async def organizer_capacity(
        self, interaction: discord.Interaction[Any], capacity: app_commands.Range[int, 0, 10]
    ) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            change = await pairing.set_capacity(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                capacity=capacity,
                now=self.bot.clock(),
            )
        text = texts.CAPACITY_SET.format(capacity=change.capacity)
        if change.taken > change.capacity:
            text += texts.CAPACITY_BELOW_ACTIVE.format(active=change.taken)
        await reply(interaction, text)

    @organizer.command(name="pause", description=command_texts.ORGANIZER_PAUSE)
    async def organizer_pause(self, interaction: discord.Interaction[Any]) -> None:
        await self._pause(interaction, paused=True)

    @organizer.command(name="resume", description=command_texts.ORGANIZER_RESUME)
    async def organizer_resume(self, interaction: discord.Interaction[Any]) -> None:
        await self._pause(interaction, paused=False)

    async def _pause(self, interaction: discord.Interaction[Any], *, paused: bool) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            await pairing.set_paused(
                session=session,
                guild_id=interaction.guild_id,
                user_id=interaction.user.id,
                paused=paused,
                now=self.bot.clock(),
            )
        await reply(interaction, texts.PAUSED if paused else texts.RESUMED)
        if not paused:
            await self.bot.mentorships.batch(interaction.guild_id)

    @organizer.command(name="mentees", description=command_texts.ORGANIZER_MENTEES)
    async def organizer_mentees(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            mentees = await pairing.mentees(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        if not mentees:
            await reply(interaction, texts.NO_MENTEES)
            return
        lines = [f"**{texts.MENTEES_TITLE}**"]
        for mentee in mentees[:20]:
            readiness = " · ".join(
                f"{onboarding_texts.SHORT_DIMENSION_LABELS[d]} {mentee.readiness[d]}"
                for d in ReadinessDimension
                if d in mentee.readiness
            )
            lines.append(
                texts.MENTEE_LINE.format(
                    member=f"<@{mentee.user_id}>",
                    since=when(mentee.since),
                    readiness=readiness or texts.NO_READINESS,
                )
            )
        await reply(interaction, "\n".join(lines))

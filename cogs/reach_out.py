"""Reaching out: `/reach out` for a mentor (to their mentee), and the Reach out button of a
moderator's member card (to any member); the bot DMs the words, signed, with no pings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.services import reach_out
from bot.texts import commands as command_texts
from bot.texts import reach_out as texts
from cogs._forms import Form, FormRoute
from cogs._interactions import reply, snowflake
from cogs._sender import DiscordSender
from cogs._text import member_text, mention

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

# The moderator's words for one member: gw:ro:<member's Discord id>, the words in WORDS_FIELD.
REACH_OUT_FORMS = FormRoute("gw:ro", ids=snowflake)
WORDS_FIELD = "words"


def message_text(reach: reach_out.ReachOut) -> str:
    """The DM as the member reads it: who wrote (a mention, which a DM never pings with no
    allowed mentions), then their words, escaped."""
    template = texts.FROM_MODERATOR if reach.as_moderator else texts.FROM_MENTOR
    words = member_text(reach.text, limit=reach_out.MAX_LENGTH + 200)  # escaping adds characters
    return template.format(sender=mention(reach.sender_user_id), text=words) + texts.REPLY_HINT


class ReachOutMessages(DiscordSender):
    async def reach_out(self, reach: reach_out.ReachOut) -> bool:
        return await self.introducer.dm(reach.member_user_id, message_text(reach))


def reach_out_form(member_user_id: int) -> Form:
    """A moderator's message to one member (from their member card)."""
    form = Form(REACH_OUT_FORMS, member_user_id, title=texts.MODAL_TITLE)
    words: discord.ui.TextInput[Form] = discord.ui.TextInput(
        custom_id=WORDS_FIELD,
        style=discord.TextStyle.paragraph,
        placeholder=texts.MODAL_PLACEHOLDER,
        required=True,
        max_length=reach_out.MAX_LENGTH,
    )
    form.add_item(
        discord.ui.Label(text=texts.MODAL_LABEL, description=texts.MODAL_DESCRIPTION, component=words)
    )
    return form


async def send(
    bot: GroundworkBot,
    interaction: discord.Interaction[Any],
    member_user_id: int,
    text: str,
    *,
    as_moderator: bool,
) -> None:
    """Check, DM, and record the contact when it was delivered; the sender hears which."""
    assert interaction.guild_id is not None
    await interaction.response.defer(ephemeral=True, thinking=True)
    async with bot.sessions() as session, session.begin():
        reach = await reach_out.check(
            session=session,
            guild_id=interaction.guild_id,
            sender_user_id=interaction.user.id,
            member_user_id=member_user_id,
            text=text,
            as_moderator=as_moderator,
        )
    if not await bot.messenger.reach_out(reach):
        await reply(interaction, texts.NOT_DELIVERED.format(member=mention(member_user_id)))
        return
    async with bot.sessions() as session, session.begin():
        await reach_out.record_delivered(session=session, reach=reach, now=bot.clock())
    await reply(interaction, texts.SENT.format(member=mention(member_user_id)))


class ReachOut(commands.Cog):
    """/reach out: a mentor's personal message to their mentee, through the bot."""

    reach = app_commands.Group(name="reach", description=command_texts.REACH, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    @reach.command(name="out", description=command_texts.REACH_OUT)
    @app_commands.describe(member=command_texts.REACH_OUT_MEMBER, message=command_texts.REACH_OUT_MESSAGE)
    async def out(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        message: app_commands.Range[str, 1, reach_out.MAX_LENGTH],
    ) -> None:
        await send(self.bot, interaction, member.id, message, as_moderator=False)


async def setup(bot: GroundworkBot) -> None:
    await bot.add_cog(ReachOut(bot))

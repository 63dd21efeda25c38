"""What happens in Discord to a mentorship, whoever started it: the bot owns one `Mentorships`
(`bot.mentorships`, made in setup_hook) and hands it to every cog that pairs, ends or re-proposes
(the Pairing and Organizers cogs, /mod), so no cog finds another by name to do it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.services import pairing, waiting
from bot.texts import pairing as texts
from cogs._interactions import reply
from cogs._text import mention
from cogs.pairing._presenter import PairingPresenter
from cogs.pairing._waiting import batch_every

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


class Mentorships:
    """Pairs, ends and re-proposes mentorships, and tells those concerned."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.presenter = PairingPresenter(bot)

    async def confirm_organizer(
        self,
        interaction: discord.Interaction[Any],
        user_id: int,
        *,
        announce: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        """A moderator confirms a member who offered to mentor (/organizer confirm, /mod organizer
        confirm and the Confirm button of their review post alike), then members waiting for a
        mentor are proposed to the new organizer. `announce` says it was done (by default an
        ephemeral reply), before the proposals, which may take a few seconds."""
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            await pairing.confirm_organizer(
                session=session,
                guild_id=interaction.guild_id,
                user_id=user_id,
                actor_id=interaction.user.id,
                now=self.bot.clock(),
            )
        if announce is None:
            await reply(interaction, texts.ORGANIZER_CONFIRMED.format(who=mention(user_id)))
        else:
            await announce()
        await self.batch(interaction.guild_id)

    async def pair_by_hand(
        self, interaction: discord.Interaction[Any], member: discord.Member, mentor: discord.Member
    ) -> None:
        """A moderator's manual pairing (/pairing pair, /mod pair, the member card's select)."""
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.sessions() as session, session.begin():
            made = await pairing.pair_manually(
                session=session,
                guild_id=interaction.guild_id,
                member_user_id=member.id,
                mentor_user_id=mentor.id,
                actor_id=interaction.user.id,
                now=self.bot.clock(),
            )
        await self.presenter.introduce(made)
        await reply(interaction, texts.REVIEW_APPROVED.format(moderator=interaction.user.mention))

    async def end_by_moderator(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        """A moderator ends a member's mentorship (/pairing end, /mod unpair)."""
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session, session.begin():
            ended = await pairing.end_for_member(
                session=session,
                guild_id=interaction.guild_id,
                user_id=member.id,
                actor_id=interaction.user.id,
                now=self.bot.clock(),
            )
        await reply(
            interaction,
            texts.PAIRING_ENDED.format(member=member.mention, mentor=f"<@{ended.mentor_user_id}>"),
        )
        await self.bot.messenger.tell_mentorship_ended(ended, by_moderator=True)

    async def after_ending(self, ended: list[pairing.Ended]) -> None:
        """Tell those affected, and find new mentors for mentees put back on the list."""
        for mentorship in ended:
            await self.bot.messenger.tell_mentorship_ended(mentorship, by_moderator=False)
            await self.repropose(mentorship)

    async def repropose(self, ended: pairing.Ended) -> None:
        """A mentee back on the list: propose the next mentor at once, if one fits."""
        if not ended.requeued:
            return
        now, standing = self.bot.clock(), None
        async with self.bot.sessions() as session, session.begin():
            proposal = await pairing.propose_for(
                session=session, guild_id=ended.guild_id, user_id=ended.member_user_id, now=now
            )
            if proposal is None:  # nobody fits yet: where they stand on the list
                standing = await waiting.tell_standing(
                    session=session,
                    guild_id=ended.guild_id,
                    user_id=ended.member_user_id,
                    now=now,
                    batch_every=batch_every(self.bot),
                    news=waiting.WaitNews.BACK_ON_LIST,
                )
        if proposal is not None:
            await self.presenter.publish(proposal)
        if standing is not None:
            await self.bot.messenger.tell_wait(standing)

    async def batch(self, guild_id: int) -> tuple[int, int]:
        """Propose mentors for everyone waiting in one guild; returns (proposed, still waiting)."""
        # Its own units of work: read, solve with no session open, then write.
        created, waiting = await pairing.run_batch(
            sessions=self.bot.sessions, guild_id=guild_id, now=self.bot.clock()
        )
        for proposal in created:
            await self.presenter.publish(proposal)
        return len(created), waiting

"""/organizer: experienced organizers set how many mentees they take; moderators add and confirm
them, by command or with the Confirm button on the review post of a member who offered to mentor."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import NotFoundError
from bot.services import languages, outbox, paging, pairing
from bot.services.onboarding import Completion
from bot.texts import commands as command_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import pairing as texts
from cogs._checks import moderator_only, require_moderator
from cogs._interactions import GroundworkView, reply
from cogs._pager import page_message, pages_of
from cogs._persistent import Clicked, Persistent
from cogs._text import member_text, mention
from cogs.pairing._cog import when
from db.enums import ChatTaskKind, Experience, OrganizerStatus, ReadinessDimension

if TYPE_CHECKING:
    from bot.bot import GroundworkBot


class MenteesPage(enum.StrEnum):
    """The one kind of click under /organizer mentees: turn the page."""

    PAGE = "page"


class OrganizerReviewAnswer(enum.StrEnum):
    CONFIRM = "confirm"


def organizer_review_embed(review: pairing.OrganizerReview) -> discord.Embed:
    """A member who offered to mentor, as moderators review them."""
    names = [languages.LANGUAGES.get(code, (code, code))[1] for code in review.languages]
    experience = (
        onboarding_texts.EXPERIENCE_LABELS.get(Experience(review.experience), review.experience)
        if review.experience
        else texts.REVIEW_NOTHING_SHARED
    )
    note = (
        texts.ORGANIZER_REVIEW_NOTE.format(note=member_text(review.experience_note, limit=300))
        if review.experience_note
        else ""
    )
    body = texts.ORGANIZER_REVIEW_BODY.format(
        member=mention(review.user_id),
        capacity=review.capacity,
        experience=experience,
        languages=", ".join(names) or texts.REVIEW_NOTHING_SHARED,
        note=note,
    )
    return discord.Embed(title=texts.ORGANIZER_REVIEW_TITLE, description=body, colour=discord.Colour.green())


def organizer_review_view(member_id: int) -> discord.ui.View:
    view = GroundworkView(timeout=None)
    view.add_item(
        ORGANIZER_CONFIRM.button(
            member_id, label=texts.ORGANIZER_REVIEW_CONFIRM, style=discord.ButtonStyle.success
        )
    )
    return view


class Organizers(commands.Cog):
    """Organizers' own commands, and moderators adding or confirming them."""

    organizer = app_commands.Group(name="organizer", description=command_texts.ORGANIZER, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)
        self.bot.outbox.register(ChatTaskKind.ORGANIZER_REVIEW, self.review_task)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)

    @commands.Cog.listener()
    async def on_member_onboarded(self, completion: Completion) -> None:
        """A member who offered to mentor and waits for confirmation: posted for review now."""
        if completion.organizer_status == OrganizerStatus.PENDING:
            await self.bot.outbox.run_now(ChatTaskKind.ORGANIZER_REVIEW, completion.member_id)

    async def review_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for organizers awaiting confirmation: their review post with a
        Confirm button. Nothing for one confirmed or gone meanwhile; a retry does not post twice;
        with no review channel (or a refusal), the moderators are told once and the step settles."""
        async with self.bot.sessions() as session, session.begin():
            review = await pairing.organizer_review_due(session=session, member_id=task.subject_id)
            if review is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
                return True
        message_id = await self.bot.messenger.post_organizer_review(review, retry=task.attempts > 1)
        async with self.bot.sessions() as session, session.begin():
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        if message_id is None and settled:
            await self.bot.messenger.warn_moderators(review.guild_id, texts.ORGANIZER_REVIEW_NO_CHANNEL)
        return message_id is not None

    async def on_confirm(
        self, interaction: discord.Interaction[Any], clicked: Clicked[OrganizerReviewAnswer]
    ) -> None:
        """A moderator of that server confirms the organizer from their review post: the same
        action as /mod organizer confirm (members waiting are proposed to them)."""
        async with self.bot.sessions() as session:
            found = await pairing.pending_organizer(session=session, member_id=clicked.id)
        if found is None:
            raise NotFoundError(texts.NOT_AN_ORGANIZER_ANY_MORE)
        guild_id, user_id = found
        await require_moderator(interaction, guild_id)
        await interaction.response.defer()
        await self.bot.mentorships.confirm_organizer(
            interaction,
            user_id,
            announce=lambda: interaction.edit_original_response(
                content=texts.ORGANIZER_REVIEW_CONFIRMED.format(
                    member=mention(user_id), moderator=interaction.user.mention
                ),
                embed=None,
                view=None,
                allowed_mentions=discord.AllowedMentions.none(),
            ),
        )

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
        elif change.member_id is not None:  # waiting for a moderator: posted in the review channel
            await self.bot.outbox.run_now(ChatTaskKind.ORGANIZER_REVIEW, change.member_id)

    @organizer.command(name="confirm", description=command_texts.ORGANIZER_CONFIRM)
    @moderator_only()
    async def organizer_confirm(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        await self.bot.mentorships.confirm_organizer(interaction, member.id)

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
        pages = await self._mentee_pages(interaction.guild_id, interaction.user.id)
        if pages is None:
            await reply(interaction, texts.NO_MENTEES)
            return
        await reply(interaction, **page_message(MENTEES_PAGE, pages, 0))

    async def _mentee_pages(self, guild_id: int, user_id: int) -> paging.Pages | None:
        """The organizer's mentees, a line each, as pages (None: they have none)."""
        async with self.bot.sessions() as session:
            mentees = await pairing.mentees(session=session, guild_id=guild_id, user_id=user_id)
        if not mentees:
            return None
        lines = []
        for mentee in mentees:
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
        return pages_of(lines, header=f"**{texts.MENTEES_TITLE}**")

    async def on_mentees_page(
        self, interaction: discord.Interaction[Any], clicked: Clicked[MenteesPage]
    ) -> None:
        """Previous / Next under /organizer mentees: that page of the clicker's own mentees, as now."""
        assert interaction.guild_id is not None
        pages = await self._mentee_pages(interaction.guild_id, interaction.user.id)
        if pages is None:
            await interaction.response.edit_message(content=texts.NO_MENTEES, view=None)
            return
        await interaction.response.edit_message(
            **{"view": None, **page_message(MENTEES_PAGE, pages, clicked.id)}
        )


# The Confirm button on an organizer's review post: it keeps working after a restart.
ORGANIZER_CONFIRM = Persistent(
    "gw:or", owner=Organizers, answers=OrganizerReviewAnswer, handler=Organizers.on_confirm
)
# Previous / Next under /organizer mentees (each organizer turns only their own list).
MENTEES_PAGE = Persistent("gw:om", owner=Organizers, answers=MenteesPage, handler=Organizers.on_mentees_page)
ITEMS = (ORGANIZER_CONFIRM.item, MENTEES_PAGE.item)

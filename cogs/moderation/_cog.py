"""/mod: what moderators see and do. Visible only with Manage Server, and checked again in code."""

from __future__ import annotations

import enum
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import attention, checkins, members, moderation, pairing, waiting
from bot.services.audit import record
from bot.texts import commands as command_texts
from bot.texts import moderation as texts
from bot.texts import pairing as pairing_texts
from cogs import reach_out
from cogs._checks import moderator_only, require_moderator
from cogs._forms import Submitted
from cogs._interactions import GroundworkView, reply, snowflake
from cogs._pager import page_message
from cogs._persistent import Clicked, Persistent
from cogs.local import circles_pages
from cogs.moderation._attention import capacity_text
from cogs.moderation._render import (
    audit_pages,
    map_alt,
    member_embed,
    overview_alt,
    overview_text,
    page_text,
)
from cogs.pairing import batch_every
from cogs.reach_out import REACH_OUT_FORMS, WORDS_FIELD, reach_out_form

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

DEFAULT_UPLOAD_LIMIT = 8 * 1024 * 1024
MAX_FILES_PER_MESSAGE = 10
SETTING_CHOICES = [app_commands.Choice(name=key, value=key) for key in moderation.SETTINGS]


class MemberAction(enum.StrEnum):
    """The buttons on a member's card."""

    REACH_OUT = "reach_out"
    UNPAIR = "unpair"
    PAUSE = "pause"
    RESET = "reset"


class ReachPick(enum.StrEnum):
    """The /mod unattended page's select has one answer: the member chosen."""

    PICK = "pick"


class PairPick(enum.StrEnum):
    """The member card's organizer select has one answer: the organizer chosen."""

    PICK = "pick"


class Moderation(commands.Cog):
    """Moderators' overview, lists, member cards, pairing by hand, settings, exports, map and audit."""

    mod = app_commands.Group(
        name="mod",
        description=command_texts.MOD,
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
    )
    organizer = app_commands.Group(name="organizer", description=command_texts.MOD_ORGANIZER, parent=mod)
    settings = app_commands.Group(name="settings", description=command_texts.MOD_SETTINGS, parent=mod)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*ITEMS)

    def page_message(self, page: moderation.Page) -> dict[str, Any]:
        view = GroundworkView(timeout=None)
        previous = max(page.page - 1, 0)
        view.add_item(PAGE.button(previous, page.kind, label=texts.PREVIOUS, disabled=page.page == 0))
        last = page.page + 1 >= page.pages
        view.add_item(PAGE.button(page.page + 1, page.kind, label=texts.NEXT, disabled=last))
        if page.kind == moderation.MemberList.UNATTENDED and page.items:
            view.add_item(self._reach_select(page))
        return {"content": page_text(page), "view": view}

    def _reach_select(self, page: moderation.Page) -> discord.ui.Item[Any]:
        """Reach out to one of the page's members (a modal for the words)."""
        options = []
        for item in page.items:
            user = self.bot.get_user(item.user_id)
            name = (user.display_name if user else str(item.user_id))[:80]  # a label: plain text, no markup
            label = texts.REACH_OPTION.format(name=name, days=item.days_waiting or 0)
            options.append(discord.SelectOption(label=label[:100], value=str(item.user_id)))
        return REACH_PICK.select(page.page, options=options, placeholder=texts.REACH_PLACEHOLDER, row=1)

    async def on_reach_pick(self, interaction: discord.Interaction[Any], clicked: Clicked[ReachPick]) -> None:
        """The /mod unattended page's Reach out select: the modal for the chosen member."""
        await require_moderator(interaction)
        chosen = clicked.values[0] if clicked.values else ""
        user_id = snowflake(chosen) if chosen.isdigit() and len(chosen) < 20 else 0
        if not user_id:
            raise GroundworkError(pairing_texts.MEMBER_GONE)
        await interaction.response.send_modal(reach_out_form(user_id))

    def member_message(self, card: moderation.MemberCard) -> dict[str, Any]:
        view = GroundworkView(timeout=None)
        if card.mentor_user_id is None and card.status == "active":
            view.add_item(PAIR.user_select(card.user_id, placeholder=texts.ACTION_PAIR))
        actions = [MemberAction.REACH_OUT] if card.status == "active" else []
        actions += [MemberAction.UNPAIR] if card.mentor_user_id else []
        if not card.checkins_paused and card.status == "active":
            actions.append(MemberAction.PAUSE)
        actions.append(MemberAction.RESET)
        for action in actions:
            style = (
                discord.ButtonStyle.danger if action == MemberAction.RESET else discord.ButtonStyle.secondary
            )
            view.add_item(
                MEMBER_ACTION.button(card.user_id, action, label=texts.ACTIONS[action], style=style)
            )
        return {"embed": member_embed(card), "view": view}

    def _guild(self, interaction: discord.Interaction[Any]) -> int:
        assert interaction.guild_id is not None
        return interaction.guild_id

    @mod.command(name="overview", description=command_texts.MOD_OVERVIEW)
    @moderator_only()
    async def overview(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id, now = self._guild(interaction), self.bot.clock()
        async with self.bot.sessions() as session:
            data = await moderation.overview(session=session, guild_id=guild_id, now=now)
            first_contacts = await attention.overview_figures(session=session, guild_id=guild_id, now=now)
            unattended = await attention.unattended_count(session=session, guild_id=guild_id, now=now)
        chart = await moderation.overview_chart(data, unattended=unattended, title=texts.OVERVIEW_TITLE)
        await reply(
            interaction,
            overview_text(data, first_contacts),
            file=discord.File(
                _bytes(chart), filename="overview.png", description=overview_alt(data, unattended=unattended)
            ),
        )

    async def _page(self, guild_id: int, kind: moderation.MemberList, page: int) -> dict[str, Any]:
        async with self.bot.sessions() as session:
            if kind == moderation.MemberList.UNATTENDED:
                result = await attention.unattended(
                    session=session, guild_id=guild_id, now=self.bot.clock(), page=page
                )
            else:
                result = await moderation.member_page(
                    session=session, guild_id=guild_id, kind=kind, page=page
                )
        return self.page_message(result)

    @mod.command(name="isolated", description=command_texts.MOD_ISOLATED)
    @moderator_only()
    async def isolated(self, interaction: discord.Interaction[Any]) -> None:
        await reply(
            interaction, **await self._page(self._guild(interaction), moderation.MemberList.ISOLATED, 0)
        )

    @mod.command(name="unattended", description=command_texts.MOD_UNATTENDED)
    @moderator_only()
    async def unattended(self, interaction: discord.Interaction[Any]) -> None:
        await reply(
            interaction, **await self._page(self._guild(interaction), moderation.MemberList.UNATTENDED, 0)
        )

    @mod.command(name="unpaired", description=command_texts.MOD_UNPAIRED)
    @moderator_only()
    async def unpaired(self, interaction: discord.Interaction[Any]) -> None:
        await reply(
            interaction, **await self._page(self._guild(interaction), moderation.MemberList.UNPAIRED, 0)
        )

    async def on_page(
        self, interaction: discord.Interaction[Any], clicked: Clicked[moderation.MemberList]
    ) -> None:
        await require_moderator(interaction)
        page = await self._page(self._guild(interaction), clicked.answer, clicked.id)
        await interaction.response.edit_message(**page)

    @mod.command(name="member", description=command_texts.MOD_MEMBER)
    @moderator_only()
    async def member(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        async with self.bot.sessions() as session:
            card = await moderation.member_card(
                session=session, guild_id=self._guild(interaction), user_id=member.id
            )
        await reply(interaction, **self.member_message(card))

    async def on_member_action(
        self, interaction: discord.Interaction[Any], clicked: Clicked[MemberAction]
    ) -> None:
        await require_moderator(interaction)
        action, user_id = clicked.answer, clicked.id
        if action == MemberAction.REACH_OUT:  # the modal first: an interaction is answered within 3 s
            await interaction.response.send_modal(reach_out_form(user_id))
            return
        guild_id, now, actor = self._guild(interaction), self.bot.clock(), interaction.user.id
        async with self.bot.sessions() as session, session.begin():
            await moderation.member_card(
                session=session, guild_id=guild_id, user_id=user_id
            )  # still known here?
            if action == MemberAction.UNPAIR:
                ended = await pairing.end_for_member(
                    session=session, guild_id=guild_id, user_id=user_id, actor_id=actor, now=now
                )
                text = pairing_texts.PAIRING_ENDED.format(
                    member=f"<@{user_id}>", mentor=f"<@{ended.mentor_user_id}>"
                )
            elif action == MemberAction.PAUSE:
                await checkins.pause(session=session, guild_id=guild_id, user_id=user_id, until=None, now=now)
                await record(
                    session=session,
                    now=now,
                    guild_id=guild_id,
                    actor_id=actor,
                    target_user_id=user_id,
                    action="mod.checkins_paused",
                )
                text = texts.PAUSE_DONE.format(member=f"<@{user_id}>")
            else:
                await members.reset_onboarding(
                    session=session, guild_id=guild_id, user_id=user_id, actor_id=actor, now=now
                )
                text = texts.RESET_DONE.format(member=f"<@{user_id}>")
        await reply(interaction, text)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await REACH_OUT_FORMS.answer(interaction, self.on_reach_out)

    async def on_reach_out(self, interaction: discord.Interaction[Any], submitted: Submitted) -> None:
        """The member card's Reach out, written: the bot DMs it, signed as a moderator's."""
        await require_moderator(interaction)
        await reach_out.send(
            self.bot, interaction, submitted.id, submitted.text(WORDS_FIELD), as_moderator=True
        )

    async def on_pair_select(self, interaction: discord.Interaction[Any], clicked: Clicked[PairPick]) -> None:
        """The member card's organizer select: the same manual pairing as /mod pair."""
        await require_moderator(interaction)
        guild = interaction.guild
        member = guild.get_member(clicked.id) if guild else None
        mentor = clicked.users[0] if clicked.users else None
        if member is None or not isinstance(mentor, discord.Member):
            raise GroundworkError(pairing_texts.MEMBER_GONE)
        await self.bot.mentorships.pair_by_hand(interaction, member, mentor)

    @mod.command(name="pair", description=command_texts.MOD_PAIR)
    @moderator_only()
    async def pair(
        self, interaction: discord.Interaction[Any], member: discord.Member, mentor: discord.Member
    ) -> None:
        await self.bot.mentorships.pair_by_hand(interaction, member, mentor)

    @mod.command(name="unpair", description=command_texts.MOD_UNPAIR)
    @moderator_only()
    async def unpair(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        await self.bot.mentorships.end_by_moderator(interaction, member)

    @organizer.command(name="confirm", description=command_texts.MOD_ORGANIZER_CONFIRM)
    @moderator_only()
    async def organizer_confirm(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        await self.bot.mentorships.confirm_organizer(interaction, member.id)

    @organizer.command(name="remove", description=command_texts.MOD_ORGANIZER_REMOVE)
    @moderator_only()
    async def organizer_remove(self, interaction: discord.Interaction[Any], member: discord.Member) -> None:
        async with self.bot.sessions() as session, session.begin():
            ended = await pairing.remove_organizer(
                session=session,
                guild_id=self._guild(interaction),
                user_id=member.id,
                actor_id=interaction.user.id,
                now=self.bot.clock(),
            )
        await reply(interaction, pairing_texts.ORGANIZER_REMOVED.format(who=member.mention, count=len(ended)))
        await self.bot.mentorships.after_ending(ended)

    @settings.command(name="show", description=command_texts.MOD_SETTINGS_SHOW)
    @moderator_only()
    async def settings_show(self, interaction: discord.Interaction[Any]) -> None:
        async with self.bot.sessions() as session, session.begin():
            values = await moderation.current_settings(
                session=session, guild_id=self._guild(interaction), defaults=self.bot.settings.guild_defaults
            )
        lines = [f"**{texts.SETTINGS_TITLE}**"]
        for key, value in values.items():
            setting = moderation.SETTINGS[key]
            shown = (
                f"<#{value}>"
                if setting.kind == "channel" and value
                else f"<@&{value}>"
                if setting.kind == "role" and value
                else f"`{value}`"
            )
            lines.append(f"`{key}` = {shown} · {setting.description}")
        await reply(interaction, "\n".join(lines))

    @settings.command(name="set", description=command_texts.MOD_SETTINGS_SET)
    @app_commands.describe(
        key=command_texts.MOD_SETTINGS_SET__KEY, value=command_texts.MOD_SETTINGS_SET__VALUE
    )
    @app_commands.choices(key=SETTING_CHOICES[:25])
    @moderator_only()
    async def settings_set(
        self, interaction: discord.Interaction[Any], key: str, value: app_commands.Range[str, 1, 100]
    ) -> None:
        parsed = moderation.parse_setting(key, value)
        guild = interaction.guild
        assert guild is not None
        kind = moderation.SETTINGS[key].kind
        if (
            kind == "channel"
            and parsed is not None
            and not isinstance(guild.get_channel(parsed), discord.TextChannel | discord.CategoryChannel)
        ):
            raise GroundworkError(
                texts.SETTINGS_BAD_VALUE.format(key=key, problem=texts.SETTINGS_NOT_A_CHANNEL)
            )
        if kind == "role" and parsed is not None and guild.get_role(parsed) is None:
            raise GroundworkError(texts.SETTINGS_BAD_VALUE.format(key=key, problem=texts.SETTINGS_NOT_A_ROLE))
        async with self.bot.sessions() as session, session.begin():
            old, new = await moderation.change_setting(
                session=session,
                now=self.bot.clock(),
                guild_id=guild.id,
                key=key,
                value=parsed,
                actor_id=interaction.user.id,
                defaults=self.bot.settings.guild_defaults,
            )
        await reply(interaction, texts.SETTINGS_CHANGED.format(key=key, old=old, new=new))

    @mod.command(name="export", description=command_texts.MOD_EXPORT)
    @moderator_only()
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        limit = max(
            1024, min(interaction.filesize_limit or DEFAULT_UPLOAD_LIMIT, DEFAULT_UPLOAD_LIMIT) - 1024
        )
        async with self.bot.sessions() as session:
            files = await moderation.members_export(
                session=session, guild_id=self._guild(interaction), max_bytes=limit
            )
            files += await moderation.mentorships_export(
                session=session, guild_id=self._guild(interaction), max_bytes=limit
            )
        batches = [files[i : i + MAX_FILES_PER_MESSAGE] for i in range(0, len(files), MAX_FILES_PER_MESSAGE)]
        for number, batch in enumerate(batches):
            content = (
                texts.EXPORT_DONE.format(files=len(files))
                if number == 0
                else texts.EXPORT_MORE.format(part=number + 1)
            )
            await reply(
                interaction, content, files=[discord.File(_bytes(f.data), filename=f.name) for f in batch]
            )

    @mod.command(name="map", description=command_texts.MOD_MAP)
    @moderator_only()
    async def map(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self.bot.sessions() as session:
            points = await moderation.members_by_area(
                session=session, guild_id=self._guild(interaction), places=self.bot.gazetteer
            )
        if not points:
            await reply(interaction, texts.MAP_EMPTY)
            return
        drawn = await moderation.members_map(
            points, minimum_label=moderation.MIN_LABELLED, title=texts.MAP_TITLE
        )
        await reply(
            interaction,
            texts.MAP_DONE.format(minimum=moderation.MIN_LABELLED),
            file=discord.File(
                _bytes(drawn.png),
                filename="members-map.png",
                description=map_alt(points, drawn, minimum=moderation.MIN_LABELLED),
            ),
        )

    @mod.command(name="circles", description=command_texts.MOD_CIRCLES)
    @moderator_only()
    async def circles(self, interaction: discord.Interaction[Any]) -> None:
        pages = await circles_pages(self.bot, self._guild(interaction))
        await reply(interaction, **page_message(CIRCLES_PAGE, pages, 0))

    async def on_circles_page(
        self, interaction: discord.Interaction[Any], clicked: Clicked[CirclesPage]
    ) -> None:
        """Previous / Next under /mod circles: that page of the circles as they are now."""
        await require_moderator(interaction)
        pages = await circles_pages(self.bot, self._guild(interaction))
        await interaction.response.edit_message(
            **{"view": None, **page_message(CIRCLES_PAGE, pages, clicked.id)}
        )

    @mod.command(name="outbox", description=command_texts.MOD_OUTBOX)
    @moderator_only()
    async def outbox(self, interaction: discord.Interaction[Any]) -> None:
        pages = await self.bot.outbox.stuck(self._guild(interaction))
        await reply(interaction, **page_message(OUTBOX_PAGE, pages, 0))

    async def on_outbox_page(
        self, interaction: discord.Interaction[Any], clicked: Clicked[OutboxPage]
    ) -> None:
        """Previous / Next under /mod outbox: that page of the stuck steps as they are now."""
        await require_moderator(interaction)
        pages = await self.bot.outbox.stuck(self._guild(interaction))
        await interaction.response.edit_message(
            **{"view": None, **page_message(OUTBOX_PAGE, pages, clicked.id)}
        )

    @mod.command(name="attention", description=command_texts.MOD_ATTENTION)
    @moderator_only()
    async def attention(self, interaction: discord.Interaction[Any]) -> None:
        async with self.bot.sessions() as session:
            plan = await waiting.capacity_plan(
                session=session,
                guild_id=self._guild(interaction),
                now=self.bot.clock(),
                batch_every=batch_every(self.bot),
            )
        await reply(interaction, capacity_text(plan))

    @mod.command(name="audit", description=command_texts.MOD_AUDIT)
    @moderator_only()
    async def audit(
        self,
        interaction: discord.Interaction[Any],
        member: discord.User | None = None,
        moderator: discord.User | None = None,
    ) -> None:
        about = AuditFilter(member.id if member else None, moderator.id if moderator else None)
        await reply(interaction, **await self._audit_page(self._guild(interaction), about, 0))

    async def _audit_page(self, guild_id: int, about: AuditFilter, page: int) -> dict[str, Any]:
        async with self.bot.sessions() as session:
            lines = await moderation.audit_lines(
                session=session, guild_id=guild_id, member_id=about.member_id, moderator_id=about.moderator_id
            )
        return page_message(AUDIT_PAGE, audit_pages(lines), page, arg=about.arg())

    async def on_audit_page(self, interaction: discord.Interaction[Any], clicked: Clicked[AuditPage]) -> None:
        """Previous / Next under /mod audit: that page of the log as it is now (same filters)."""
        await require_moderator(interaction)
        about = AuditFilter.parse(clicked.arg)
        message = await self._audit_page(self._guild(interaction), about, clicked.id)
        await interaction.response.edit_message(**{"view": None, **message})


class OutboxPage(enum.StrEnum):
    """The one kind of click under /mod outbox: turn the page."""

    PAGE = "page"


class CirclesPage(enum.StrEnum):
    """The one kind of click under /mod circles: turn the page."""

    PAGE = "page"


class AuditPage(enum.StrEnum):
    """The one kind of click under /mod audit: turn the page."""

    PAGE = "page"


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Whom an audit listing is about (a member) or by (a moderator), carried in its buttons."""

    member_id: int | None
    moderator_id: int | None

    def arg(self) -> str:
        return f"{self.member_id or ''}.{self.moderator_id or ''}"

    @classmethod
    def parse(cls, arg: str | None) -> AuditFilter:
        member, _, moderator = (arg or ".").partition(".")
        return cls(int(member) if member else None, int(moderator) if moderator else None)


def _bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


# The moderator's buttons and select (their messages are ephemeral; they work after a restart too).
PAGE = Persistent("gw:mp", owner=Moderation, answers=moderation.MemberList, handler=Moderation.on_page)
MEMBER_ACTION = Persistent(
    "gw:ma", owner=Moderation, answers=MemberAction, handler=Moderation.on_member_action, ids=snowflake
)
PAIR = Persistent(
    "gw:mpair", owner=Moderation, answers=PairPick, handler=Moderation.on_pair_select, ids=snowflake
)
REACH_PICK = Persistent("gw:mro", owner=Moderation, answers=ReachPick, handler=Moderation.on_reach_pick)
# Previous / Next under /mod audit; the arg says whom the listing is about or by.
AUDIT_PAGE = Persistent(
    "gw:au",
    owner=Moderation,
    answers=AuditPage,
    handler=Moderation.on_audit_page,
    arg=r"[0-9]{0,20}\.[0-9]{0,20}",
)
CIRCLES_PAGE = Persistent("gw:mc", owner=Moderation, answers=CirclesPage, handler=Moderation.on_circles_page)
OUTBOX_PAGE = Persistent("gw:mo", owner=Moderation, answers=OutboxPage, handler=Moderation.on_outbox_page)
ITEMS = (
    PAGE.item,
    MEMBER_ACTION.item,
    PAIR.item,
    REACH_PICK.item,
    AUDIT_PAGE.item,
    CIRCLES_PAGE.item,
    OUTBOX_PAGE.item,
)

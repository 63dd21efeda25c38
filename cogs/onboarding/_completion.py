"""After the member confirms: roles, what is near them, and a short public welcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.services import onboarding, outbox
from bot.services.nearby import NearbySummary
from bot.texts import onboarding as texts
from cogs._retry import retry_later
from cogs._text import member_text
from cogs.outbox import Handler
from cogs.send_budget import Urgency
from db.enums import ChatTaskKind

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

MAX_NAMED_NEIGHBOURS = 10
ROLE_REASON = "groundwork: member finished onboarding"
ANNOUNCE_LOOKBACK = 5  # the bot's latest lines looked through after a crash mid-announcement


def _area(name: str | None) -> str:
    return member_text(name or "", limit=100)


# How a member who gave only an area gives their town on Discord.
FAR = onboarding.FarWords(member=texts.DONE_AREA_FAR, organizer=texts.DONE_AREA_FAR_ORGANIZER)


def nearness_lines(summary: NearbySummary, *, organizer: bool = False) -> list[str]:
    """Who is near (onboarding.nearness_lines), the neighbours happy to be seen as mentions."""
    named = [f"<@{n.user_id}>" for n in summary.named[:MAX_NAMED_NEIGHBOURS]]
    return onboarding.nearness_lines(summary, named=named, shown=_area, far=FAR, organizer=organizer)


def isolated_text(summary: NearbySummary) -> str:
    """The offer of a mentor, sent to an isolated member after the closing message. That message
    already said they are the first near them, so this says it once more only in other words:
    what the offer is (issue 18: the isolated-member sentence is said once)."""
    return texts.MENTOR_OFFER_AREA if summary.area_precision is not None else texts.MENTOR_OFFER


def done_message(completion: onboarding.Completion, *, roles_given: bool) -> str:
    """What the member reads once they confirmed."""
    named = [f"<@{n.user_id}>" for n in completion.nearby.named[:MAX_NAMED_NEIGHBOURS]]
    lines = [
        f"## {texts.DONE_TITLE}",
        *onboarding.closing_lines(completion, named=named, shown=_area, far=FAR),
    ]
    if not roles_given:
        lines.append(texts.ROLES_FAILED)
    lines.append(texts.DONE_NEXT)
    return "\n\n".join(lines)


class CompletionPresenter:
    """Confirms a conversation and carries out what follows in Discord."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot

    async def confirm(
        self,
        interaction: discord.Interaction[Any],
        session_id: int,
        known: onboarding.Conversation | None = None,
    ) -> None:
        await interaction.response.defer()
        async with self.bot.sessions() as session, session.begin():
            completion = await onboarding.complete(
                session=session,
                session_id=session_id,
                user_id=interaction.user.id,
                now=self.bot.clock(),
                resolver=self.bot.gazetteer,
                known=known,
            )
        steps = self.bot.outbox
        roles_given = await steps.run_now(ChatTaskKind.MEMBER_ROLES, completion.member_id)
        await interaction.edit_original_response(
            content=done_message(completion, roles_given=roles_given),
            embed=None,
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await steps.run_now(ChatTaskKind.ANNOUNCEMENT, completion.member_id)
        self.bot.dispatch("member_onboarded", completion)

    def outbox_handlers(self) -> dict[ChatTaskKind, Handler]:
        return {ChatTaskKind.MEMBER_ROLES: self.roles_task, ChatTaskKind.ANNOUNCEMENT: self.announce_task}

    async def _settle(self, task: outbox.Task) -> None:
        async with self.bot.sessions() as session, session.begin():
            await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())

    async def roles_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for roles after onboarding: the member role and the region role.
        Idempotent: roles they hold are not given again; a region role is found by name (or by the
        id an earlier attempt recorded) before one is created. A 5xx raises, so it is retried;
        Discord refusing (missing permission, member gone) settles it as not done."""
        async with self.bot.sessions() as session:
            due = await onboarding.roles_due(session=session, member_id=task.subject_id)
        guild = self.bot.get_guild(due.guild_id) if due else None
        if due is None or guild is None:
            await self._settle(task)
            return False
        try:
            member = guild.get_member(due.user_id) or await guild.fetch_member(due.user_id)
            roles: list[discord.abc.Snowflake] = []
            if due.member_role_id and (role := guild.get_role(due.member_role_id)):
                roles.append(role)
            if due.region_role is not None:
                roles.append(await self._region_role(guild, due.region_role.name, task))
            missing = [role for role in roles if member.get_role(role.id) is None]
            if missing:
                # The closing message says whether they were given: the member is waiting on them.
                await self.bot.send_budget.turn(Urgency.NOW, len(missing))  # one request a role
                await member.add_roles(*missing, reason=ROLE_REASON)
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not give roles to %s in %s: %s", due.user_id, guild.id, exc)
            await self._settle(task)
            return False
        await self._settle(task)
        return True

    async def _region_role(self, guild: discord.Guild, name: str, task: outbox.Task) -> discord.Role:
        recorded = guild.get_role(task.result_id or 0)
        if recorded is not None and recorded.name == name:
            return recorded
        existing = discord.utils.get(guild.roles, name=name)
        if existing is not None:
            return existing
        role = await guild.create_role(name=name, mentionable=False, reason="groundwork: region role")
        async with self.bot.sessions() as session, session.begin():
            await outbox.progress(
                session=session, task_id=task.task_id, worker=self.bot.outbox.worker, result_id=role.id
            )
        return role

    async def announce_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for the welcome line: one privacy-respecting line in the
        announcement channel, the region at most. Posted once: its message id is recorded at once,
        and after a crash mid-step the bot's last messages there are looked through first."""
        async with self.bot.sessions() as session:
            due = await onboarding.announcement_due(session=session, member_id=task.subject_id)
        guild = self.bot.get_guild(due.guild_id) if due else None
        channel = guild.get_channel(due.channel_id or 0) if due and guild else None
        if (
            due is None
            or task.result_id is not None
            or not isinstance(channel, discord.TextChannel | discord.Thread)
        ):
            await self._settle(task)
            return task.result_id is not None
        if due.area:
            content = texts.ANNOUNCE_FROM.format(area=member_text(due.area, limit=200))
        else:
            content = texts.ANNOUNCE_PLAIN
        try:
            if not (task.resumed and await self._announced(channel, content)):
                await self.bot.send_budget.turn(Urgency.FOLLOW_UP)
                message = await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
                async with self.bot.sessions() as session, session.begin():
                    await outbox.progress(
                        session=session,
                        task_id=task.task_id,
                        worker=self.bot.outbox.worker,
                        result_id=message.id,
                    )
        except discord.HTTPException as exc:
            if retry_later(exc):
                raise
            log.warning("could not announce a new member in %s: %s", channel.id, exc)
            await self._settle(task)
            return False
        await self._settle(task)
        return True

    async def _announced(self, channel: discord.TextChannel | discord.Thread, content: str) -> bool:
        me = self.bot.user.id if self.bot.user else 0
        async for message in channel.history(limit=ANNOUNCE_LOOKBACK):
            if message.author.id == me and message.content == content:
                return True
        return False

"""After the member confirms: roles, what is near them, and a short public welcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.services import onboarding
from bot.services.nearby import NearbySummary
from bot.texts import onboarding as texts
from cogs._text import member_text
from db.enums import OrganizerStatus

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

MAX_NAMED_NEIGHBOURS = 10
ROLE_REASON = "groundwork: member finished onboarding"


def _area(name: str | None) -> str:
    return member_text(name or "", limit=100)


def nearness_lines(summary: NearbySummary) -> list[str]:
    """Who is near, as a member is told it: by km for a town, "in Utah" for an area (a member
    who gave only a county, region or country has no point, so never a radius)."""
    if summary.area_precision is not None:
        area = _area(summary.area_name)
        if summary.isolated and summary.same_area:
            return [texts.DONE_AREA_OTHERS.format(count=summary.same_area, area=area), texts.DONE_AREA_FAR]
        if summary.isolated:
            return [texts.DONE_AREA_ALONE.format(area=area)]
        lines = (
            [texts.DONE_AREA_OTHERS.format(count=summary.same_area, area=area)] if summary.same_area else []
        )
    elif summary.isolated:
        return [texts.DONE_ISOLATED.format(radius=summary.radius_km)]
    else:
        lines = []
        if summary.within_radius:
            lines.append(texts.DONE_NEARBY.format(count=summary.within_radius, radius=summary.radius_km))
        named = [f"<@{n.user_id}>" for n in summary.named[:MAX_NAMED_NEIGHBOURS]]
        if named:
            lines.append(texts.DONE_NEARBY_NAMED.format(names=", ".join(named)))
    lines += [
        texts.DONE_NEARBY_AREA.format(count=count, area=_area(name)) for name, count in summary.near_areas
    ]
    return lines


def isolated_text(summary: NearbySummary) -> str:
    """What an isolated member is told with the offer of a mentor."""
    return "\n\n".join(nearness_lines(summary))


def done_message(completion: onboarding.Completion, *, roles_given: bool) -> str:
    """What the member reads once they confirmed."""
    summary = completion.nearby
    lines = [f"## {texts.DONE_TITLE}", *nearness_lines(summary)]
    if completion.place.precision != "country":
        lines.append(
            texts.DONE_REGION_COUNTS.format(region=summary.same_region, country=summary.same_country)
        )
    if completion.organizer_status == OrganizerStatus.PENDING:
        lines.append(texts.DONE_ORGANIZER_PENDING)
    elif completion.organizer_status == OrganizerStatus.ACTIVE:
        lines.append(texts.DONE_ORGANIZER_ACTIVE)
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
        roles_given = await self.give_roles(completion)
        await interaction.edit_original_response(
            content=done_message(completion, roles_given=roles_given),
            embed=None,
            view=None,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self.announce(completion)
        self.bot.dispatch("member_onboarded", completion)

    async def give_roles(self, completion: onboarding.Completion) -> bool:
        """The member role and the region role; False when Discord refused (missing permission)."""
        guild = self.bot.get_guild(completion.guild_id)
        if guild is None:
            return False
        try:
            member = guild.get_member(completion.user_id) or await guild.fetch_member(completion.user_id)
            roles: list[discord.abc.Snowflake] = []
            if completion.member_role_id and (role := guild.get_role(completion.member_role_id)):
                roles.append(role)
            if completion.region_role is not None:
                roles.append(await self._region_role(guild, completion.region_role.name))
            if roles:
                await member.add_roles(*roles, reason=ROLE_REASON)
        except discord.HTTPException as exc:
            log.warning("could not give roles to %s in %s: %s", completion.user_id, guild.id, exc)
            return False
        return True

    async def _region_role(self, guild: discord.Guild, name: str) -> discord.Role:
        existing = discord.utils.get(guild.roles, name=name)
        if existing is not None:
            return existing
        return await guild.create_role(name=name, mentionable=False, reason="groundwork: region role")

    async def announce(self, completion: onboarding.Completion) -> None:
        """One privacy-respecting line in the announcement channel: the region at most."""
        guild = self.bot.get_guild(completion.guild_id)
        channel = guild.get_channel(completion.announce_channel_id or 0) if guild else None
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        if completion.announce_area:
            content = texts.ANNOUNCE_FROM.format(area=member_text(completion.announce_area, limit=200))
        else:
            content = texts.ANNOUNCE_PLAIN
        try:
            await channel.send(content, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.warning("could not announce a new member in %s: %s", channel.id, exc)

"""Moderator commands on Matrix: `!gw mod overview` and `!gw mod unattended [page]`, from the same
services as Discord's /mod overview and /mod unattended, and `!gw mod approve N` / `!gw mod reject
N` for the proposed mentorships posted in the moderators' room (Discord's review buttons).

Taken only in the configured moderators' room (`[matrix] moderators_room_id`), and only from
someone whose power level there reaches what the room asks for changing its state and for kicking
(the room's own m.room.power_levels, read from the homeserver at each command, so a demotion
counts at once). Elsewhere, or without that power, a plain refusal. Members are named by their
Matrix ids as text (a notice pings nobody); what members typed (their area) is escaped by render.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from nio import RoomGetStateEventResponse

from bot.errors import GroundworkError
from bot.services import attention, identities, moderation, pairing, waiting
from bot.texts import matrix_moderation as texts
from bot.texts import moderation as mod_texts
from bot.texts import pairing as pairing_texts
from db.enums import ChatTaskKind
from matrix_adapter.community import CommunityLookups, community_of, matrix_user
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

# The spec's defaults when m.room.power_levels leaves a level out.
DEFAULT_STATE = 50
DEFAULT_KICK = 50
DEFAULT_USER = 0
PROPOSAL_NUMBER_MAX = 2**31 - 1  # a mentorship's row id (int4 on PostgreSQL)


def needed_level(content: dict[str, Any]) -> int:
    """The level a moderator needs: enough to change the room's state and to kick."""
    return max(int(content.get("state_default", DEFAULT_STATE)), int(content.get("kick", DEFAULT_KICK)))


def user_level(content: dict[str, Any], user_id: str) -> int:
    users = content.get("users") or {}
    return int(users.get(user_id, content.get("users_default", DEFAULT_USER)))


def _duration(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    days, hours = divmod(minutes // 60, 24)
    if days:
        template = mod_texts.DURATION_ONE_DAY if days == 1 else mod_texts.DURATION_DAYS
        return template.format(days=days, hours=hours)
    if hours:
        return mod_texts.DURATION_HOURS.format(hours=hours)
    return mod_texts.DURATION_MINUTES.format(minutes=minutes)


def first_contact_text(times: attention.FirstContactTimes) -> str:
    if times.median is None or times.p90 is None:
        return mod_texts.OVERVIEW_NO_CONTACT_YET.format(days=times.days, waiting=times.still_waiting)
    return mod_texts.OVERVIEW_FIRST_CONTACT.format(
        days=times.days, median=_duration(times.median), p90=_duration(times.p90), waiting=times.still_waiting
    )


def overview_text(
    data: moderation.Overview, first_contacts: list[attention.FirstContactTimes], unattended: int
) -> str:
    none = mod_texts.NO_DATA
    statuses = ", ".join(f"{name} {count}" for name, count in data.by_status.items()) or none
    places = ", ".join(f"{name} {count}" for name, count in data.by_country) or none
    regions = ", ".join(f"{name} {count}" for name, count in data.by_region) or none
    rate = f"{data.response_rate:.0%}" if data.response_rate is not None else none
    return "\n".join(
        (
            f"**{mod_texts.OVERVIEW_TITLE}**",
            mod_texts.OVERVIEW_STATUS.format(statuses=statuses),
            mod_texts.OVERVIEW_PLACES.format(places=places),
            mod_texts.OVERVIEW_REGIONS.format(regions=regions),
            mod_texts.OVERVIEW_ATTENTION.format(
                isolated=data.isolated,
                waiting=data.waiting_for_mentor,
                active=data.mentorships_active,
                proposed=data.mentorships_proposed,
            ),
            texts.OVERVIEW_UNATTENDED.format(count=unattended),
            mod_texts.OVERVIEW_WENT_ON_TO_MENTOR.format(count=data.went_on_to_mentor),
            mod_texts.OVERVIEW_CHECKINS.format(
                answered=data.checkins_answered_30d,
                due=data.checkins_due_30d,
                rate=rate,
                quiet=data.gone_quiet,
            ),
            *(first_contact_text(times) for times in first_contacts),
        )
    )


def page_text(page: moderation.Page, names: dict[int, str]) -> str:
    lines = [f"**{mod_texts.LIST_TITLES[page.kind]}**"]
    if not page.items:
        lines.append(mod_texts.LIST_EMPTY)
    for item in page.items:
        since = f"{item.since:%Y-%m-%d}" if item.since else "—"
        lines.append(
            mod_texts.UNATTENDED_LINE.format(
                member=names.get(item.user_id, "-"),
                area=item.area,
                precision=item.precision,
                since=since,
                days=item.days_waiting,
            )
        )
    lines.append(mod_texts.LIST_FOOTER.format(page=page.page + 1, pages=page.pages, total=page.total))
    if page.page + 1 < page.pages:
        lines.append(texts.NEXT_PAGE.format(page=page.page + 2))
    return "\n".join(lines)


class ModeratorCommands(CommunityLookups):
    """`!gw mod ...` in the moderators' room, and the check every moderator command makes."""

    async def _say(self, message: Message, text: str) -> None:
        await self.say(message.room_id, text)

    async def allowed(self, message: Message) -> bool:
        """In the moderators' room, from someone with a moderator's power there; else says why not."""
        room_id = self.bot.settings.moderators_room_id
        if room_id is None:
            await self._say(message, texts.NO_ROOM)
            return False
        if message.room_id != room_id:
            await self._say(message, texts.NOT_HERE)
            return False
        answer = await self.bot.client.room_get_state_event(room_id, "m.room.power_levels")
        if not isinstance(answer, RoomGetStateEventResponse):
            log.warning(
                "could not read the moderators' room's power levels (%s)", getattr(answer, "status_code", "?")
            )
            await self._say(message, texts.NO_POWER_LEVELS)
            return False
        needed, yours = needed_level(answer.content), user_level(answer.content, message.sender)
        if yours < needed:
            await self._say(message, texts.NOT_ALLOWED.format(yours=yours, needed=needed))
            return False
        return True

    async def _guild(self, message: Message) -> int | None:
        guild_id = await self.guild_id()
        if guild_id is None:
            await self._say(message, texts.NOT_SET_UP)
        return guild_id

    async def overview(self, message: Message, _: str) -> None:
        if not await self.allowed(message) or (guild_id := await self._guild(message)) is None:
            return
        now = self.bot.clock()
        async with self.sessions() as session:
            data = await moderation.overview(session=session, guild_id=guild_id, now=now)
            first_contacts = await attention.overview_figures(session=session, guild_id=guild_id, now=now)
            unattended = await attention.unattended_count(session=session, guild_id=guild_id, now=now)
        await self._say(message, overview_text(data, list(first_contacts), unattended))

    async def unattended(self, message: Message, args: str) -> None:
        if not await self.allowed(message) or (guild_id := await self._guild(message)) is None:
            return
        page = int(args) - 1 if args.strip().isdigit() and int(args) > 0 else 0
        async with self.sessions() as session:
            result = await attention.unattended(
                session=session, guild_id=guild_id, now=self.bot.clock(), page=page
            )
            names: dict[int, str] = {}
            for item in result.items:
                found = await identities.external(session=session, local_id=item.user_id)
                if found is not None:
                    names[item.user_id] = found.external_id
        await self._say(message, page_text(result, names))

    async def approve(self, message: Message, args: str) -> None:
        await self._decide(message, args, approve=True)

    async def reject(self, message: Message, args: str) -> None:
        await self._decide(message, args, approve=False)

    async def _decide(self, message: Message, args: str, *, approve: bool) -> None:
        """A moderator's decision on a proposed mentorship of this community: approved, the two
        are introduced (the durable INTRODUCTION step); rejected, the member is back on the list
        and told where they stand."""
        if not await self.allowed(message) or (guild_id := await self._guild(message)) is None:
            return
        number = args.strip().lstrip("#")
        if not number.isdigit() or int(number) > PROPOSAL_NUMBER_MAX:
            command = "approve" if approve else "reject"
            await self._say(message, texts.PROPOSAL_NUMBER.format(command=command))
            return
        mentorship_id, now = int(number), self.bot.clock()
        standing = None
        try:
            async with self.sessions() as session, session.begin():
                if (
                    await pairing.guild_of_mentorship(session=session, mentorship_id=mentorship_id)
                    != guild_id
                ):
                    raise GroundworkError(
                        pairing_texts.PROPOSAL_GONE.format(status=pairing_texts.PROPOSAL_DELETED)
                    )
                moderator = await matrix_user(session, message.sender)
                decided = await pairing.decide(
                    session=session, mentorship_id=mentorship_id, actor_id=moderator, approve=approve, now=now
                )
                if not approve:
                    standing = await waiting.tell_standing(
                        session=session,
                        guild_id=guild_id,
                        user_id=decided.member.user_id,
                        now=now,
                        batch_every=timedelta(hours=self.bot.scheduler_settings.pairing_batch_hours),
                        news=waiting.WaitNews.NOT_CONFIRMED,
                    )
        except GroundworkError as refused:
            await self._say(message, refused.user_message)
            return
        outcome = pairing_texts.REVIEW_APPROVED if approve else pairing_texts.REVIEW_REJECTED
        await self._say(message, outcome.format(moderator=message.sender))
        runtime = self.bot.runtime
        if runtime is None:
            return
        if approve:
            runtime.run_soon(ChatTaskKind.INTRODUCTION, decided.mentorship_id)
        elif standing is not None:
            await runtime.messenger.tell_wait(standing)


def install(bot: MatrixBot) -> None:
    found = community_of(bot)
    if found is None:
        return
    sessions, community_id, _ = found
    commands = ModeratorCommands(bot, sessions, community_id)
    bot.router.command("mod overview", texts.HELP_MOD_OVERVIEW, commands.overview)
    bot.router.command("mod unattended", texts.HELP_MOD_UNATTENDED, commands.unattended)
    bot.router.command("mod approve", texts.HELP_MOD_APPROVE, commands.approve)
    bot.router.command("mod reject", texts.HELP_MOD_REJECT, commands.reject)

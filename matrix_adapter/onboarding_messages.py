"""Onboarding's and pairing's part of the Matrix Messenger (ports.OnboardingMessages and the
pairing notices of ports.PairingMessages), as a mixin of matrix_adapter.messenger.MatrixMessenger.

Everything goes to the member's direct room with the bot (opened when there is none) as a
notice; people are named by their Matrix ids, as plain text that pings nobody (empty m.mentions).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.errors import GroundworkError
from bot.ports import Welcomed
from bot.services import identities, pairing
from bot.services.onboarding import Completion, PausedConversation
from bot.services.waiting import WaitUpdate
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as onboarding_texts
from bot.texts import pairing as pairing_texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform, WaitBucket

if TYPE_CHECKING:
    from bot.config import MatrixSettings
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)


class _Host(Protocol):
    """What the mixin uses of the messenger it is part of."""

    _bot: MatrixBot
    _sessions: SessionMaker
    _settings: MatrixSettings

    async def tell(self, user_id: int, text: str) -> bool: ...

    async def tell_moderators(self, guild_id: int, text: str) -> None: ...


async def matrix_id(sessions: SessionMaker, local_id: int) -> str | None:
    """The Matrix user a local id stands for (None: not a Matrix user)."""
    async with sessions() as session:
        found = await identities.external(session=session, local_id=local_id)
    if found is None or found.platform is not Platform.MATRIX or found.kind is not IdentityKind.USER:
        return None
    return found.external_id


async def name_of(sessions: SessionMaker, local_id: int) -> str:
    """How a person is named in a Matrix notice: their Matrix id (plain text, no ping)."""
    return await matrix_id(sessions, local_id) or mtexts.COMMUNITY


def community_name(bot: MatrixBot) -> str:
    """The space's (or first room's) name as the bot's sync knows it, never with `**` in it."""
    community = bot.settings.community_id
    room = bot.client.rooms.get(community or "")
    name = room.display_name if room is not None and room.name else None
    return " ".join((name or mtexts.COMMUNITY).replace("*", "").split())[:100]


# What the services say in Discord's words, as it is said on Matrix.
_MATRIX_WORDS = {
    onboarding_texts.ALREADY_ONBOARDED: mtexts.ALREADY_ONBOARDED,
    onboarding_texts.SESSION_EXPIRED: mtexts.SESSION_EXPIRED,
    onboarding_texts.SESSION_NOT_FOUND: mtexts.SESSION_EXPIRED,
    onboarding_texts.SESSION_FINISHED: mtexts.SESSION_FINISHED,
    onboarding_texts.NOT_IN_SERVER: mtexts.NOT_IN_COMMUNITY,
    onboarding_texts.STALE_STEP: mtexts.STALE_STEP,
    pairing_texts.NOT_ONBOARDED_SELF: mtexts.NOT_ONBOARDED_SELF,
}


def refusal_text(refused: GroundworkError, community: str) -> str:
    """A service's refusal in Matrix's words, naming the community where it does."""
    words = _MATRIX_WORDS.get(refused.template)
    if words is None:
        words = refused.render(lambda _: mtexts.COMMUNITY)
    return words.format(community=community) if "{community}" in words else words


def day(moment: datetime) -> str:
    return f"{moment:%d %B %Y}".lstrip("0")


def wait_text(update: WaitUpdate) -> str:
    """A waiting member's standing (bot/texts/pairing), without Discord's commands."""
    wait = update.wait
    place = (
        pairing_texts.WAIT_PLACE_NEXT
        if wait.position == 1
        else pairing_texts.WAIT_PLACE_NUMBER.format(position=wait.position)
    )
    expected = wait.expected
    standing = pairing_texts.WAIT_STANDING[update.bucket].format(
        place=place, wait=_about(expected.days) if expected is not None else ""
    )
    opening = pairing_texts.WAIT_OPENING[update.news].format(since=day(update.waiting_since))
    if update.bucket != WaitBucket.ROOM:
        standing = f"{standing} {pairing_texts.WAIT_LATER}"
    return "\n".join([opening, standing])


def _about(days: int) -> str:
    days = max(days, 1)
    if days == 1:
        return pairing_texts.WAIT_A_DAY
    if days < 14:
        return pairing_texts.WAIT_DAYS.format(count=days)
    if days < 63:
        return pairing_texts.WAIT_WEEKS.format(count=round(days / 7))
    return pairing_texts.WAIT_MONTHS.format(count=round(days / 30))


class OnboardingMessages:
    """ports.OnboardingMessages and the pairing notices onboarding leads to, on Matrix."""

    # -- ports.OnboardingMessages -------------------------------------------------------------

    async def welcome(self: _Host, guild_id: int, user_id: int, *, returning: bool) -> Welcomed:
        """In the member's direct room with the bot (send_notice waits until their devices are
        known, so they can read it)."""
        template = mtexts.WELCOME_BACK if returning else mtexts.WELCOME
        user = await matrix_id(self._sessions, user_id)
        room_id = await self._bot.direct_room(user) if user is not None else None
        if user is None or room_id is None:
            return Welcomed.NOWHERE
        sent = await self._bot.send_notice(room_id, template.format(community=community_name(self._bot)))
        return Welcomed.DM if sent else Welcomed.NOWHERE

    async def remind_onboarding(self: _Host, paused: PausedConversation, *, expired: bool) -> bool:
        template = mtexts.EXPIRED if expired else mtexts.REMINDER
        return await self.tell(paused.user_id, template.format(community=community_name(self._bot)))

    # -- ports.PairingMessages (what onboarding's mentor offer leads to) ----------------------

    async def offer_mentor(self: _Host, completion: Completion) -> bool:
        return await self.tell(completion.user_id, mtexts.MENTOR_OFFER)

    async def post_proposal(self: _Host, proposal: pairing.Pairing) -> int | None:
        """A proposal for the moderators, as a notice in their room. Matrix event ids are not
        integers, so there is no message id to give back (None)."""
        member = await name_of(self._sessions, proposal.member.user_id)
        mentor = await name_of(self._sessions, proposal.mentor.user_id)
        distance = (
            pairing_texts.DISTANCE_KM.format(km=proposal.distance_km)
            if proposal.distance_km is not None
            else pairing_texts.DISTANCE_UNKNOWN
        )
        await self.tell_moderators(
            proposal.guild_id,
            mtexts.PROPOSAL.format(
                number=proposal.mentorship_id,
                member=member,
                member_area=proposal.member.area or pairing_texts.UNKNOWN_AREA,
                mentor=mentor,
                mentor_area=proposal.mentor.area or pairing_texts.UNKNOWN_AREA,
                distance=distance,
            ),
        )
        return None

    async def tell_mentorship_ended(self: _Host, ended: pairing.Ended, *, by_moderator: bool) -> None:
        if ended.reason == pairing.MentorshipEndReason.ORGANIZER_LEFT:
            await self.tell(ended.member_user_id, pairing_texts.MENTOR_LEFT)
            return
        template = mtexts.ENDED_BY_MODERATOR if by_moderator else mtexts.ENDED
        for user_id, other in (
            (ended.member_user_id, ended.mentor_user_id),
            (ended.mentor_user_id, ended.member_user_id),
        ):
            await self.tell(user_id, template.format(other=await name_of(self._sessions, other)))

    async def tell_partner_ended(self: _Host, user_id: int, ended_by_user_id: int) -> None:
        await self.tell(user_id, mtexts.ENDED.format(other=await name_of(self._sessions, ended_by_user_id)))

    async def tell_wait(self: _Host, update: WaitUpdate) -> bool:
        return await self.tell(update.user_id, wait_text(update))

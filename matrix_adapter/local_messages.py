"""Local life's part of the Matrix Messenger (ports.LocalMessages and ports.BuddyMessages), as a
mixin of matrix_adapter.messenger.MatrixMessenger.

Offers and questions go to the member's direct room with the bot as notices ending with how to
answer: a word, or the `!gw` command with the question's code (matrix_adapter/local_replies.py).
A circle proposal goes to the moderators' room with the command that opens it. People are named
by their Matrix ids, as plain text that pings nobody; place names are member text, escaped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.services import activity, circles, neighbours, practice
from bot.services.buddies import Buddy
from bot.services.buddies import FollowUp as BuddyFollowUp
from bot.services.buddies import Offer as BuddyOffer
from bot.texts import buddies as buddy_texts
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from bot.texts import onboarding as onboarding_texts
from db.engine import SessionMaker
from db.enums import OrganizingPath
from matrix_adapter.conversation import plain_text
from matrix_adapter.local_replies import Kind, Question, asked
from matrix_adapter.onboarding_messages import matrix_id, name_of
from matrix_adapter.rooms import room_of

if TYPE_CHECKING:
    from bot.config import MatrixSettings
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

MAX_LISTED = 25


class _Host(Protocol):
    """What the mixin uses of the messenger it is part of."""

    _bot: MatrixBot
    _sessions: SessionMaker
    _settings: MatrixSettings

    async def tell(self: _Host, user_id: int, text: str) -> bool: ...

    async def tell_moderators(self: _Host, guild_id: int, text: str) -> None: ...


def name(value: str | None, fallback: str = "") -> str:
    """A place or circle name as shown: member text, never markup (no `**` in it)."""
    return plain_text(value.replace("*", ""), 100) if value else fallback


def path_list(paths: Sequence[str]) -> str:
    return ", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(p)].lower() for p in paths)


def with_choices(text: str, choices: str, question: Question) -> str:
    return f"{text}\n{choices.format(code=question.code)}"


def ask_text(ask: neighbours.Ask) -> str:
    return texts.ASK_NEIGHBOUR.format(
        radius=ask.radius_km,
        area=name(ask.asker_area, texts.ASK_AREA_UNSHARED),
        paths=texts.ASK_PATHS.format(paths=path_list(ask.asker_paths)) if ask.asker_paths else "",
    )


def buddy_offer_text(offer: BuddyOffer) -> str:
    """Who the others are, as far as they share it, and never by name."""
    return buddy_texts.OFFER.format(
        count_text=buddy_texts.OFFER_ONE if len(offer.others) == 1 else buddy_texts.OFFER_TWO,
        about="\n".join(_about(other) for other in offer.others),
    ).replace("\n\n", "\n")


def _about(buddy: Buddy) -> str:
    return buddy_texts.OFFER_ABOUT.format(
        area=name(buddy.area, buddy_texts.OFFER_SOMEWHERE),
        paths=path_list(buddy.paths) or buddy_texts.OFFER_OPEN_PATHS,
    )


async def _names(sessions: SessionMaker, user_ids: Sequence[int]) -> str:
    return ", ".join([await name_of(sessions, user_id) for user_id in user_ids[:MAX_LISTED]])


async def _ask(host: _Host, user_id: int, text: str, question: Question) -> bool:
    """A question in the member's direct room, remembered as the one a plain reply answers."""
    user = await matrix_id(host._sessions, user_id)
    if user is None:
        log.warning("no Matrix account for user %s", user_id)
        return False
    sent = await host.tell(user_id, text)
    if sent:
        asked(host._bot).remember(user, question)
    return sent


async def _in_room(host: _Host, local_id: int | None, text: str) -> bool:
    room_id = await room_of(host._bot, host._sessions, local_id)
    return room_id is not None and await host._bot.send_notice(room_id, text)


class LocalMatrixMessages:
    """ports.LocalMessages and ports.BuddyMessages, on Matrix."""

    # -- ports.LocalMessages ------------------------------------------------------------------

    async def offer_neighbours(self: _Host, offer: neighbours.Offer) -> bool:
        question = Question(Kind.NEIGHBOURS, offer.offer_id)
        text = texts.NEIGHBOUR_OFFER.format(count=offer.neighbours, radius=offer.radius_km)
        return await _ask(self, offer.user_id, with_choices(text, mtexts.CHOICES_NOT_NOW, question), question)

    async def ask_neighbour(self: _Host, ask: neighbours.Ask) -> bool:
        question = Question(Kind.ASK, ask.introduction_id)
        text = with_choices(ask_text(ask), mtexts.CHOICES_YES_NO_NEVER, question)
        return await _ask(self, ask.neighbour_user_id, text, question)

    async def offer_circle(self: _Host, offer: circles.Offer) -> bool:
        question = Question(Kind.CIRCLE, offer.membership_id)
        text = texts.CIRCLE_OFFER.format(name=name(offer.circle_name), size=offer.size)
        return await _ask(self, offer.user_id, with_choices(text, mtexts.CHOICES_JOIN, question), question)

    async def post_circle_proposal(self: _Host, proposal: circles.Proposal) -> int | None:
        """In the moderators' room, with the command that opens it. Matrix event ids are not
        integers, so there is no message id to give back (None)."""
        organizer = (
            texts.CIRCLE_ORGANIZER.format(
                who=await name_of(self._sessions, proposal.organizer.user_id),
                distance=proposal.organizer.distance_km,
            )
            if proposal.organizer
            else texts.CIRCLE_NO_ORGANIZER
        )
        await self.tell_moderators(
            proposal.guild_id,
            mtexts.CIRCLE_REVIEW.format(
                circle_id=proposal.circle_id,
                name=name(proposal.name),
                count=len(proposal.member_user_ids),
                radius=proposal.radius_km,
                members=await _names(self._sessions, proposal.member_user_ids),
                organizer=organizer,
            ),
        )
        return None

    async def ask_practice_followup(self: _Host, followup: practice.FollowUp) -> bool:
        question = Question(Kind.PRACTICE_FOLLOWUP, followup.request_id)
        other = await name_of(self._sessions, followup.partner_user_id)
        text = with_choices(texts.PRACTICE_FOLLOWUP.format(other=other), mtexts.CHOICES_HAPPENED, question)
        return await _ask(self, followup.user_id, text, question)

    async def share_activity(self: _Host, logged: activity.Logged, audience: activity.Audience) -> None:
        """The mentorship's room (else the mentor's direct room) and the circle's room."""
        note = texts.LOG_NOTE.format(note=plain_text(logged.note, 300)) if logged.note else ""
        text = texts.LOG_SHARED_POST.format(
            who=await name_of(self._sessions, logged.user_id),
            kind=texts.ACTIVITY_LABELS[logged.kind],
            note=note,
        )
        in_room = await _in_room(self, audience.mentor_thread_id, text)
        if not in_room and audience.mentor_user_id is not None:
            await self.tell(audience.mentor_user_id, text)
        await _in_room(self, audience.circle_channel_id, text)

    # -- ports.BuddyMessages ------------------------------------------------------------------

    async def offer_buddy(self: _Host, offer: BuddyOffer) -> bool:
        question = Question(Kind.BUDDY, offer.buddy_id)
        text = with_choices(buddy_offer_text(offer), mtexts.CHOICES_YES_NO_NEVER, question)
        return await _ask(self, offer.user_id, text, question)

    async def ask_buddy_followup(self: _Host, followup: BuddyFollowUp) -> bool:
        """In their direct room; else in the buddies' room."""
        question = Question(Kind.BUDDY_FOLLOWUP, followup.buddy_id)
        others = await _names(self._sessions, followup.other_user_ids)
        text = with_choices(buddy_texts.FOLLOWUP.format(others=others), mtexts.CHOICES_TALKED, question)
        if await _ask(self, followup.user_id, text, question):
            return True
        who = await name_of(self._sessions, followup.user_id)
        return await _in_room(self, followup.thread_id, buddy_texts.IN_THREAD.format(who=who, text=text))

    async def tell_buddy(self: _Host, user_id: int, text: str, thread_id: int | None) -> bool:
        """In their direct room; else in the buddies' room."""
        if await self.tell(user_id, text):
            return True
        who = await name_of(self._sessions, user_id)
        return await _in_room(self, thread_id, buddy_texts.IN_THREAD.format(who=who, text=text))

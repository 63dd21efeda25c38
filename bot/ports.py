"""What groundwork asks of a chat platform: the one protocol each adapter implements.

Services decide and return plain values (ids, dataclasses); a `Messenger` turns them into what
people see on its platform: a DM with buttons on Discord, numbered choices in a Matrix room. Every
feature sends through it, so a second adapter implements this protocol (and registers a handler
for each durable step, below) and reuses every service unchanged. Tests use a recording fake.

Two kinds of sending:

* **Notices and questions** (the methods here): sent right after a decision, never inside a unit
  of work. A failure is logged and reported in the return value; none of them raises for a
  refusal by the platform.
* **Durable steps** (bot/services/outbox): a step that must follow a committed decision is a
  `chat_tasks` row of a `ChatTaskKind`; the adapter registers one handler per kind with its
  outbox runner (`STEPS` says what each kind's handler does). `missing_steps` tells which kinds an
  adapter left without one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol

from bot.services import (
    activity,
    circles,
    neighbours,
    organizer_pool,
    pairing,
    practice,
    reach_out,
    town_offers,
    welcome_calls,
)
from bot.services.buddies import FollowUp as BuddyFollowUp
from bot.services.buddies import Offer as BuddyOffer
from bot.services.checkins import CompletedCheckIn
from bot.services.checkins import Messenger as CheckInMessenger
from bot.services.onboarding import Completion, PausedConversation
from bot.services.waiting import WaitUpdate
from db.enums import ChatTaskKind


class Welcomed(enum.StrEnum):
    """Where a newcomer's welcome reached them."""

    DM = "dm"
    THREAD = "thread"  # DMs closed: a private thread in the onboarding channel
    NOWHERE = "nowhere"  # DMs closed and no onboarding channel


class OnboardingMessages(Protocol):
    async def welcome(self, guild_id: int, user_id: int, *, returning: bool) -> Welcomed:
        """The welcome (with "Let's begin" unless `returning`), by DM or in the onboarding channel."""
        ...

    async def remind_onboarding(self, paused: PausedConversation, *, expired: bool) -> bool:
        """ "Your answers are saved, continue?" or "this conversation timed out"; False: DMs closed."""
        ...


class PairingMessages(Protocol):
    async def offer_mentor(self, completion: Completion) -> bool:
        """An isolated newcomer is offered a mentor (a yes button)."""
        ...

    async def post_proposal(self, proposal: pairing.Pairing) -> int | None:
        """A proposed mentorship for moderators to approve; the posted message's id."""
        ...

    async def ask_how_it_goes(self, followup: pairing.FollowUp) -> None:
        """Both sides of a mentorship: how is it going?"""
        ...

    async def tell_mentorship_ended(self, ended: pairing.Ended, *, by_moderator: bool) -> None:
        """Both sides (or the mentee whose mentor left) hear that a mentorship ended."""
        ...

    async def tell_partner_ended(self, user_id: int, ended_by_user_id: int) -> None:
        """The other side of a mentorship ended as "not a good fit"."""
        ...

    async def nudge_mentor(self, nudge: pairing.MentorNudge, *, retry: bool) -> bool:
        """Tell a mentor their mentee says they haven't met yet, with two times; False when the
        DM could not be sent. On a `retry`, nothing already sent is sent again."""
        ...

    async def post_organizer_review(self, review: pairing.OrganizerReview, *, retry: bool) -> int | None:
        """Post a member who offered to mentor in the review channel with a Confirm button; the
        message id, or None when there is no review channel or it refused. On a `retry`, a post
        an earlier attempt made is not made again."""
        ...

    async def tell_wait(self, update: WaitUpdate) -> bool:
        """A member waiting for a mentor hears where they stand and what they can do meanwhile."""
        ...


class LocalMessages(Protocol):
    async def offer_neighbours(self, offer: neighbours.Offer) -> bool:
        """ "N members live near you: want to meet them?"."""
        ...

    async def ask_neighbour(self, ask: neighbours.Ask) -> bool:
        """A neighbour asked whether they would like to meet a newcomer."""
        ...

    async def offer_circle(self, offer: circles.Offer) -> bool:
        """ "A circle meets near you: join it?"."""
        ...

    async def post_circle_proposal(self, proposal: circles.Proposal) -> int | None:
        """A new circle for moderators to review; the posted message's id."""
        ...

    async def ask_practice_followup(self, followup: practice.FollowUp) -> bool:
        """ "Did your practice call happen?"."""
        ...

    async def share_activity(self, logged: activity.Logged, audience: activity.Audience) -> None:
        """A shared log entry for the member's mentor and circle."""
        ...


class TownOfferMessages(Protocol):
    async def offer_town(self, offer: town_offers.DueOffer) -> town_offers.Outcome:
        """A member who gave only their region is offered to tell their town."""
        ...


class CheckInMessages(CheckInMessenger, Protocol):
    async def send_mentor_summary(self, result: CompletedCheckIn) -> bool:
        """The mentor's summary of a mentee's answered check-in (a drop alert on top)."""
        ...


class OrganizerPoolMessages(Protocol):
    async def suggest_organizer(self, suggestion: organizer_pool.Suggestion) -> bool:
        """A mentor: could this mentee help others get started? (Endorse / Not yet)."""
        ...

    async def ask_to_organize(self, step: organizer_pool.Step) -> bool:
        """An endorsed mentee: would you like to help others get started? (Yes / No thanks)."""
        ...

    async def post_organizer_candidate(self, step: organizer_pool.Step) -> int | None:
        """A mentee who said yes, for a moderator to confirm; the posted message's id."""
        ...

    async def tell_organizer_decision(self, step: organizer_pool.Step) -> None:
        """The moderator's decision: confirmed (the member and their mentor), or not now (the member)."""
        ...


class BuddyMessages(Protocol):
    async def offer_buddy(self, offer: BuddyOffer) -> bool:
        """An isolated member with no mentor in sight is offered a buddy (yes / not this time / never)."""
        ...

    async def ask_buddy_followup(self, followup: BuddyFollowUp) -> bool:
        """A week after the introduction: did you talk? (by DM, else in their thread)."""
        ...

    async def tell_buddy(self, user_id: int, text: str, thread_id: int | None) -> bool:
        """A notice to a buddy (theirs has left, say): by DM, else in their thread pinging only them."""
        ...


class WelcomeCallMessages(Protocol):
    async def make_call_event(self, call: welcome_calls.CallEvent) -> int | None:
        """The platform's event for an upcoming welcome call (a Discord guild scheduled event, in
        the voice channel or external at the link); its id, None when the platform refused."""
        ...

    async def set_call_event(self, call: welcome_calls.CallEvent, status: welcome_calls.EventStatus) -> bool:
        """The call's event started, completed or cancelled."""
        ...

    async def invite_to_call(self, invite: welcome_calls.Invite) -> bool:
        """A waiting member invited to a welcome call (Interested / Can't make it)."""
        ...

    async def remind_call(self, invite: welcome_calls.Invite) -> bool:
        """A member coming to a call reminded, a day or an hour before."""
        ...

    async def ask_who_came(self, ask: welcome_calls.AttendanceAsk) -> bool:
        """The host of an external call picks who came among those invited."""
        ...

    async def ask_how_it_was(self, invite: welcome_calls.Invite) -> bool:
        """An attendee asked one question afterwards: how was it?"""
        ...


class ReachOutMessages(Protocol):
    async def reach_out(self, reach: reach_out.ReachOut) -> bool:
        """A mentor's or a moderator's words to a member, by DM, signed; False when refused."""
        ...


class ModeratorMessages(Protocol):
    async def tell(self, user_id: int, text: str) -> bool:
        """A plain notice (bot/texts, no people named in it) to one person."""
        ...

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        """A notice in the guild's alerts channel (else its review channel)."""
        ...

    async def warn_moderators(self, guild_id: int, text: str) -> bool:
        """A notice that must reach someone: the alerts (or review) channel, else the server's
        own system channel, else its owner by DM. False when nothing could take it."""
        ...


class Messenger(
    OnboardingMessages,
    PairingMessages,
    LocalMessages,
    TownOfferMessages,
    CheckInMessages,
    OrganizerPoolMessages,
    BuddyMessages,
    WelcomeCallMessages,
    ReachOutMessages,
    ModeratorMessages,
    Protocol,
):
    """Everything the core sends on a chat platform."""


# What the handler an adapter registers for each durable step carries out.
STEPS: dict[ChatTaskKind, str] = {
    ChatTaskKind.INTRODUCTION: "a mentor and their mentee introduced (a private thread, else DMs)",
    ChatTaskKind.CIRCLE_SPACE: "an opened circle's space made, everyone let in, the welcome posted",
    ChatTaskKind.MEMBER_ROLES: "an onboarded member's member and region roles given",
    ChatTaskKind.ANNOUNCEMENT: "the public line that a member joined from an area",
    ChatTaskKind.NEIGHBOUR_INTRODUCTION: "two neighbours who both said yes introduced",
    ChatTaskKind.PRACTICE_INTRODUCTION: "two practice partners introduced",
    ChatTaskKind.CIRCLE_JOIN: "a new circle member let in and welcomed",
    ChatTaskKind.CIRCLE_LEAVE: "a member who left let out, the others told",
    ChatTaskKind.CIRCLE_CLOSE: "a circle's last word; its space archived; moderators told",
    ChatTaskKind.BUDDY_INTRODUCTION: "buddies who all said yes introduced, with an icebreaker",
    ChatTaskKind.MENTOR_NUDGE: "a mentor told their mentee hasn't met them yet, with two times",
    ChatTaskKind.ORGANIZER_REVIEW: "a member who offered to mentor posted for review, with Confirm",
}


def missing_steps(handled: Iterable[ChatTaskKind]) -> set[ChatTaskKind]:
    """The durable steps an adapter has no handler for (it must have none missing)."""
    return set(ChatTaskKind) - set(handled)

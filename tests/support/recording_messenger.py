"""A `bot.ports.Messenger` that records what would be sent: what tests of a second adapter, or of
the core without Discord, hand the core instead of a chat platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ports import Welcomed
from bot.services import activity, circles, neighbours, organizer_pool, pairing, practice, town_offers
from bot.services.buddies import FollowUp as BuddyFollowUp
from bot.services.buddies import Offer as BuddyOffer
from bot.services.checkins import Alert, CompletedCheckIn, Delivery, DeliveryStatus, DueCheckIn, Reminder
from bot.services.onboarding import Completion, PausedConversation
from bot.services.reach_out import ReachOut
from bot.services.waiting import WaitUpdate
from bot.services.welcome_calls import AttendanceAsk, CallEvent, EventStatus, Invite


@dataclass
class RecordingMessenger:
    """Every call, in order, as (method name, arguments); each send succeeds."""

    sent: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    dms_closed: set[int] = field(default_factory=set)  # user ids whose DMs refuse a reach-out

    def _record(self, name: str, *arguments: Any) -> None:
        self.sent.append((name, arguments))

    def calls(self, name: str) -> list[tuple[Any, ...]]:
        return [arguments for called, arguments in self.sent if called == name]

    async def welcome(self, guild_id: int, user_id: int, *, returning: bool) -> Welcomed:
        self._record("welcome", guild_id, user_id, returning)
        return Welcomed.DM

    async def remind_onboarding(self, paused: PausedConversation, *, expired: bool) -> bool:
        self._record("remind_onboarding", paused, expired)
        return True

    async def offer_mentor(self, completion: Completion) -> bool:
        self._record("offer_mentor", completion)
        return True

    async def post_proposal(self, proposal: pairing.Pairing) -> int | None:
        self._record("post_proposal", proposal)
        return len(self.sent)

    async def ask_how_it_goes(self, followup: pairing.FollowUp) -> None:
        self._record("ask_how_it_goes", followup)

    async def tell_mentorship_ended(self, ended: pairing.Ended, *, by_moderator: bool) -> None:
        self._record("tell_mentorship_ended", ended, by_moderator)

    async def tell_partner_ended(self, user_id: int, ended_by_user_id: int) -> None:
        self._record("tell_partner_ended", user_id, ended_by_user_id)

    async def nudge_mentor(self, nudge: pairing.MentorNudge, *, retry: bool) -> bool:
        self._record("nudge_mentor", nudge, retry)
        return True

    async def post_organizer_review(self, review: pairing.OrganizerReview, *, retry: bool) -> int | None:
        self._record("post_organizer_review", review, retry)
        return 1

    async def tell_wait(self, update: WaitUpdate) -> bool:
        self._record("tell_wait", update)
        return True

    async def reach_out(self, reach: ReachOut) -> bool:
        self._record("reach_out", reach)
        return reach.member_user_id not in self.dms_closed

    async def offer_neighbours(self, offer: neighbours.Offer) -> bool:
        self._record("offer_neighbours", offer)
        return True

    async def ask_neighbour(self, ask: neighbours.Ask) -> bool:
        self._record("ask_neighbour", ask)
        return True

    async def offer_circle(self, offer: circles.Offer) -> bool:
        self._record("offer_circle", offer)
        return True

    async def post_circle_proposal(self, proposal: circles.Proposal) -> int | None:
        self._record("post_circle_proposal", proposal)
        return len(self.sent)

    async def ask_practice_followup(self, followup: practice.FollowUp) -> bool:
        self._record("ask_practice_followup", followup)
        return True

    async def share_activity(self, logged: activity.Logged, audience: activity.Audience) -> None:
        self._record("share_activity", logged, audience)

    async def offer_town(self, offer: town_offers.DueOffer) -> town_offers.Outcome:
        self._record("offer_town", offer)
        return "sent"

    async def deliver(self, item: DueCheckIn) -> Delivery:
        self._record("deliver", item)
        return Delivery(DeliveryStatus.SENT, channel_id=1, message_id=len(self.sent))

    async def find_sent(self, item: DueCheckIn) -> Delivery | None:
        self._record("find_sent", item)
        return None

    async def alert(self, alert: Alert) -> None:
        self._record("alert", alert)

    async def remind(self, reminder: Reminder) -> Delivery:
        self._record("remind", reminder)
        return Delivery(DeliveryStatus.SENT, channel_id=1, message_id=len(self.sent))

    async def send_mentor_summary(self, result: CompletedCheckIn) -> bool:
        self._record("send_mentor_summary", result)
        return True

    async def suggest_organizer(self, suggestion: organizer_pool.Suggestion) -> bool:
        self._record("suggest_organizer", suggestion)
        return True

    async def ask_to_organize(self, step: organizer_pool.Step) -> bool:
        self._record("ask_to_organize", step)
        return True

    async def post_organizer_candidate(self, step: organizer_pool.Step) -> int | None:
        self._record("post_organizer_candidate", step)
        return len(self.sent)

    async def tell_organizer_decision(self, step: organizer_pool.Step) -> None:
        self._record("tell_organizer_decision", step)

    async def offer_buddy(self, offer: BuddyOffer) -> bool:
        self._record("offer_buddy", offer)
        return True

    async def ask_buddy_followup(self, followup: BuddyFollowUp) -> bool:
        self._record("ask_buddy_followup", followup)
        return True

    async def tell_buddy(self, user_id: int, text: str, thread_id: int | None) -> bool:
        self._record("tell_buddy", user_id, text, thread_id)
        return True

    async def make_call_event(self, call: CallEvent) -> int | None:
        self._record("make_call_event", call)
        return len(self.sent)

    async def set_call_event(self, call: CallEvent, status: EventStatus) -> bool:
        self._record("set_call_event", call, status)
        return True

    async def invite_to_call(self, invite: Invite) -> bool:
        self._record("invite_to_call", invite)
        return True

    async def remind_call(self, invite: Invite) -> bool:
        self._record("remind_call", invite)
        return True

    async def ask_who_came(self, ask: AttendanceAsk) -> bool:
        self._record("ask_who_came", ask)
        return True

    async def ask_how_it_was(self, invite: Invite) -> bool:
        self._record("ask_how_it_was", invite)
        return True

    async def tell(self, user_id: int, text: str) -> bool:
        self._record("tell", user_id, text)
        return True

    async def tell_moderators(self, guild_id: int, text: str) -> None:
        self._record("tell_moderators", guild_id, text)

    async def warn_moderators(self, guild_id: int, text: str) -> bool:
        self._record("warn_moderators", guild_id, text)
        return True

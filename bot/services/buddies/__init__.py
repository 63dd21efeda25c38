"""Peer buddies (issue 17, "nobody waits alone"): an isolated member with no mentor in sight is
offered another member in the same position as a buddy.

The rules:
- a member is eligible when they are active, isolated, not an organizer, have not opted out, have no mentor
  (proposed or active) and none is expected within the guild's wait target, are in no open
  buddy group, and did not turn an offer down (or let it run out) in the last `REOFFER_AFTER`
  (doubled for each offer before it they let run out without a word, up to `MAX_REST`);
- a sweep groups the eligible members of a guild in pairs, cheapest first by the matching
  engine's cost (distance, UTC offset, shared path and language), never two who have been
  together before or one of whom said no to the other; the odd one out joins the pair it fits
  best, a trio, rather than being dropped;
- each is asked; nobody is named before everyone said yes. A "no" (or no answer within
  `OFFER_LASTS`) ends the offer; the others are offered someone else in the next sweep;
- everyone said yes: a durable introduction (ChatTaskKind.BUDDY_INTRODUCTION) with an
  icebreaker from what they told the bot and two suggested times; a contact for each;
- a week later, "did you talk?"; "not a good fit" ends the group and both are eligible again,
  never with each other;
- a buddy who leaves or whose data is deleted ends a pair (the other is offered again); a trio
  goes on as a pair;
- a buddy never takes anyone off the mentor list.
"""

from bot.services.buddies._eligible import eligible, rest_after
from bot.services.buddies._grouping import cost, group
from bot.services.buddies._introduction import (
    introduction_due,
    record_introduced,
    suggested_times,
    thread_taken,
)
from bot.services.buddies._later import answer_followup, due_followups, member_gone, member_left, thread_of
from bot.services.buddies._mine import mine, set_offers, stored_about
from bot.services.buddies._model import (
    FIRST_TIME_AFTER,
    FOLLOWUP_AFTER,
    MAX_GROUP,
    MAX_REST,
    OFFER_LASTS,
    OPEN_GROUP,
    REOFFER_AFTER,
    SECOND_TIME_AFTER,
    Answered,
    Buddy,
    FollowedUp,
    FollowUp,
    Icebreaker,
    Introduction,
    Mine,
    Offer,
)
from bot.services.buddies._offers import answer_offer, guilds_with_isolated, not_reached, sweep
from bot.services.matching import Seeker

__all__ = [
    "FIRST_TIME_AFTER",
    "FOLLOWUP_AFTER",
    "MAX_GROUP",
    "MAX_REST",
    "OFFER_LASTS",
    "OPEN_GROUP",
    "REOFFER_AFTER",
    "SECOND_TIME_AFTER",
    "Answered",
    "Buddy",
    "FollowUp",
    "FollowedUp",
    "Icebreaker",
    "Introduction",
    "Mine",
    "Offer",
    "Seeker",
    "answer_followup",
    "answer_offer",
    "cost",
    "due_followups",
    "eligible",
    "group",
    "guilds_with_isolated",
    "introduction_due",
    "member_gone",
    "member_left",
    "mine",
    "not_reached",
    "record_introduced",
    "rest_after",
    "set_offers",
    "stored_about",
    "suggested_times",
    "sweep",
    "thread_of",
    "thread_taken",
]

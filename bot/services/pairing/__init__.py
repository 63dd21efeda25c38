"""Pairing isolated members with experienced organizers: the queue, proposals, review and the
life of a mentorship. The matching itself is `bot.services.matching`."""

from bot.services.pairing._lifecycle import (
    Ended,
    Feedback,
    FollowUp,
    due_followups,
    end_for_member,
    member_left,
    record_feedback,
    record_introduction,
    remove_organizer,
)
from bot.services.pairing._organizers import (
    Mentee,
    OrganizerChange,
    add_organizer,
    confirm_organizer,
    mentees,
    parse_languages,
    set_capacity,
    set_paused,
)
from bot.services.pairing._proposals import (
    Pairing,
    Side,
    decide,
    guild_of,
    pair_manually,
    pairing_view,
    pick_another,
    propose_for,
    remember_review_message,
    run_batch,
)
from bot.services.pairing._queue import MentorView, current_mentor, request_mentor, waiting_members
from db.enums import MentorshipEndReason, MentorshipStatus

__all__ = [
    "Ended",
    "Feedback",
    "FollowUp",
    "Mentee",
    "MentorView",
    "MentorshipEndReason",
    "MentorshipStatus",
    "OrganizerChange",
    "Pairing",
    "Side",
    "add_organizer",
    "confirm_organizer",
    "current_mentor",
    "decide",
    "due_followups",
    "end_for_member",
    "guild_of",
    "member_left",
    "mentees",
    "pair_manually",
    "pairing_view",
    "parse_languages",
    "pick_another",
    "propose_for",
    "record_feedback",
    "record_introduction",
    "remember_review_message",
    "remove_organizer",
    "request_mentor",
    "run_batch",
    "set_capacity",
    "set_paused",
    "waiting_members",
]

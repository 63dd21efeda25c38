"""The domain's fixed vocabularies, stored as plain strings."""

from __future__ import annotations

import enum


class MemberStatus(enum.StrEnum):
    """Where a member stands with the bot."""

    NEW = "new"  # joined the server, has not started onboarding
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    LEFT = "left"  # left the server; personal data is deleted after the retention period
    DELETED = "deleted"  # personal data removed at the member's request or after retention


class LocalePrecision(enum.StrEnum):
    """How precisely we know where a member lives."""

    CITY = "city"
    DISTRICT = "district"  # a county or district: a second-level division
    REGION = "region"
    COUNTRY = "country"


class LocaleSharing(enum.StrEnum):
    """What other members may see of where a member lives."""

    TOWN = "town"
    REGION = "region"
    NOTHING = "nothing"


class Experience(enum.StrEnum):
    """A member's organizing experience."""

    NEW = "new"
    SOME = "some"
    EXPERIENCED = "experienced"


class OrganizingPath(enum.StrEnum):
    """The ways of building something locally (DOMAIN.md)."""

    RUN_FOR_OFFICE = "run_for_office"
    SOLIDARITY_NETWORK = "solidarity_network"
    DISCUSSION_GROUP = "discussion_group"
    COALITIONS = "coalitions"
    COMMUNITY_LIFE = "community_life"
    REMOTE = "remote"


class ReadinessDimension(enum.StrEnum):
    """What a readiness check-in asks about (DOMAIN.md)."""

    RESOURCES = "resources"
    SPEAKING_CONFIDENCE = "speaking_confidence"
    POLITICAL_INFORMEDNESS = "political_informedness"
    ARTICULATION = "articulation"
    LOCAL_AWARENESS = "local_awareness"
    TIME = "time"


class OnboardingStatus(enum.StrEnum):
    """The state of one onboarding conversation."""

    OPEN = "open"
    COMPLETED = "completed"
    EXPIRED = "expired"
    ABANDONED = "abandoned"  # replaced by a restart


class OrganizerStatus(enum.StrEnum):
    """Whether an organizer takes mentees."""

    PENDING = "pending"  # offered or was added, waits for a moderator's confirmation
    ACTIVE = "active"
    PAUSED = "paused"
    REMOVED = "removed"


class MentorshipStatus(enum.StrEnum):
    """The life of a pairing between a member and an organizer."""

    PROPOSED = "proposed"
    REJECTED = "rejected"
    ACTIVE = "active"  # approved and introduced
    ENDED = "ended"


class MentorshipEndReason(enum.StrEnum):
    """Why a mentorship ended."""

    NOT_A_FIT = "not_a_fit"
    ORGANIZER_LEFT = "organizer_left"
    MEMBER_LEFT = "member_left"
    MODERATOR = "moderator"
    DATA_DELETED = "data_deleted"


class CheckInStatus(enum.StrEnum):
    """The life of one readiness check-in."""

    SCHEDULED = "scheduled"
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"
    ANSWERED = "answered"
    SKIPPED = "skipped"  # the member chose "skip this time"
    MISSED = "missed"  # no answer before the next one fell due
    UNDELIVERABLE = "undeliverable"  # DMs closed
    CANCELLED = "cancelled"


class CheckInKind(enum.StrEnum):
    """Why a check-in exists."""

    BASELINE = "baseline"  # the self-assessment given during onboarding
    SCHEDULED = "scheduled"
    ON_DEMAND = "on_demand"  # /checkin now


class ChatTaskKind(enum.StrEnum):
    """A chat-side step that must follow a committed decision (the durable outbox)."""

    INTRODUCTION = "introduction"  # a mentor and their mentee: subject is the mentorship
    CIRCLE_SPACE = "circle_space"  # an opened circle's channel or thread and its welcome: the circle
    MEMBER_ROLES = "member_roles"  # the member and region roles after onboarding: the member
    ANNOUNCEMENT = "announcement"  # the public welcome line after onboarding: the member
    NEIGHBOUR_INTRODUCTION = "neighbour_introduction"  # two neighbours who said yes: the introduction
    PRACTICE_INTRODUCTION = "practice_introduction"  # two practice partners: the practice pairing
    CIRCLE_JOIN = "circle_join"  # a member let into their circle and welcomed: the circle membership
    CIRCLE_LEAVE = "circle_leave"  # a member let out of their circle, a word to the rest: the membership
    CIRCLE_CLOSE = (
        "circle_close"  # a circle everyone left: its last word, and the moderators told: the circle
    )
    BUDDY_INTRODUCTION = "buddy_introduction"  # buddies who all said yes: the buddy group
    MENTOR_NUDGE = "mentor_nudge"  # a mentee said "we haven't met yet": their mentor nudged: the mentorship
    ORGANIZER_REVIEW = "organizer_review"  # an organizer awaiting confirmation, posted for review: the member


class HumanContactKind(enum.StrEnum):
    """How a member met a person through the bot (db.models.contact); `subject_id` names the event."""

    MENTOR_INTRODUCTION = "mentor_introduction"  # a mentor and their mentee: the mentorship
    BUDDY_INTRODUCTION = "buddy_introduction"  # a buddy and a newcomer: the buddy pairing
    NEIGHBOUR_INTRODUCTION = "neighbour_introduction"  # two neighbours: the introduction
    PRACTICE_INTRODUCTION = "practice_introduction"  # two practice partners: the practice pairing
    CIRCLE_JOINED = "circle_joined"  # a member (or its invited organizer) in a circle: the circle
    WELCOME_CALL = "welcome_call"  # a welcome call attended: the call
    REACHED_OUT = "reached_out"  # a mentor or moderator reached out through the bot: the message


# Local life (db.models.local)


class OfferStatus(enum.StrEnum):
    """A member's answer to "N members live near you: want to meet them?"."""

    OPEN = "open"
    ACCEPTED = "accepted"
    NOT_NOW = "not_now"
    MUTED = "muted"  # "don't ask again"


class Answer(enum.StrEnum):
    """One side's answer to an introduction."""

    PENDING = "pending"
    YES = "yes"
    NO = "no"


class IntroductionStatus(enum.StrEnum):
    """The life of one introduction between two neighbours."""

    ASKED = "asked"  # the requester said yes; the neighbour is asked
    INTRODUCED = "introduced"  # both said yes
    DECLINED = "declined"
    CANCELLED = "cancelled"  # one of them left the server, or the neighbour muted offers


class CircleStatus(enum.StrEnum):
    """The life of a local circle."""

    PROPOSED = "proposed"  # waits for a moderator
    REJECTED = "rejected"
    OPEN = "open"
    CLOSED = "closed"  # every member left


class CircleMemberStatus(enum.StrEnum):
    """Where one member stands with one circle."""

    PROPOSED = "proposed"  # part of a proposal moderators have not decided yet
    OFFERED = "offered"  # lives near an open circle and was asked to join
    JOINED = "joined"
    DECLINED = "declined"
    LEFT = "left"


class CircleRole(enum.StrEnum):
    """Why someone is in a circle."""

    MEMBER = "member"  # lives in the area
    ORGANIZER = "organizer"  # the nearest experienced organizer, invited to help


class PracticeStatus(enum.StrEnum):
    """A member's request for a practice partner."""

    WAITING = "waiting"
    PAIRED = "paired"
    CANCELLED = "cancelled"


class ActivityKind(enum.StrEnum):
    """What a member did locally."""

    TALKED_TO_NEIGHBOURS = "talked_to_neighbours"
    ATTENDED_MEETING = "attended_meeting"
    FILED_PAPERS = "filed_papers"
    STARTED_GROUP = "started_group"
    PRACTICE_CALL = "practice_call"
    OTHER = "other"


# Waiting for a mentor (db.models.waiting)


class WaitBucket(enum.StrEnum):
    """How long a member waiting for a mentor was told they would wait, roughly."""

    ROOM = "room"  # a mentor has room now: the next pairing batch
    WEEK = "week"  # within a week at the recent pace
    WEEKS = "weeks"  # longer than a week
    UNKNOWN = "unknown"  # no free place and no mentorship begun lately


class OrganizerSuggestionStatus(enum.StrEnum):
    """A mentee suggested as a future organizer: the mentor, the member, then a moderator."""

    SUGGESTED = "suggested"  # the mentor was asked whether to endorse them
    ENDORSED = "endorsed"  # the mentor endorsed; the member was asked
    ACCEPTED = "accepted"  # the member said yes; a moderator was asked
    CONFIRMED = "confirmed"  # a moderator confirmed: an active organizer
    NOT_YET = "not_yet"  # the mentor said not yet
    DECLINED = "declined"  # the member said no thanks
    NOT_NOW = "not_now"  # a moderator said not now


# Peer buddies (db.models.buddy)


class BuddyStatus(enum.StrEnum):
    """A group of two (or three) buddies."""

    OFFERED = "offered"  # each was asked; waits for every yes
    DECLINED = "declined"  # someone said no, or nobody answered in time
    INTRODUCED = "introduced"  # everyone said yes: they were (or are being) introduced
    ENDED = "ended"  # "not a good fit", or a buddy left
    CANCELLED = "cancelled"  # a member left or was deleted before everyone answered


class BuddyFollowUp(enum.StrEnum):
    """A buddy's answer to "did you talk?" a week after the introduction."""

    TALKED = "talked"
    NOT_YET = "not_yet"
    NOT_A_FIT = "not_a_fit"


# Welcome calls (db.models.welcome_call)


class WelcomeCallStatus(enum.StrEnum):
    """A recurring welcome call an organizer hosts."""

    ACTIVE = "active"  # its next occurrence is scheduled
    CANCELLED = "cancelled"  # the host ended it for good


class CallOccurrenceStatus(enum.StrEnum):
    """One occurrence of a welcome call."""

    SCHEDULED = "scheduled"  # upcoming (its Discord event made, or still to make)
    STARTED = "started"  # under way: voice presence counts
    ENDED = "ended"  # over; an external call waits for the host's list of who came
    CLOSED = "closed"  # attendance counted, the next one scheduled
    CANCELLED = "cancelled"  # the host called this one off


class CallAnswer(enum.StrEnum):
    """An invited member's answer."""

    PENDING = "pending"
    INTERESTED = "interested"
    CANT_MAKE_IT = "cant_make_it"


class CallFeedback(enum.StrEnum):
    """An attendee's answer to "how was it?"."""

    GLAD = "glad"  # glad I came
    OKAY = "okay"  # it was okay
    NOT_FOR_ME = "not_for_me"


class Platform(enum.StrEnum):
    """A chat platform groundwork serves."""

    DISCORD = "discord"  # its snowflakes are the ids the services use: no platform_identities row
    MATRIX = "matrix"


class IdentityKind(enum.StrEnum):
    """What a platform identity names, i.e. which integer ids of the services it stands for."""

    USER = "user"  # a person (user_id columns): @alice:example.org
    COMMUNITY = "community"  # a guild (guild_id columns): a Matrix space, or a set of rooms
    ROOM = "room"  # a channel or thread (…_channel_id, thread_id columns): !room:example.org

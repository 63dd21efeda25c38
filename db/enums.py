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

"""Every table of the schema; importing this module registers them on `Base.metadata`."""

from db.models.audit import AuditEntry
from db.models.buddy import BuddyGroup, BuddyMember, BuddyOptOut
from db.models.contact import HumanContact
from db.models.guild import GuildSettings
from db.models.identity import PlatformIdentity
from db.models.local import (
    ActivityEntry,
    Circle,
    CircleMember,
    NeighbourIntroduction,
    NeighbourOffer,
    PracticePairing,
    PracticeRequest,
)
from db.models.locale import Locale
from db.models.member import Member
from db.models.mentoring import Mentorship, MentorshipEvent, Organizer
from db.models.onboarding import OnboardingSession
from db.models.organizer_pool import OrganizerSuggestion
from db.models.outbox import ChatTask
from db.models.readiness import ReadinessAnswer, ReadinessCheckIn
from db.models.town_offer import TownOffer
from db.models.waiting import WaitNotice
from db.models.welcome_call import WelcomeCall, WelcomeCallInvite, WelcomeCallOccurrence, WelcomeCallPresence

__all__ = [
    "ActivityEntry",
    "AuditEntry",
    "BuddyGroup",
    "BuddyMember",
    "BuddyOptOut",
    "ChatTask",
    "Circle",
    "CircleMember",
    "GuildSettings",
    "HumanContact",
    "Locale",
    "Member",
    "Mentorship",
    "MentorshipEvent",
    "NeighbourIntroduction",
    "NeighbourOffer",
    "OnboardingSession",
    "Organizer",
    "OrganizerSuggestion",
    "PlatformIdentity",
    "PracticePairing",
    "PracticeRequest",
    "ReadinessAnswer",
    "ReadinessCheckIn",
    "TownOffer",
    "WaitNotice",
    "WelcomeCall",
    "WelcomeCallInvite",
    "WelcomeCallOccurrence",
    "WelcomeCallPresence",
]

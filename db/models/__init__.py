"""Every table of the schema; importing this module registers them on `Base.metadata`."""

from db.models.audit import AuditEntry
from db.models.guild import GuildSettings
from db.models.locale import Locale
from db.models.member import Member
from db.models.mentoring import Mentorship, MentorshipEvent, Organizer
from db.models.onboarding import OnboardingSession
from db.models.readiness import ReadinessAnswer, ReadinessCheckIn

__all__ = [
    "AuditEntry",
    "GuildSettings",
    "Locale",
    "Member",
    "Mentorship",
    "MentorshipEvent",
    "OnboardingSession",
    "Organizer",
    "ReadinessAnswer",
    "ReadinessCheckIn",
]

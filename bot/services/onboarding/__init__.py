"""Onboarding by locale: the conversation that turns a new member into an active one."""

from bot.services.onboarding._completion import (
    AnnouncementDue,
    Completion,
    RegionRole,
    RolesDue,
    announcement_due,
    complete,
    roles_due,
)
from bot.services.onboarding._conversation import (
    AlreadyOnboardedError,
    Conversation,
    answer,
    begin,
    current,
    edit_answers,
    open_conversation,
    restart_replaces_answers,
)
from bot.services.onboarding._flow import (
    CHANGEABLE,
    MAX_LANGUAGES,
    MAX_MENTEES_OFFERED,
    ORDER,
    READINESS_PAGES,
    Step,
    is_complete,
    offers_mentoring,
)
from bot.services.onboarding._model import Action, Answers, Notice, stored_answers
from bot.services.onboarding._nearness import FarWords, closing_lines, nearness_lines
from bot.services.onboarding._prompts import place_confirm_lines
from bot.services.onboarding._store import StaleAnswerError
from bot.services.onboarding._timers import PausedConversation, due_reminders, expire_due, remember_channel
from bot.services.place_answers import PlaceResolver

__all__ = [
    "CHANGEABLE",
    "MAX_LANGUAGES",
    "MAX_MENTEES_OFFERED",
    "ORDER",
    "READINESS_PAGES",
    "Action",
    "AlreadyOnboardedError",
    "AnnouncementDue",
    "Answers",
    "Completion",
    "Conversation",
    "FarWords",
    "Notice",
    "PausedConversation",
    "PlaceResolver",
    "RegionRole",
    "RolesDue",
    "StaleAnswerError",
    "Step",
    "announcement_due",
    "answer",
    "begin",
    "closing_lines",
    "complete",
    "current",
    "due_reminders",
    "edit_answers",
    "expire_due",
    "is_complete",
    "nearness_lines",
    "offers_mentoring",
    "open_conversation",
    "place_confirm_lines",
    "remember_channel",
    "restart_replaces_answers",
    "roles_due",
    "stored_answers",
]

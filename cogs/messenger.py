"""The Discord messenger: groundwork's `bot.ports.Messenger` on Discord, one object the bot owns.

Each feature writes its own part (its messages, buttons and fallbacks) next to its cog; this
class puts them together, so every notice, offer and question the core sends goes through one
object that implements one protocol. mypy checks that it does (`bot.bot` types it as the protocol).
"""

from __future__ import annotations

from cogs.buddies import BuddyMessages
from cogs.checkins import CheckInMessages
from cogs.local import LocalMessages
from cogs.onboarding import OnboardingMessages
from cogs.organizer_pool import OrganizerPoolMessages
from cogs.pairing import PairingMessages
from cogs.reach_out import ReachOutMessages
from cogs.town_offers import TownOfferMessages
from cogs.welcome_calls import WelcomeCallMessages


class DiscordMessenger(
    BuddyMessages,
    OnboardingMessages,
    PairingMessages,
    LocalMessages,
    TownOfferMessages,
    CheckInMessages,
    OrganizerPoolMessages,
    WelcomeCallMessages,
    ReachOutMessages,
):
    """Everything groundwork sends on Discord (interaction replies aside: those answer in place)."""

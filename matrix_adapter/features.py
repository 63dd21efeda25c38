"""Every feature of the Matrix adapter, installed on one MatrixBot: each module's `install`
registers its commands, replies and membership handlers with the bot's router. The order here
is `!gw help`'s order, and the order replies are offered to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matrix_adapter import checkin_commands, local, moderation, onboarding, privacy

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot


def install(bot: MatrixBot) -> None:
    local.install(bot)  # first: a plain "yes" answers the local question just asked (not a mentor)
    onboarding.install(bot)
    checkin_commands.install(bot)  # after onboarding: its answers are numbers too
    privacy.install(bot)
    moderation.install(bot)

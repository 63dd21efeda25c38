"""The town offer: a DM, sent once, to members who gave only their region (issue 14), with a
button that opens the same resolve-and-confirm flow as /locale set. The button survives
restarts (a dynamic item carrying the guild)."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.services import members as member_service
from bot.services import town_offers
from bot.texts import town_offers as texts
from cogs._interactions import GroundworkView
from cogs._sender import DiscordSender
from cogs._ticks import Ticks
from cogs.profile import TOWN_OFFER
from db.enums import Platform

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

TICK_JOB_ID = "town_offers:tick"


def offer_view(guild_id: int) -> discord.ui.View:
    view = GroundworkView(timeout=None)
    view.add_item(
        TOWN_OFFER.button(guild_id, label=texts.TOWN_OFFER_BUTTON, style=discord.ButtonStyle.primary)
    )
    return view


class TownOffers(commands.Cog):
    """Sends each due town offer once."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.worker = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._sending = asyncio.Lock()
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.ticks.every(TICK_JOB_ID, self.tick, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.ticks.stop()

    async def tick(self) -> int:
        """Send every due offer; returns how many were sent. Ticks never overlap in a process."""
        if self._sending.locked():
            return 0
        sent = 0
        async with self._sending:
            async with self.bot.sessions() as session, session.begin():
                await town_offers.give_up_stale(session=session, now=self.bot.clock())
            while True:
                async with self.bot.sessions() as session, session.begin():
                    batch = await town_offers.claim_due(
                        session=session, now=self.bot.clock(), worker=self.worker, platform=Platform.DISCORD
                    )
                if batch.claimed == 0:
                    return sent
                for offer in batch.due:
                    outcome = await self.bot.messenger.offer_town(offer)
                    sent += outcome == "sent"
                    async with self.bot.sessions() as session, session.begin():
                        await town_offers.record(
                            session=session,
                            offer_id=offer.offer_id,
                            worker=self.worker,
                            outcome=outcome,
                            now=self.bot.clock(),
                        )
                        if outcome == "dms_closed":
                            await member_service.mark_dms_closed(
                                session=session,
                                guild_id=offer.guild_id,
                                user_id=offer.user_id,
                                now=self.bot.clock(),
                            )


CANNOT_DM = frozenset({50007, 50278})  # DMs closed; no mutual guild


class TownOfferMessages(DiscordSender):
    async def offer_town(self, offer: town_offers.DueOffer) -> town_offers.Outcome:
        guild = self.bot.get_guild(offer.guild_id)
        if guild is None:
            return "retry"
        region = texts.TOWN_OFFER_REGION.format(region=offer.region_name) if offer.region_name else ""
        content = texts.TOWN_OFFER_DM.format(
            guild_name=discord.utils.escape_markdown(guild.name), region=discord.utils.escape_markdown(region)
        )
        try:
            user = self.bot.get_user(offer.user_id) or await self.bot.fetch_user(offer.user_id)
            await user.send(
                content, view=offer_view(offer.guild_id), allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.Forbidden as exc:
            if exc.code in CANNOT_DM:
                return "dms_closed"
            log.warning("could not send the town offer to user %s: %s", offer.user_id, exc)
            return "retry"
        except discord.NotFound:
            return "dms_closed"  # no such user any more
        except discord.HTTPException as exc:
            log.warning("could not send the town offer to user %s: %s", offer.user_id, exc)
            return "retry"
        return "sent"


async def setup(bot: GroundworkBot) -> None:
    """Load the TownOffers cog."""
    await bot.add_cog(TownOffers(bot))

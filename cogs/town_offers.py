"""The town offer: a DM, sent once, to members who gave only their region (issue 14), with a
button that opens the same resolve-and-confirm flow as /locale set. The button survives
restarts (a dynamic item carrying the guild)."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import socket
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import members as member_service
from bot.services import town_offers
from bot.texts import town_offers as texts
from cogs._interactions import GroundworkView, ReportsErrors, snowflake
from cogs._ticks import Ticks

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

log = logging.getLogger(__name__)

TICK_JOB_ID = "town_offers:tick"
DMS_CLOSED = 50007
CANNOT_DM = frozenset({DMS_CLOSED, 50278})  # DMs closed; no mutual guild
BUTTON_PATTERN = r"gw:town:(?P<guild>[0-9]+)"


class TownOfferButton(ReportsErrors, discord.ui.DynamicItem[discord.ui.Button[Any]], template=BUTTON_PATTERN):
    """ "Tell you my town": opens the /locale set form for the guild the offer came from."""

    def __init__(self, guild_id: int, *, label: str = texts.TOWN_OFFER_BUTTON) -> None:
        self.guild_id = guild_id
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.primary, custom_id=f"gw:town:{guild_id}")
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> TownOfferButton:
        button = item if isinstance(item, discord.ui.Button) else None
        return cls(
            snowflake(match["guild"]), label=(button.label if button else None) or texts.TOWN_OFFER_BUTTON
        )

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        guild = interaction.client.get_guild(self.guild_id)
        if guild is None:
            raise GroundworkError(texts.UNKNOWN_SERVER)
        if guild.get_member(interaction.user.id) is None:
            raise GroundworkError(texts.NOT_IN_SERVER)
        profile = interaction.client.get_cog("Profile")
        if profile is None:
            raise GroundworkError(texts.UNKNOWN_SERVER)
        await profile.ask_place(interaction, self.guild_id)


def offer_view(guild_id: int) -> discord.ui.View:
    view = GroundworkView(timeout=None)
    view.add_item(TownOfferButton(guild_id))
    return view


class TownOffers(commands.Cog):
    """Sends each due town offer once."""

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.worker = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._sending = asyncio.Lock()
        self.ticks = Ticks(bot)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TownOfferButton)
        self.ticks.every(TICK_JOB_ID, self.tick, seconds=self.bot.settings.scheduler.tick_seconds)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(TownOfferButton)
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
                        session=session, now=self.bot.clock(), worker=self.worker
                    )
                if batch.claimed == 0:
                    return sent
                for offer in batch.due:
                    outcome = await self._send(offer)
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

    async def _send(self, offer: town_offers.DueOffer) -> town_offers.Outcome:
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

"""The bot: owns the lifecycle of the database, the scheduler and the cogs."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from datetime import UTC
from typing import Any

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot import collector
from bot.background import BackgroundTasks
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.extensions import discover_extensions
from bot.ports import Messenger
from bot.services.gazetteer import Gazetteer, get_gazetteer
from bot.services.guilds import ensure_guild
from cogs.messenger import DiscordMessenger
from cogs.outbox import OutboxRunner
from cogs.pairing import Mentorships
from cogs.send_budget import SendBudget
from db.base import CLOCK
from db.engine import SessionMaker, create_engine, create_session_maker
from db.models import GuildSettings

log = logging.getLogger(__name__)

SYNC_STATE_FILE = "command-sync.json"


def intents() -> discord.Intents:
    """Guilds, members (privileged: needed to see members join and leave), voice states and
    scheduled events (welcome calls); no message content."""
    wanted = discord.Intents.default()
    wanted.members = True
    wanted.voice_states = True  # welcome calls: who is in a call's voice channel
    wanted.guild_scheduled_events = True  # welcome calls: their Discord events
    wanted.message_content = False
    wanted.presences = False
    return wanted


class GroundworkBot(commands.Bot):
    """groundwork's Discord client.

    `setup_hook` creates the engine, the session factory and the scheduler, then loads
    every cog; `close()` undoes it in reverse. Nothing starts in `on_ready`, which fires
    again on every reconnect.
    """

    engine: AsyncEngine
    sessions: SessionMaker
    scheduler: AsyncIOScheduler
    gazetteer: Gazetteer
    outbox: OutboxRunner
    messenger: Messenger  # everything the core sends, on Discord (cogs/messenger.py)
    mentorships: Mentorships

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = system_clock,
        run_scheduler: bool = True,
        sync_commands: bool | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            help_command=None,
            # Nobody is pinged unless a message asks for it explicitly.
            allowed_mentions=discord.AllowedMentions.none(),
            # No message cache: nothing here reads a message back from it (buttons carry their
            # ids, the DM history is read when needed), and a thousand messages with their
            # embeds and components are a heap the garbage collector walks at every full
            # collection (bench/interaction_latency.py prints its pauses).
            max_messages=options.pop("max_messages", None),
            **options,
        )
        self.settings = settings
        self.clock = clock
        self.background = BackgroundTasks()
        self._run_scheduler = run_scheduler
        self._sync_commands = (
            settings.discord.sync_commands_on_start if sync_commands is None else sync_commands
        )

    async def setup_hook(self) -> None:
        # The gazetteer's index takes about a second to build: off the event loop, once per process.
        self.gazetteer = await asyncio.to_thread(get_gazetteer)
        self.engine = create_engine(self.settings.database_url, echo=self.settings.database.echo)
        self.sessions = create_session_maker(self.engine)
        self.sessions.configure(info={CLOCK: self.clock})  # rows get their times from the bot's clock
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
        )
        if self._run_scheduler:
            self.scheduler.start()
        # Requests outside interactions, paced under Discord's global limit, most urgent first.
        self.send_budget = SendBudget(self.settings.discord.requests_per_second)
        self.messenger = DiscordMessenger(self)
        self.outbox = OutboxRunner(self)  # before the cogs: features register their handlers with it
        self.mentorships = Mentorships(self)  # the pairing cogs' and /mod's
        for extension in discover_extensions():
            await self.load_extension(extension)
        log.info("loaded %d cogs: %s", len(self.cogs), ", ".join(sorted(self.cogs)))
        self._thresholds = collector.settle_after_startup()  # see bot.collector
        if self._sync_commands:
            await self.sync_app_commands(guild_id=self.settings.discord.dev_guild_id, only_if_changed=True)

    async def close(self) -> None:
        for extension in list(self.extensions):
            try:
                await self.unload_extension(extension)
            except Exception:
                log.exception("could not unload %s", extension)
        if hasattr(self, "scheduler") and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.background.cancel_all()
        await super().close()
        if hasattr(self, "engine"):
            await self.engine.dispose()
        collector.restore(getattr(self, "_thresholds", None))

    async def guild_settings(self, session: AsyncSession, guild_id: int) -> GuildSettings:
        """The settings of `guild_id`, created from the configured defaults on first use."""
        return await ensure_guild(session=session, guild_id=guild_id, defaults=self.settings.guild_defaults)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info("connected as %s (%s) to %d guild(s)", self.user, self.user.id, len(self.guilds))

    # -- slash command registration -------------------------------------------------

    def _command_payload_hash(self, guild: discord.abc.Snowflake | None) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    async def sync_app_commands(self, *, guild_id: int | None, only_if_changed: bool = False) -> int:
        """Register the slash commands globally or, for development, to one guild.

        With `only_if_changed`, nothing is sent when the commands are the same as at the
        last sync (Discord limits how often commands may be registered).
        """
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        scope = f"guild:{guild_id}" if guild_id else "global"
        digest = self._command_payload_hash(guild)
        state_path = self.settings.data_dir / SYNC_STATE_FILE
        state: dict[str, str] = {}
        if state_path.exists():
            try:
                state = json.loads(state_path.read_text())
            except (OSError, ValueError):
                state = {}
        if only_if_changed and state.get(scope) == digest:
            log.info("slash commands unchanged since the last sync (%s)", scope)
            return 0
        synced = await self.tree.sync(guild=guild)
        state[scope] = digest
        try:
            state_path.parent.mkdir(parents=True, exist_ok=True)
            state_path.write_text(json.dumps(state))
        except OSError:
            log.warning("could not remember the command sync in %s", state_path)
        log.info("registered %d slash commands (%s)", len(synced), scope)
        return len(synced)

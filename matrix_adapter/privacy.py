"""`!gw privacy show / export / delete`: what groundwork keeps about the member who asks, in the
configured community; a copy as a file; everything deleted, after they confirm.

All three are about the sender alone: answered only in a direct room (the router says so
elsewhere). The export is the same JSON as Discord's (bot/services/privacy_export), sent as an
m.file, encrypted in an encrypted room. Deleting removes what Discord's /privacy delete removes
(bot/services/privacy.delete_member_data) and the member's Matrix identity too, in one unit of
work; it waits for "!gw privacy delete confirm" (or "confirm" in the direct room) within
`CONFIRM_MINUTES`, and "cancel" keeps everything.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.errors import GroundworkError
from bot.services import identities, privacy, privacy_export
from bot.texts import buddies as buddy_texts
from bot.texts import matrix as matrix_texts
from bot.texts import matrix_privacy as mtexts
from bot.texts import pairing as pairing_texts
from bot.texts import privacy as texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

EXPORT_FILENAME = "groundwork-my-data.json"
CONFIRM_MINUTES = 10
CONFIRM_WORDS = frozenset({"confirm", "yes", "yes, delete my data"})
CANCEL_WORDS = frozenset({"cancel", "no", "keep it"})


def install(bot: MatrixBot) -> None:
    sessions, community_id = bot.sessions, bot.settings.community_id
    if sessions is None or community_id is None:
        return
    handlers = PrivacyCommands(bot, sessions, community_id)

    async def privacy_show(message: Message, _: str) -> None:
        await bot.send_notice(
            message.room_id, await show(sessions=sessions, community_id=community_id, sender=message.sender)
        )

    bot.router.command("privacy show", matrix_texts.HELP_PRIVACY_SHOW, privacy_show, private=True)
    bot.router.command("privacy export", mtexts.HELP_PRIVACY_EXPORT, handlers.export, private=True)
    bot.router.command("privacy delete", mtexts.HELP_PRIVACY_DELETE, handlers.delete, private=True)
    bot.router.reply(handlers.on_reply)


async def _ids(session: Any, community_id: str, sender: str) -> tuple[int | None, int | None]:
    guild_id = await identities.find_local_id(
        session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=community_id
    )
    user_id = await identities.find_local_id(
        session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=sender
    )
    return guild_id, user_id


async def everything(*, sessions: SessionMaker, community_id: str, sender: str) -> dict[str, Any]:
    """privacy.everything_about the sender; raises GroundworkError (NOTHING_STORED) for someone
    never seen, and makes no identity for them."""
    async with sessions() as session:
        guild_id, user_id = await _ids(session, community_id, sender)
        if guild_id is None or user_id is None:
            raise GroundworkError(texts.NOTHING_STORED)
        return await privacy.everything_about(session=session, guild_id=guild_id, user_id=user_id)


async def show(*, sessions: SessionMaker, community_id: str, sender: str) -> str:
    """The text to answer with (`**` marks emphasis; see render)."""
    try:
        data = await everything(sessions=sessions, community_id=community_id, sender=sender)
    except GroundworkError as refused:
        return refused.render(str)  # names nobody here
    return "\n".join(
        [f"**{texts.SHOW_TITLE}**", matrix_texts.PRIVACY_SHOW_INTRO, *privacy.summary_lines(data)]
    )


class PrivacyCommands:
    def __init__(self, bot: MatrixBot, sessions: SessionMaker, community_id: str) -> None:
        self.bot = bot
        self.sessions = sessions
        self.community_id = community_id
        self._asked: dict[str, datetime] = {}  # who asked to delete, until when they may confirm

    async def _say(self, message: Message, text: str) -> None:
        await self.bot.send_notice(message.room_id, text)

    async def _names(self, user_ids: set[int]) -> dict[int, str]:
        """The people an export names, by their Matrix ids (those no longer known stay unnamed)."""
        names: dict[int, str] = {}
        async with self.sessions() as session:
            for user_id in user_ids:
                found = await identities.external(session=session, local_id=user_id)
                if found is not None:
                    names[user_id] = found.external_id
        return names

    def _community_name(self) -> str:
        for room_id in (self.bot.settings.space_id, *self.bot.settings.room_ids):
            room = self.bot.client.rooms.get(room_id) if room_id else None
            if room is not None and room.display_name:
                return str(room.display_name)
        return self.community_id

    async def export(self, message: Message, _: str) -> None:
        """Everything kept about them as a file a person can read, and in a sentence what it holds."""
        try:
            data = await everything(
                sessions=self.sessions, community_id=self.community_id, sender=message.sender
            )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        readable = privacy_export.readable(
            data,
            server=self._community_name(),
            now=self.bot.clock(),
            names=await self._names(privacy_export.people(data)),
        )
        payload = json.dumps(readable, indent=2, ensure_ascii=False, default=str).encode()
        await self._say(message, privacy_export.summary(data))
        if not await self.bot.send_file(
            message.room_id, payload, filename=EXPORT_FILENAME, mimetype="application/json"
        ):
            await self._say(message, mtexts.EXPORT_FAILED)

    async def delete(self, message: Message, args: str) -> None:
        """The question first; `confirm` (now, or as the next message) deletes."""
        if args.strip().lower() in CONFIRM_WORDS:
            await self._confirmed(message)
            return
        try:  # says so when there is nothing to delete
            await everything(sessions=self.sessions, community_id=self.community_id, sender=message.sender)
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        self._asked[message.sender] = self.bot.clock() + timedelta(minutes=CONFIRM_MINUTES)
        await self._say(
            message, f"{texts.DELETE_CONFIRM}\n{mtexts.DELETE_CONFIRM_HOW.format(minutes=CONFIRM_MINUTES)}"
        )

    def _pending(self, sender: str) -> bool:
        until = self._asked.get(sender)
        if until is not None and until < self.bot.clock():
            del self._asked[sender]
            return False
        return until is not None

    async def on_reply(self, message: Message) -> bool:
        """ "confirm" or "cancel" right after `!gw privacy delete`, in the direct room."""
        if not self._pending(message.sender):
            return False
        word = message.body.strip().lower().rstrip("!.")
        if word in CANCEL_WORDS:
            del self._asked[message.sender]
            await self._say(message, texts.CANCELLED)
            return True
        if word in CONFIRM_WORDS:
            await self._confirmed(message)
            return True
        return False

    async def _confirmed(self, message: Message) -> None:
        if not self._pending(message.sender):
            await self._say(message, mtexts.DELETE_NOTHING_ASKED)
            return
        del self._asked[message.sender]
        try:
            async with self.sessions() as session, session.begin():
                guild_id, user_id = await _ids(session, self.community_id, message.sender)
                if guild_id is None or user_id is None:
                    raise GroundworkError(texts.NOTHING_STORED)
                deletion = await privacy.delete_member_data(
                    session=session,
                    guild_id=guild_id,
                    user_id=user_id,
                    now=self.bot.clock(),
                    reason="request",
                )
                await identities.forget(
                    session=session,
                    platform=Platform.MATRIX,
                    kind=IdentityKind.USER,
                    external_id=message.sender,
                )
        except GroundworkError as refused:
            await self._say(message, refused.render(str))
            return
        await self._say(message, mtexts.DELETED)
        if self.bot.runtime is not None:  # not awaited here: it may open rooms (see MatrixRuntime.spawn)
            self.bot.runtime.spawn(
                self._after_deletion(deletion, message.sender), name="matrix:privacy:deleted"
            )

    async def _after_deletion(self, deletion: privacy.Deletion, who: str) -> None:
        """Those whose mentorship ended, and a buddy left alone, are told (as on Discord)."""
        runtime = self.bot.runtime
        if runtime is None:
            return
        for ended in deletion.ended_mentorships:
            if ended.requeued:  # the member who left was the mentor
                await runtime.messenger.tell(ended.member_user_id, pairing_texts.MENTOR_LEFT)
            else:
                await runtime.messenger.tell(ended.mentor_user_id, texts.ORGANIZER_NOTICE.format(member=who))
        for user_id in deletion.buddies_alone:
            await runtime.messenger.tell(user_id, buddy_texts.GONE_FOR_YOU)
        if deletion.calls_off:
            log.info("welcome calls a deleted member hosted are off: %s", len(deletion.calls_off))

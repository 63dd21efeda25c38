"""Introductions on Matrix: the counterpart of Discord's private introduction thread is a new
private room with the mentor and the mentee invited (end-to-end encrypted, as Element's direct
rooms are), the introduction posted in it. When no room can be made, each hears by a notice in
their direct room with the bot; when nothing reached anyone, the moderators are told.

`MatrixIntroductions.introduce_task` is the handler of `ChatTaskKind.INTRODUCTION` for the
Matrix adapter's outbox runner: idempotent, like Discord's. The room an attempt made is recorded
as the task's progress (its local id, bot/services/identities) as soon as it exists, so a retry
continues it: invites whoever is not in it yet and posts the introduction only if the bot has not
posted it there already.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from bot.clock import Clock
from bot.services import outbox, pairing
from bot.services.time_zones import local_time
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as onboarding_texts
from bot.texts import pairing as texts
from db.engine import SessionMaker
from db.enums import OrganizingPath
from matrix_adapter.conversation import plain_text
from matrix_adapter.onboarding_messages import matrix_id
from matrix_adapter.rooms import PrivateRooms, Runner

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)


class Moderators(Protocol):
    async def tell_moderators(self, guild_id: int, text: str) -> None: ...


def when(moment: datetime, zones: dict[str, str | None]) -> str:
    """A suggested time in UTC, with each person's own clock ("18:00 for @alice:example.org")."""
    local = ", ".join(
        mtexts.LOCAL_TIME.format(time=local_time(zone, moment), who=who)
        for who, zone in zones.items()
        if zone
    )
    return mtexts.TIME.format(utc=f"{moment:%A %d %B, %H:%M}", local=local or "UTC")


def _about(side: pairing.Side) -> str:
    details = []
    if side.area:
        details.append(plain_text(side.area))
    if side.paths:
        details.append(", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(p)].lower() for p in side.paths))
    if side.experience_note:
        details.append(f"“{plain_text(side.experience_note, 300)}”")
    return "; ".join(details) or "—"


def introduction_text(p: pairing.Pairing, member: str, mentor: str) -> str:
    """Discord's introduction (bot/texts/pairing), the two named by their Matrix ids."""
    first_path = p.member.paths[0] if p.member.paths else None
    first_step = texts.FIRST_STEPS.get(OrganizingPath(first_path)) if first_path else None
    about = "\n".join(
        (
            texts.ABOUT_MEMBER.format(member=member, details=_about(p.member)),
            texts.ABOUT_MENTOR.format(mentor=mentor, details=_about(p.mentor)),
        )
    )
    times = ""
    if p.suggested_times is not None:
        zones = {member: p.member.timezone, mentor: p.mentor.timezone}
        first, second = p.suggested_times
        times = mtexts.SUGGESTED_TIMES.format(first=when(first, zones), second=when(second, zones))
    text = texts.INTRODUCTION.format(
        member=member,
        mentor=mentor,
        about=about,
        first_step=first_step or texts.DEFAULT_FIRST_STEP,
        times=times,
    )
    return text.replace("\n\n", "\n")


class MatrixIntroductions:
    """Introduces a mentor and their mentee in a private room, for one MatrixBot."""

    def __init__(
        self, bot: MatrixBot, sessions: SessionMaker, clock: Clock, moderators: Moderators, runner: Runner
    ) -> None:
        self.bot = bot
        self.sessions = sessions
        self.clock = clock
        self.moderators = moderators
        self.runner = runner
        self.rooms = PrivateRooms(bot, sessions, runner)

    async def introduce_task(self, task: outbox.Task) -> bool:
        """The outbox's handler for introductions (see the module's docstring). A refusal by
        the homeserver settles it (DMs instead); the caller's runner retries what raises."""
        async with self.sessions() as session, session.begin():
            p = await pairing.introduction_due(
                session=session, mentorship_id=task.subject_id, now=self.clock()
            )
            if p is None:
                await outbox.done(session=session, task_id=task.task_id, now=self.clock())
                return True
        member = await matrix_id(self.sessions, p.member.user_id)
        mentor = await matrix_id(self.sessions, p.mentor.user_id)
        if member is None or mentor is None:  # not both on Matrix: nothing this adapter can do
            async with self.sessions() as session, session.begin():
                await outbox.done(session=session, task_id=task.task_id, now=self.clock())
            return False
        text = introduction_text(p, member, mentor)
        room_id = await self._room(task, member, mentor)
        delivered = room_id is not None and await self.rooms.fill(
            room_id, (member, mentor), text, check=task.attempts > 1
        )
        thread_id = None
        if delivered and room_id is not None:
            async with self.sessions() as session, session.begin():
                thread_id = await self.rooms.local_room(session, room_id)
        else:
            sent = [
                await self._dm(who, mtexts.INTRO_DM.format(other=other, introduction=text))
                for who, other in ((member, mentor), (mentor, member))
            ]
            delivered = any(sent)
        async with self.sessions() as session, session.begin():
            await pairing.record_introduction(
                session=session,
                mentorship_id=p.mentorship_id,
                thread_id=thread_id,
                delivered=delivered,
                now=self.clock(),
            )
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.clock())
        if not delivered and settled:
            await self.moderators.tell_moderators(
                p.guild_id, mtexts.INTRO_FAILED.format(member=member, mentor=mentor)
            )
        return delivered

    async def _room(self, task: outbox.Task, member: str, mentor: str) -> str | None:
        """The introduction's room: the one an earlier attempt made, else a new one (encrypted,
        both invited); None when the homeserver refused to make it."""
        name = mtexts.ROOM_NAME.format(member=member, mentor=mentor)
        return await self.rooms.room(task, name=name, invite=[member, mentor])

    async def _dm(self, user_id: str, text: str) -> bool:
        return await self.rooms.dm(user_id, text)

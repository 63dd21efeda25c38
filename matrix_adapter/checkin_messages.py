"""Check-ins' part of the Matrix messenger (bot/services/checkins' Messenger, and the mentor's
summary): the check-in as one notice in the member's direct room, its reminder, alerts.

A check-in's notice carries its id in its content (`CHECKIN_KEY`), so a dispatcher that died
mid-send finds it in the room's history instead of sending it twice. The room is kept as the
check-in's `channel_id` (the room's local id, bot/services/identities); Matrix event ids are not
integers, so `message_id` stays empty. Times are written in the member's own time zone. People
are named by their Matrix id, as text: a notice never pings (empty m.mentions).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nio import RoomMessagesResponse

from bot.errors import GroundworkError
from bot.services import checkins, identities
from bot.services.checkins import (
    DIMENSIONS,
    Alert,
    AlertKind,
    CheckInState,
    CompletedCheckIn,
    Delivery,
    DeliveryStatus,
    DueCheckIn,
    Reminder,
    StepLevel,
    Suggestion,
)
from bot.services.time_zones import zone_name
from bot.texts import checkins as checkin_texts
from bot.texts import matrix_checkins as texts
from bot.texts.onboarding import PATH_LABELS
from db.enums import IdentityKind, Platform, ReadinessDimension
from matrix_adapter.checkin_replies import names

if TYPE_CHECKING:
    from bot.config import MatrixSettings
    from db.engine import SessionMaker
    from matrix_adapter.client import MatrixBot

log = logging.getLogger(__name__)

CHECKIN_KEY = "org.groundwork.checkin"  # the check-in id, in the content of its notice
HISTORY_LOOKBACK = 50


# -- texts ----------------------------------------------------------------------------------------


def when(moment: datetime | None, zone: str) -> str:
    """ "Tuesday 8 December at 18:00 (Central European Time)": in the member's time zone."""
    if moment is None:
        return "-"
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        local, zone = moment, "UTC"
    return texts.WHEN.format(
        day=f"{local:%A} {local.day} {local:%B}", time=f"{local:%H:%M}", zone=zone_name(zone)
    )


def question(number: int, dimension: ReadinessDimension, previous: dict[str, int]) -> str:
    line = texts.QUESTION.format(number=number, question=checkin_texts.QUESTIONS[dimension])
    if dimension in previous:
        line += texts.LAST_TIME.format(score=previous[dimension])
    return line


def checkin_text(community: str, previous: dict[str, int]) -> str:
    """The check-in: the six questions, numbered, and how to answer."""
    lines = [texts.TITLE.format(community=community), texts.INTRO]
    lines += [question(n, d, previous) for n, d in enumerate(DIMENSIONS, start=1)]
    lines.append(texts.HOW_TO_ANSWER)
    return "\n\n".join(lines)


def left_text(state: CheckInState) -> str:
    return texts.LEFT_TO_ANSWER.format(names=names(state.missing)) if state.missing else texts.ALL_ANSWERED


def next_question(state: CheckInState) -> str:
    dimension = state.missing[0]
    number = DIMENSIONS.index(dimension) + 1
    return texts.NEXT_QUESTION.format(number=number, question=question(number, dimension, state.previous))


def scores_line(scores: dict[str, int]) -> str:
    return " · ".join(f"{checkin_texts.SHORT_NAMES[d]} **{scores[d]}**" for d in DIMENSIONS if d in scores)


def step_text(suggestion: Suggestion) -> str:
    """The one next step, as Discord's reply picks it (bot/texts/checkins.STEPS, PATH_STEPS)."""
    steps: tuple[str, ...] = checkin_texts.STEPS[suggestion.dimension][suggestion.level]
    path_step = (
        checkin_texts.PATH_STEPS.get((suggestion.path, suggestion.dimension)) if suggestion.path else None
    )
    if path_step is not None and suggestion.level != StepLevel.STRETCH:
        steps = (path_step, *steps)
    return steps[suggestion.variant % len(steps)]


def completed_text(result: CompletedCheckIn, zone: str) -> str:
    """What the member reads once every question is answered: one next step, for their path."""
    suggestion = result.suggestion
    lines = [texts.THANKS, texts.YOUR_SCORES.format(scores=scores_line(result.state.scores))]
    if suggestion.remote_offer:
        lines.append(checkin_texts.REMOTE_OFFER)
    else:
        path = PATH_LABELS[suggestion.path] if suggestion.path else None
        name = checkin_texts.NAMES[suggestion.dimension]
        if suggestion.ready and path:
            title = checkin_texts.READY.format(path=path)
        elif path:
            title = checkin_texts.STEP_TITLE_PATH.format(dimension=name, path=path)
        else:
            title = checkin_texts.STEP_TITLE.format(dimension=name)
        # Discord's *italics* around the path: plain here (render knows only **emphasis**).
        title = title.replace(f"*{path}*", str(path)) if path else title
        lines.append(title + "\n" + step_text(suggestion))
    logged = sum(result.logged_since_last.values())
    if logged:
        lines.append(checkin_texts.LOGGED.format(count=logged))
    else:
        lines.append(texts.LOG_INVITE)
    lines.append(
        texts.NEXT_DUE.format(when=when(result.next_due, zone)) if result.next_due else texts.NO_NEXT_DUE
    )
    return "\n\n".join(lines)


def skipped_text(next_due: datetime | None, zone: str) -> str:
    tail = texts.NEXT_DUE.format(when=when(next_due, zone)) if next_due else texts.NO_NEXT_DUE
    return f"{checkin_texts.SKIPPED}\n\n{tail}"


def _drops(alert: Alert) -> str:
    return ", ".join(
        checkin_texts.DROP_ITEM.format(name=checkin_texts.NAMES[d.dimension], before=d.before, after=d.after)
        for d in alert.drops
    )


def alert_text(alert: Alert, member: str, mentor: str | None, *, to_mentor: bool) -> str:
    """An alert, worded for the mentor or for the moderators' room."""
    if alert.kind == AlertKind.DMS_CLOSED:
        return texts.ALERT_DMS_CLOSED.format(member=member)
    if alert.kind == AlertKind.DROP:
        template = checkin_texts.ALERT_DROP if to_mentor else checkin_texts.ALERT_DROP_CHANNEL
        text = template.format(member=member, drops=_drops(alert))
    else:
        template = checkin_texts.ALERT_MISSED if to_mentor else checkin_texts.ALERT_MISSED_CHANNEL
        text = template.format(member=member, count=alert.missed)
    if to_mentor:
        return text
    if alert.mentor_user_id is None:
        return f"{text} {checkin_texts.ORGANIZER_QUIET if alert.organizer else checkin_texts.NO_MENTOR}"
    return f"{text} {checkin_texts.MENTOR_UNREACHABLE.format(mentor=mentor or '-')}"


def summary_text(result: CompletedCheckIn, member: str, community: str, alerts: list[str]) -> str:
    """The mentor's summary of a mentee's answered check-in (any drop alert on top)."""
    state = result.state
    lines = [
        *alerts,
        texts.SUMMARY_TITLE.format(member=member, community=community),
        scores_line(state.scores),
    ]
    if result.suggestion.remote_offer:
        lines.append(checkin_texts.SUMMARY_REMOTE)
    else:
        lines.append(
            checkin_texts.SUMMARY_WEAKEST.format(
                dimension=checkin_texts.NAMES[result.suggestion.dimension], step=step_text(result.suggestion)
            )
        )
    if state.note:
        lines.append(texts.SUMMARY_NOTE.format(note=state.note))
    return "\n\n".join(lines)


# -- the messenger's part ---------------------------------------------------------------------------


class CheckInMatrixMessages:
    """Mixed into MatrixMessenger, which sets these three."""

    _bot: MatrixBot
    _sessions: SessionMaker
    _settings: MatrixSettings

    def community_name(self) -> str:
        """The community's space (or first room) as Matrix shows it."""
        for room_id in (self._settings.space_id, *self._settings.room_ids):
            room = self._bot.client.rooms.get(room_id) if room_id else None
            if room is not None and room.display_name:
                return str(room.display_name)
        return "groundwork"

    async def _external(self, local_id: int | None, kind: IdentityKind) -> str | None:
        if local_id is None:
            return None
        async with self._sessions() as session:
            found = await identities.external(session=session, local_id=local_id)
        if found is None or found.platform is not Platform.MATRIX or found.kind is not kind:
            return None
        return found.external_id

    async def _zone(self, guild_id: int, user_id: int) -> str:
        try:
            async with self._sessions() as session:
                return (await checkins.schedule(session=session, guild_id=guild_id, user_id=user_id)).timezone
        except GroundworkError:
            return "UTC"

    async def _room_for(self, user_id: int, room_local_id: int | None, *, make: bool) -> str | None:
        """The member's direct room: the one a check-in went to, while both are still in it; else
        the bot's direct room with them (`make`: a new one when there is none)."""
        matrix_id = await self._external(user_id, IdentityKind.USER)
        if matrix_id is None:
            return None
        known = await self._external(room_local_id, IdentityKind.ROOM)
        room = self._bot.client.rooms.get(known) if known else None
        if known and room is not None and (matrix_id in room.users or matrix_id in room.invited_users):
            return known
        if make:
            return await self._bot.direct_room(matrix_id)
        return await self._bot.existing_direct_room(matrix_id)

    async def _room_local_id(self, room_id: str) -> int:
        async with self._sessions() as session, session.begin():
            return await identities.local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.ROOM, external_id=room_id
            )

    async def deliver(self, item: DueCheckIn) -> Delivery:
        if await self._external(item.user_id, IdentityKind.USER) is None:
            return Delivery(DeliveryStatus.FAILED, detail="no Matrix account")
        room_id = await self._room_for(item.user_id, item.dm_channel_id, make=True)
        if room_id is None:
            return Delivery(DeliveryStatus.RETRY, detail="no direct room")
        text = checkin_text(self.community_name(), item.previous)
        if not await self._bot.send_notice(room_id, text, extra={CHECKIN_KEY: item.checkin_id}):
            return Delivery(DeliveryStatus.UNKNOWN, detail="send refused")
        return Delivery(DeliveryStatus.SENT, channel_id=await self._room_local_id(room_id))

    async def find_sent(self, item: DueCheckIn) -> Delivery | None:
        """The check-in's notice in the member's direct room; None when the room's recent history
        was read and it is not there; UNKNOWN when the history could not be read."""
        room_id = await self._room_for(item.user_id, item.dm_channel_id, make=False)
        if room_id is None:
            return None  # no direct room with them: nothing was sent
        answer = await self._bot.client.room_messages(room_id, limit=HISTORY_LOOKBACK)
        if not isinstance(answer, RoomMessagesResponse):
            return Delivery(DeliveryStatus.UNKNOWN, detail=str(getattr(answer, "status_code", "?")))
        for event in answer.chunk:
            content = event.source.get("content", {})
            if event.sender == self._bot.user_id and content.get(CHECKIN_KEY) == item.checkin_id:
                return Delivery(DeliveryStatus.SENT, channel_id=await self._room_local_id(room_id))
        return None

    async def remind(self, reminder: Reminder) -> Delivery:
        """The one reminder, in the room where the check-in is; only a send that surely did not
        happen (no room) is tried again."""
        room_id = await self._room_for(reminder.user_id, reminder.channel_id, make=True)
        if room_id is None:
            return Delivery(DeliveryStatus.RETRY, detail="no direct room")
        zone = await self._zone(reminder.guild_id, reminder.user_id)
        sent, closes = when(reminder.sent_at, zone), when(reminder.closes_at, zone)
        if reminder.started:
            async with self._sessions() as session:
                state = await checkins.current(
                    session=session, checkin_id=reminder.checkin_id, user_id=reminder.user_id
                )
            text = texts.REMINDER_STARTED.format(sent=sent, closes=closes, left=left_text(state))
        else:
            text = texts.REMINDER.format(sent=sent, closes=closes)
        if not await self._bot.send_notice(room_id, text):
            return Delivery(DeliveryStatus.UNKNOWN, detail="send refused")
        return Delivery(DeliveryStatus.SENT, channel_id=await self._room_local_id(room_id))

    async def _to_person(self, user_id: int, text: str) -> bool:
        matrix_id = await self._external(user_id, IdentityKind.USER)
        room_id = await self._bot.direct_room(matrix_id) if matrix_id else None
        return room_id is not None and await self._bot.send_notice(room_id, text)

    async def _to_moderators_room(self, guild_id: int, text: str) -> bool:
        room_id = self._settings.moderators_room_id
        community = self._settings.community_id
        if room_id is None or community is None:
            log.info("no moderators' room for a check-in alert")
            return False
        async with self._sessions() as session:
            ours = await identities.find_local_id(
                session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=community
            )
        return ours == guild_id and await self._bot.send_notice(room_id, text)

    async def alert(self, alert: Alert) -> None:
        member = await self._external(alert.member_user_id, IdentityKind.USER) or "-"
        mentor = await self._external(alert.mentor_user_id, IdentityKind.USER)
        to_mentor = alert.kind != AlertKind.DMS_CLOSED and alert.mentor_user_id is not None
        if to_mentor and await self._to_person(
            alert.mentor_user_id or 0, alert_text(alert, member, mentor, to_mentor=True)
        ):
            return
        await self._to_moderators_room(alert.guild_id, alert_text(alert, member, mentor, to_mentor=False))

    async def send_mentor_summary(self, result: CompletedCheckIn) -> bool:
        """The mentor's summary (a drop alert on top); without a mentor, or when it cannot reach
        them, the alerts go to the moderators' room."""
        state = result.state
        member = await self._external(state.user_id, IdentityKind.USER) or "-"
        mentor = await self._external(result.mentor_user_id, IdentityKind.USER)
        reached = False
        if result.mentor_user_id is not None:
            alerts = [alert_text(alert, member, mentor, to_mentor=True) for alert in result.alerts]
            summary = summary_text(result, member, self.community_name(), alerts)
            reached = await self._to_person(result.mentor_user_id, summary)
        if not reached:
            for alert in result.alerts:
                await self._to_moderators_room(
                    alert.guild_id, alert_text(alert, member, mentor, to_mentor=False)
                )
        return reached

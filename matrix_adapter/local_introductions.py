"""Introductions of local life on Matrix: two neighbours, buddies, practice partners. Each is a
durable step (NEIGHBOUR_INTRODUCTION, BUDDY_INTRODUCTION, PRACTICE_INTRODUCTION): a new private
encrypted room with everyone invited and Discord's introduction (bot/texts) posted once, as the
mentor's introduction is (matrix_adapter/rooms.py); when no room can be made, each hears by a
notice in their direct room. Everyone is named by their Matrix id.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox_runner import Handler
from bot.services import buddies, neighbours, outbox, practice
from bot.services.languages import LANGUAGES
from bot.texts import buddies as buddy_texts
from bot.texts import local as texts
from bot.texts import matrix_local as mtexts
from bot.texts import matrix_onboarding as onboarding_texts
from db.enums import ChatTaskKind, OrganizingPath
from matrix_adapter.circle_rooms import MatrixCircles
from matrix_adapter.community import CommunityFeature
from matrix_adapter.introductions import when
from matrix_adapter.local_messages import name, path_list
from matrix_adapter.onboarding_messages import matrix_id

if TYPE_CHECKING:
    pass

T = TypeVar("T")
Record = Callable[[AsyncSession, int | None, bool], Awaitable[object]]  # the room's local id, delivered


def neighbour_text(intro: neighbours.Introduction, first: str, second: str) -> str:
    """Discord's introduction of two neighbours (bot/texts/local), named by their Matrix ids."""
    about = "\n".join(
        texts.ABOUT_NEIGHBOUR.format(
            who=who,
            details="; ".join(filter(None, (name(side.area, texts.AREA_PRIVATE), path_list(side.paths)))),
        )
        for who, side in ((first, intro.requester), (second, intro.neighbour))
    )
    times = ""
    if intro.suggested_times is not None:
        zones: dict[str, str | None] = {}  # neighbours share no time zone: the times in UTC
        one, other = intro.suggested_times
        times = onboarding_texts.SUGGESTED_TIMES.format(first=when(one, zones), second=when(other, zones))
    step = next(
        (
            texts.NEIGHBOUR_FIRST_STEPS[OrganizingPath(p)]
            for p in intro.shared_paths
            if OrganizingPath(p) in texts.NEIGHBOUR_FIRST_STEPS
        ),
        texts.NEIGHBOUR_DEFAULT_STEP,
    )
    text = texts.NEIGHBOUR_INTRODUCTION.format(
        first=first, second=second, about=about, first_step=step, times=times
    )
    return text.replace("\n\n", "\n")


def buddy_text(intro: buddies.Introduction, names: dict[int, str]) -> str:
    """Discord's buddy introduction (bot/texts/buddies), named by their Matrix ids."""

    def who(user_id: int) -> str:
        return names.get(user_id, onboarding_texts.COMMUNITY)

    about = "\n".join(
        buddy_texts.ABOUT_LINE.format(
            who=who(b.user_id),
            area=name(b.area, buddy_texts.ABOUT_NOWHERE),
            paths=path_list(b.paths) or buddy_texts.OFFER_OPEN_PATHS,
        )
        for b in intro.buddies
    )
    if intro.icebreaker == buddies.Icebreaker.SHARED_PATH:
        icebreaker = buddy_texts.ICEBREAKER_SHARED_PATH.format(
            path=buddy_texts.PATH_GOALS[OrganizingPath(intro.shared_paths[0])]
        )
    elif intro.icebreaker == buddies.Icebreaker.EXPERIENCE and intro.experienced_user_id is not None:
        icebreaker = buddy_texts.ICEBREAKER_EXPERIENCE.format(who=who(intro.experienced_user_id))
    else:
        icebreaker = buddy_texts.ICEBREAKER_PATHS
    languages = [LANGUAGES[code][1] for code in intro.shared_languages if code in LANGUAGES]
    zones = {who(b.user_id): b.timezone for b in intro.buddies}
    first, second = intro.suggested_times
    text = buddy_texts.INTRODUCTION.format(
        who=", ".join(who(b.user_id) for b in intro.buddies),
        about=about,
        icebreaker=icebreaker,
        languages=buddy_texts.LANGUAGES.format(languages=", ".join(languages)) if languages else "",
        first=when(first, zones),
        second=when(second, zones),
    )
    return text.replace("\n\n", "\n")


def practice_text(match: practice.Match, names: dict[int, str]) -> str:
    """Discord's introduction of practice partners (bot/texts/local), the Matrix way."""
    first, second = match.sides
    zones = {names[side.user_id]: side.timezone for side in match.sides}
    scripts = "\n".join(
        texts.PRACTICE_SCRIPT_LINE.format(
            who=names[side.user_id], script=texts.PRACTICE_SCRIPTS[OrganizingPath(side.path)]
        )
        for side in match.sides
    )
    return mtexts.PRACTICE_INTRODUCTION.format(
        first=names[first.user_id],
        second=names[second.user_id],
        when=when(match.suggested_at, zones),
        or_else=texts.PRACTICE_SECOND.format(when=when(match.second_at, zones)) if match.second_at else "",
        scripts=scripts,
    )


class LocalIntroductions(CommunityFeature):
    """The three introductions' durable steps, for one MatrixBot and its community."""

    def __init__(self, circles: MatrixCircles) -> None:
        """Beside the community's circles (two neighbours introduced may make a circle possible)."""
        super().__init__(circles.bot, circles.sessions, circles.community_id, circles.runtime)
        self.rooms = circles.rooms
        self.circles = circles

    def handlers(self) -> dict[ChatTaskKind, Handler]:
        return {
            ChatTaskKind.NEIGHBOUR_INTRODUCTION: self.introduce_neighbours,
            ChatTaskKind.BUDDY_INTRODUCTION: self.introduce_buddies,
            ChatTaskKind.PRACTICE_INTRODUCTION: self.introduce_partners,
        }

    async def _people(self, user_ids: Sequence[int]) -> dict[int, str] | None:
        """Everyone's Matrix id; None when someone is not on Matrix (nothing this adapter can do)."""
        found: dict[int, str] = {}
        for user_id in user_ids:
            user = await matrix_id(self.sessions, user_id)
            if user is None:
                return None
            found[user_id] = user
        return found

    async def _ready(
        self,
        task: outbox.Task,
        read: Callable[[AsyncSession], Awaitable[T | None]],
        who: Callable[[T], Sequence[int]],
    ) -> tuple[T, dict[int, str]] | bool:
        """The introduction a step is for and everyone's Matrix id; else what the handler answers:
        True when nothing is left (settled), False when someone is not on Matrix (settled too)."""
        intro = await self.due(task, read)
        if intro is None:
            return True
        people = await self._people(who(intro))
        if people is None:
            await self.settle(task)
            return False
        return intro, people

    async def _introduce(
        self,
        task: outbox.Task,
        people: Sequence[str],
        room_name: str,
        text: str,
        dm_text: Callable[[str], str],
        record: Record,
    ) -> tuple[bool, bool]:
        """A private room with everyone and the introduction in it, else a notice to each in
        their direct room; then `record` (the room's local id, whether it reached anyone) and the
        step settled in one unit of work: (delivered, settled)."""
        room: int | None = None
        room_id = await self.rooms.room(task, name=room_name, invite=people)
        if room_id is not None and await self.rooms.fill(room_id, people, text, check=task.attempts > 1):
            async with self.sessions() as session, session.begin():
                room, delivered = await self.rooms.local_room(session, room_id), True
        else:
            delivered = any([await self.rooms.dm(user, dm_text(user)) for user in people])
        async with self.sessions() as session, session.begin():
            await record(session, room, delivered)
            settled = await outbox.done(session=session, task_id=task.task_id, now=self.bot.clock())
        return delivered, settled

    async def introduce_neighbours(self, task: outbox.Task) -> bool:
        """The outbox's handler for two neighbours who both said yes (idempotent, see rooms.py);
        once done, a circle may have become possible: the community is swept."""
        ready = await self._ready(
            task,
            lambda session: neighbours.introduction_due(session=session, introduction_id=task.subject_id),
            lambda intro: (intro.requester.user_id, intro.neighbour.user_id),
        )
        if isinstance(ready, bool):
            return ready
        intro, people = ready
        first, second = people[intro.requester.user_id], people[intro.neighbour.user_id]
        text = neighbour_text(intro, first, second)
        delivered, settled = await self._introduce(
            task,
            (first, second),
            texts.NEIGHBOUR_THREAD_NAME.format(first=first, second=second),
            text,
            lambda user: mtexts.NEIGHBOUR_INTRO_DM.format(
                other=second if user == first else first, introduction=text
            ),
            lambda session, room, delivered: neighbours.record_introduced(
                session=session,
                introduction_id=intro.introduction_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            ),
        )
        if settled and not delivered:
            await self.messenger.tell_moderators(
                intro.guild_id, mtexts.NEIGHBOUR_INTRO_FAILED.format(first=first, second=second)
            )
        if settled:
            self.later(self.circles.tick(), "matrix:circles:sweep")
        return delivered

    async def introduce_buddies(self, task: outbox.Task) -> bool:
        """The outbox's handler for buddies who all said yes."""
        ready = await self._ready(
            task,
            lambda session: buddies.introduction_due(
                session=session, group_id=task.subject_id, now=self.bot.clock()
            ),
            lambda intro: [b.user_id for b in intro.buddies],
        )
        if isinstance(ready, bool):
            return ready
        intro, people = ready
        text = buddy_text(intro, people)
        names = list(people.values())
        delivered, settled = await self._introduce(
            task,
            names,
            mtexts.BUDDY_ROOM_NAME.format(names=" & ".join(names)),
            text,
            lambda _: mtexts.BUDDY_INTRO_DM.format(introduction=text),
            lambda session, room, delivered: buddies.record_introduced(
                session=session,
                group_id=intro.group_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            ),
        )
        if settled and not delivered:
            await self.messenger.tell_moderators(
                intro.guild_id, mtexts.BUDDY_INTRO_FAILED.format(who=", ".join(names))
            )
        return delivered

    async def introduce_partners(self, task: outbox.Task) -> bool:
        """The outbox's handler for two practice partners."""
        ready = await self._ready(
            task,
            lambda session: practice.introduction_due(session=session, pairing_id=task.subject_id),
            lambda match: [side.user_id for side in match.sides],
        )
        if isinstance(ready, bool):
            return ready
        match, people = ready
        text = practice_text(match, people)
        first, second = (people[side.user_id] for side in match.sides)
        delivered, _ = await self._introduce(
            task,
            (first, second),
            texts.PRACTICE_THREAD_NAME.format(first=first, second=second),
            text,
            lambda _: mtexts.PRACTICE_INTRO_DM.format(introduction=text),
            lambda session, room, delivered: practice.record_thread(
                session=session,
                pairing_id=match.pairing_id,
                thread_id=room,
                delivered=delivered,
                now=self.bot.clock(),
            ),
        )
        return delivered

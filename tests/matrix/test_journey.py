"""The whole journey of a newcomer on a real Synapse, in one test, on a plain and on an encrypted
direct room: they join the community's space, get the bot's direct message, onboard by numbered
replies (the bot restarts half-way, on the same account, device and crypto store, and the
conversation goes on), are isolated, say yes to a mentor (an organizer who onboarded before them;
the community approves pairings automatically), meet the mentor in a new private room, answer a
check-in that comes due on the test's clock with "3 4 2 5 3 4", and finally `!gw privacy delete`
and confirm remove their data and their Matrix identity (and the mentor hears the mentorship ended).

The bot ticks as `groundwork run` has it tick (its runtime started, a first tick right away).
Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import OnboardingSettings
from bot.services import checkins
from bot.texts import matrix_checkins as checkin_texts
from bot.texts import matrix_onboarding as mtexts
from bot.texts import matrix_privacy as privacy_mtexts
from bot.texts import onboarding as texts
from bot.texts import privacy as privacy_texts
from db.engine import SessionMaker
from db.enums import CheckInKind, CheckInStatus, IdentityKind, MemberStatus, MentorshipStatus
from db.models import Member, Mentorship, ReadinessAnswer, ReadinessCheckIn
from matrix_adapter import MatrixBot, onboarding, render
from tests.matrix import driver
from tests.matrix.clients import Member as MatrixMember
from tests.matrix.clients import MemberFactory, seen_joined
from tests.matrix.conftest import account
from tests.matrix.served import Clock, check_in_due, serving
from tests.matrix.synapse import Account, Synapse

ANSWERS = (3, 4, 2, 5, 3, 4)


class Journey:
    """The community's space (made by the bot's account) and the bot serving it on the test's
    clock; `serve` starts it (again: same account, device, crypto store and database)."""

    def __init__(
        self, synapse: Synapse, me: Account, space_id: str, sessions: SessionMaker, tmp_path: Path
    ) -> None:
        self.synapse = synapse
        self.me = me
        self.space_id = space_id
        self.sessions = sessions
        self.tmp_path = tmp_path
        self.clock = Clock()

    @asynccontextmanager
    async def serve(self) -> AsyncIterator[MatrixBot]:
        me = self.me
        async with serving(
            self.synapse,
            self.sessions,
            self.tmp_path,
            self.clock,
            user=(me.user_id, me.password, me.device_id),
            space_id=self.space_id,
        ) as bot:
            feature = onboarding.of(bot)
            assert feature is not None and bot.runtime is not None
            feature.configure(OnboardingSettings(), driver.TEST_DEFAULTS, bot.scheduler_settings)
            bot.runtime.start()  # as groundwork run does: a first tick now, then every tick_seconds
            yield bot


@pytest.fixture
async def journey(synapse: Synapse, sessions: SessionMaker, tmp_path: Path) -> Journey:
    me = account(synapse, "groundwork")
    return Journey(synapse, me, await driver.make_space(synapse.url, me), sessions, tmp_path)


async def _said(person: MatrixMember, room_id: str, body: str) -> str:
    """What the bot answers in `room_id` to `body` (anything else it sends meanwhile is passed over)."""
    await person.say(room_id, body)
    while True:
        where, content = await person.next_notice()
        if where == room_id:
            assert content["m.mentions"] == {}
            return str(content["body"])


async def _direct_room_noted(journey: Journey, bot: MatrixBot, person: MatrixMember) -> str:
    """A plain direct room the member opened, joined by the bot and in its m.direct."""
    room_id = await person.dm_joined(bot.user_id)

    async def noted() -> bool:
        return await bot.existing_direct_room(person.client.user_id) == room_id

    await driver.until(noted)
    return room_id


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain-dm", "encrypted-dm"])
async def test_join_onboard_restart_mentor_check_in_and_delete(
    journey: Journey, members: MemberFactory, sessions: SessionMaker, encrypted: bool
) -> None:
    space_id = journey.space_id
    mentor, newcomer = await members(), await members()
    languages = render.plain(texts.LANGUAGES_PROMPT)

    async with journey.serve() as bot:
        await driver.join_space(mentor, space_id)  # the organizer, onboarded before the newcomer comes
        assert render.plain(texts.DONE_ORGANIZER_ACTIVE) in await driver.answer_all(
            mentor, driver.ORGANIZER, stop=driver.done
        )

        dm = None if encrypted else await _direct_room_noted(journey, bot, newcomer)
        await driver.join_space(newcomer, space_id)
        welcome_room, welcome = await driver.notice_with(newcomer, lambda b: b.startswith("Welcome to"))
        assert "Organizers of the North" in welcome
        await driver.answer_all(newcomer, driver.NEWCOMER, stop=lambda b: languages in b)
        if dm is None:
            assert newcomer.invited == [welcome_room]  # a new direct room the bot opened
        dm = welcome_room

    async with journey.serve() as bot:  # the restart: nothing of the conversation kept in memory
        asked = await _said(newcomer, dm, driver.NEWCOMER["languages"])
        assert asked.startswith("Getting to know you · 4/9\n")
        assert render.plain(texts.EXPERIENCE_PROMPT) in asked
        await newcomer.say(dm, driver.NEWCOMER["experience"])
        closing = await driver.answer_all(newcomer, driver.NEWCOMER, stop=driver.done)
        assert "You're the first member within 50 km" in closing  # isolated
        offer_room, _ = await driver.notice_with(newcomer, lambda b: b == render.plain(mtexts.MENTOR_OFFER))
        assert offer_room == dm
        await newcomer.say(dm, "yes")

        intro_room, introduction = await driver.notice_with(newcomer, lambda b: b.startswith("Hi "))
        assert intro_room != dm
        assert f"{newcomer.client.user_id}, meet {mentor.client.user_id}" in introduction
        assert (await driver.notice_with(mentor, lambda b: b.startswith("Hi ")))[0] == intro_room
        assert intro_room in newcomer.invited and intro_room in mentor.invited
        await seen_joined(newcomer.client, intro_room, mentor.client.user_id)

        guild_id = await driver.local(sessions, IdentityKind.COMMUNITY, space_id)
        user_id = await driver.local(sessions, IdentityKind.USER, newcomer.client.user_id)
        assert guild_id is not None and user_id is not None
        async with sessions() as session:
            row = (await session.execute(select(Member).where(Member.user_id == user_id))).scalar_one()
            mentorship = (await session.execute(select(Mentorship))).scalar_one()
        assert row.status == MemberStatus.ACTIVE and row.languages == ["en"]
        assert (mentorship.member_id, mentorship.status) == (row.id, MentorshipStatus.ACTIVE)
        assert mentorship.thread_id == await driver.local(sessions, IdentityKind.ROOM, intro_room)

        # A check-in comes due on the test's clock and is answered in one message.
        await check_in_due(sessions, journey.clock, guild_id, user_id)
        assert bot.runtime is not None
        report = await bot.runtime.tick_checkins()
        assert report is not None and report.sent >= 1
        checkin_room, notice = await driver.notice_with(newcomer, lambda b: b.startswith("Check-in time"))
        assert checkin_room == dm
        assert "3 4 2 5 3 4" in notice  # the compact form, as the notice shows it
        thanks = await _said(newcomer, dm, " ".join(map(str, ANSWERS)))
        assert thanks.startswith(render.plain(checkin_texts.THANKS))
        async with sessions() as session:
            answered = (
                await session.execute(
                    select(ReadinessCheckIn).where(
                        ReadinessCheckIn.member_id == row.id,
                        ReadinessCheckIn.kind == CheckInKind.SCHEDULED,
                        ReadinessCheckIn.status == CheckInStatus.ANSWERED,
                    )
                )
            ).scalar_one()
            scores = dict(
                (
                    await session.execute(
                        select(ReadinessAnswer.dimension, ReadinessAnswer.score).where(
                            ReadinessAnswer.checkin_id == answered.id
                        )
                    )
                ).all()
            )
        assert scores == dict(zip(checkins.DIMENSIONS, ANSWERS, strict=True))

        # Their data and their platform identity go; the mentor hears the mentorship ended.
        asked_first = await _said(newcomer, dm, "!gw privacy delete")
        assert asked_first.startswith(render.plain(privacy_texts.DELETE_CONFIRM))
        assert await _said(newcomer, dm, "!gw privacy delete confirm") == render.plain(privacy_mtexts.DELETED)
        await driver.notice_with(
            mentor, lambda b: b == privacy_texts.ORGANIZER_NOTICE.format(member=newcomer.client.user_id)
        )
        async with sessions() as session:
            assert await session.get(Member, row.id) is None
            assert (await session.execute(select(Mentorship))).scalars().all() == []
        assert await driver.local(sessions, IdentityKind.USER, newcomer.client.user_id) is None
        assert await driver.local(sessions, IdentityKind.USER, mentor.client.user_id) is not None
        assert await _said(newcomer, dm, "!gw privacy show") == privacy_texts.NOTHING_STORED

    # The welcome came encrypted exactly when their direct room is; in an encrypted one, everything did.
    assert newcomer.decrypted[0] is encrypted
    assert all(newcomer.decrypted) or not encrypted

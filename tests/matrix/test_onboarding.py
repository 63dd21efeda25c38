"""Onboarding and the mentor introduction on a real Synapse: a member joins the community's space,
gets a direct room from the bot, answers every step by number (in an encrypted room the bot
opens, or in the plain one they opened before), and an isolated newcomer who says yes is
introduced to a mentor in a new private room with both of them. A restart of the bot mid-way
loses nothing: the answers are in the database.

Uses the test database, so it runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nio import (
    MegolmEvent,
    RoomMessageNotice,
    RoomMessagesResponse,
)
from pydantic import SecretStr
from sqlalchemy import select

from bot import ports
from bot.config import MatrixSettings, OnboardingSettings, SchedulerSettings
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as texts
from db.engine import SessionMaker
from db.enums import ChatTaskKind, IdentityKind, MemberStatus, MentorshipStatus, OnboardingStatus
from db.models import ChatTask, Member, Mentorship, OnboardingSession
from matrix_adapter import MatrixBot, onboarding, render
from matrix_adapter.messenger import MatrixMessenger
from matrix_adapter.onboarding_messages import OnboardingMessages
from tests.matrix.clients import WAIT, MemberFactory, direct_rooms, seen_joined
from tests.matrix.clients import Member as MatrixMember
from tests.matrix.conftest import account
from tests.matrix.driver import (
    NEWCOMER,
    ORGANIZER,
    TEST_DEFAULTS,
    answer_all,
    done,
    join_space,
    local,
    make_space,
    notice_with,
    until,
)
from tests.matrix.synapse import Account, Synapse


class Community:
    """The space (made by the bot's account before the bot starts) and the bot serving it."""

    def __init__(self, synapse: Synapse, sessions: SessionMaker, store: Path) -> None:
        self.synapse = synapse
        self.sessions = sessions
        self.store = store
        self.me: Account = account(synapse, "groundwork")
        self.space_id = ""
        self.bot: MatrixBot | None = None
        self._task: asyncio.Task[None] | None = None

    async def make_space(self) -> None:
        self.space_id = await make_space(self.synapse.url, self.me)

    async def start(self) -> MatrixBot:
        settings = MatrixSettings(
            homeserver=self.synapse.url,
            user_id=self.me.user_id,
            password=SecretStr(self.me.password),
            device_id=self.me.device_id,
            space_id=self.space_id,
        )
        bot = MatrixBot(settings, crypto_store=self.store, sessions=self.sessions)
        feature = onboarding.of(bot)
        assert feature is not None
        feature.configure(
            OnboardingSettings(),
            TEST_DEFAULTS,
            SchedulerSettings(),
        )
        await bot.login()
        self._task = asyncio.create_task(bot.run())
        await asyncio.wait_for(bot.wait_until_serving(), WAIT)
        self.bot = bot
        return bot

    async def stop(self) -> None:
        if self._task is not None and self.bot is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            await self.bot.close()
        self._task = self.bot = None


@pytest.fixture
async def community(synapse: Synapse, sessions: SessionMaker, tmp_path: Path) -> AsyncIterator[Community]:
    made = Community(synapse, sessions, tmp_path / "bot-crypto")
    await made.make_space()
    await made.start()
    try:
        yield made
    finally:
        await made.stop()


async def test_a_newcomer_is_onboarded_by_numbers_and_introduced_to_a_mentor(
    community: Community, members: MemberFactory, sessions: SessionMaker
) -> None:
    mentor, newcomer = await members(), await members()

    await join_space(mentor, community.space_id)
    dm, welcome = await notice_with(mentor, lambda body: body.startswith("Welcome to"))
    assert "Organizers of the North" in welcome
    body = await answer_all(mentor, ORGANIZER, stop=done)
    assert render.plain(texts.DONE_ORGANIZER_ACTIVE) in body
    assert mentor.invited == [dm]  # the bot opened the direct room, encrypted
    assert all(mentor.decrypted)

    await join_space(newcomer, community.space_id)
    body = await answer_all(newcomer, NEWCOMER, stop=done)
    assert "You're the first member within 50 km" in body
    room_id, _ = await notice_with(newcomer, lambda b: b == render.plain(mtexts.MENTOR_OFFER))
    await newcomer.say(room_id, "Yes")

    intro_room, introduction = await notice_with(newcomer, lambda b: b.startswith("Hi "))
    assert intro_room != room_id
    assert f"{newcomer.client.user_id}, meet {mentor.client.user_id}" in introduction
    assert "Two times that could suit you both" in introduction
    other_room, seen = await notice_with(mentor, lambda b: b.startswith("Hi "))
    assert (other_room, seen) == (intro_room, introduction)
    assert intro_room in newcomer.invited and intro_room in mentor.invited
    await seen_joined(newcomer.client, intro_room, mentor.client.user_id)
    assert all(newcomer.decrypted)  # the introduction room is encrypted too

    room_local = await local(sessions, IdentityKind.ROOM, intro_room)
    async with sessions() as session:
        mentorship = (await session.execute(select(Mentorship))).scalar_one()
        assert (mentorship.status, mentorship.thread_id) == (MentorshipStatus.ACTIVE, room_local)
        task = (
            await session.execute(select(ChatTask).where(ChatTask.kind == ChatTaskKind.INTRODUCTION))
        ).scalar_one()
        assert task.done_at is not None

    # A retry that finds the room made and the introduction posted (the process died before it
    # recorded them) posts nothing again, and records the same room.
    async with sessions() as session, session.begin():
        row = await session.get(Mentorship, mentorship.id)
        step = await session.get(ChatTask, task.id)
        assert row is not None and step is not None
        row.introduced_at = row.thread_id = None
        step.done_at, step.attempts, step.result_id = None, 1, room_local
    assert community.bot is not None and community.bot.runtime is not None
    assert await community.bot.runtime.run_now(ChatTaskKind.INTRODUCTION, mentorship.id)
    async with sessions() as session:
        again = await session.get(Mentorship, mentorship.id)
        assert again is not None and again.thread_id == room_local and again.introduced_at is not None
    history = await newcomer.client.room_messages(intro_room, limit=50)
    assert isinstance(history, RoomMessagesResponse), history
    posted = [
        e
        for e in history.chunk
        if e.sender == community.me.user_id and isinstance(e, MegolmEvent | RoomMessageNotice)
    ]
    assert len(posted) == 1


async def test_onboarding_runs_in_the_plain_direct_room_the_member_opened(
    community: Community, member: MatrixMember
) -> None:
    assert community.bot is not None
    dm = await member.dm_joined(community.me.user_id)

    async def noted() -> bool:
        assert community.bot is not None
        return dm in (await direct_rooms(member.client, community.bot)).get(member.client.user_id, [])

    await until(noted)
    await join_space(member, community.space_id)
    body = await answer_all(member, NEWCOMER, stop=done)
    assert body.endswith(mtexts.DONE_NEXT)
    assert member.invited == []
    assert not any(member.decrypted)  # a plain room stays plain


async def test_a_restart_mid_way_resumes_the_conversation_from_the_database(
    community: Community, member: MatrixMember, sessions: SessionMaker
) -> None:
    await join_space(member, community.space_id)
    languages = render.plain(texts.LANGUAGES_PROMPT)
    await answer_all(member, NEWCOMER, stop=lambda b: languages in b)
    dm = member.invited[0]
    await community.stop()
    await community.start()  # same device, same crypto store, same database: nothing kept in memory
    await member.say(dm, "1")
    _, asked = await notice_with(member, lambda b: render.plain(texts.EXPERIENCE_PROMPT) in b)
    assert asked.startswith("Getting to know you · 4/9\n")
    await member.say(dm, NEWCOMER["experience"])
    body = await answer_all(member, NEWCOMER, stop=done)
    assert done(body)
    user_id = await local(sessions, IdentityKind.USER, member.client.user_id)
    async with sessions() as session:
        row = (await session.execute(select(Member).where(Member.user_id == user_id))).scalar_one()
        assert row.status == MemberStatus.ACTIVE
        assert row.languages == ["en"]


async def test_a_reply_that_is_not_a_choice_asks_again_and_nothing_is_written(
    community: Community, member: MatrixMember
) -> None:
    await join_space(member, community.space_id)
    confirm = "Is this right?"
    await answer_all(member, NEWCOMER, stop=lambda b: confirm in b)
    dm = member.invited[0]
    await member.say(dm, "7")
    _, again = await notice_with(member, lambda b: "Sorry" in b)
    assert again.startswith("Getting to know you · 2/9\n⚠ Sorry, I didn't understand that.")
    assert confirm in again
    await member.say(dm, "2")  # a different time zone
    await notice_with(member, lambda b: render.plain(texts.TIMEZONE_PROMPT) in b)
    await member.say(dm, "Mars/Olympus_Mons")  # no such zone: the service refuses it
    _, refused = await notice_with(member, lambda b: "⚠" in b)
    assert refused.startswith(f"Getting to know you · 2/9\n⚠ {texts.INVALID_ANSWER}\n")
    assert render.plain(texts.TIMEZONE_PROMPT) in refused


async def test_a_member_who_leaves_mid_way_keeps_nothing_open_and_one_who_finished_is_welcomed_back(
    community: Community, member: MatrixMember, sessions: SessionMaker
) -> None:
    await join_space(member, community.space_id)
    confirm = "Is this right?"
    await answer_all(member, NEWCOMER, stop=lambda b: confirm in b)
    await member.client.room_leave(community.space_id)
    user_id = await local(sessions, IdentityKind.USER, member.client.user_id)

    async def abandoned() -> bool:
        async with sessions() as session:
            status = await session.scalar(
                select(OnboardingSession.status).join(Member).where(Member.user_id == user_id)
            )
        return status == OnboardingStatus.ABANDONED

    await until(abandoned)

    await join_space(member, community.space_id)  # back: from the first question again
    await notice_with(member, lambda body: body.startswith("Welcome to"))
    body = await answer_all(member, NEWCOMER, stop=done)
    assert done(body)
    await member.client.room_leave(community.space_id)
    await join_space(member, community.space_id)
    await notice_with(member, lambda b: b.startswith("Welcome back to"))
    await asyncio.sleep(0.5)
    assert member.notices.empty()  # no second onboarding


async def test_an_unfinished_conversation_is_reminded_once_then_expires_and_starts_again(
    community: Community, member: MatrixMember
) -> None:
    bot = community.bot
    feature = onboarding.of(bot) if bot is not None else None
    assert bot is not None and feature is not None
    await join_space(member, community.space_id)
    confirm = "Is this right?"
    await answer_all(member, NEWCOMER, stop=lambda b: confirm in b)
    dm = member.invited[0]
    start = bot.clock()

    bot.clock = lambda: start + timedelta(hours=49)
    await feature.tick()
    await feature.tick()  # once only
    where, reminder = await notice_with(member, lambda b: b.startswith("Hi! You started"))
    assert where == dm
    assert "Organizers of the North" in reminder

    bot.clock = lambda: start + timedelta(hours=169)
    await feature.tick()
    await notice_with(
        member, lambda b: b == render.plain(mtexts.EXPIRED.format(community="Organizers of the North"))
    )
    await asyncio.sleep(0.3)
    assert member.notices.empty()  # the reminder came once

    await member.say(dm, "1")  # an answer to a conversation that is over: nothing is open to take it
    await member.say(dm, "!gw start")
    _, again = await notice_with(member, lambda b: b.startswith("Getting to know you"))
    assert again.startswith("Getting to know you · 1/9\n")  # from the top


def test_it_implements_the_onboarding_messages_with_the_same_signatures() -> None:
    for protocol in (ports.OnboardingMessages, ports.PairingMessages):
        for name, member in vars(protocol).items():
            if inspect.iscoroutinefunction(member) and hasattr(OnboardingMessages, name):
                implemented: Any = getattr(MatrixMessenger, name)
                assert list(inspect.signature(implemented).parameters) == list(
                    inspect.signature(member).parameters
                )
    assert {"welcome", "remind_onboarding", "offer_mentor", "post_proposal", "tell_wait"} <= set(
        vars(OnboardingMessages)
    )


async def test_a_newcomer_waiting_for_a_mentor_is_introduced_by_the_next_pairing_batch(
    community: Community, members: MemberFactory
) -> None:
    feature = onboarding.of(community.bot) if community.bot is not None else None
    assert feature is not None
    newcomer, mentor = await members(), await members()
    await join_space(newcomer, community.space_id)
    await answer_all(newcomer, NEWCOMER, stop=done)
    room_id, _ = await notice_with(newcomer, lambda b: b == render.plain(mtexts.MENTOR_OFFER))
    await newcomer.say(room_id, "yes")
    _, waiting = await notice_with(newcomer, lambda b: b.startswith("You're on the list for a mentor"))
    assert "`/" not in waiting  # no Discord command in what a Matrix member reads
    assert await feature.batch() == 0  # nobody to mentor yet

    await join_space(mentor, community.space_id)
    await answer_all(mentor, ORGANIZER, stop=done)
    assert await feature.batch() == 1
    intro_room, introduction = await notice_with(newcomer, lambda b: b.startswith("Hi "))
    assert f"{newcomer.client.user_id}, meet {mentor.client.user_id}" in introduction
    assert (await notice_with(mentor, lambda b: b.startswith("Hi ")))[0] == intro_room

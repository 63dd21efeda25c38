"""Readiness check-ins end to end: the real bot and discord.py against the fake Discord, the clock by hand.

Covers the issue's list: a check-in falls due -> DM with controls -> answers -> suggestion reply ->
mentor summary; a drop alert; two missed check-ins; closed DMs; pause and resume; a restart with
overdue check-ins (and one a crashed dispatcher had already sent).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import select, update

from bot.bot import GroundworkBot
from bot.config import CheckinSettings, Settings
from bot.services.checkins import MAX_LOOKUPS
from cogs.checkins import CheckIns
from db.enums import CheckInStatus
from db.models import AuditEntry, ReadinessAnswer, ReadinessCheckIn
from tests.e2e.conftest import StartBot
from tests.fake_discord import BotRunner, FakeDiscord, Guild, InteractionHandle, Message
from tests.integration.test_checkins_support import (
    add_guild,
    add_member,
    add_mentor,
    member_row,
    rows_of,
    scheduled_due,
)
from tests.support.clock import TestClock
from tests.support.onboarding import Answers, run_conversation
from tests.support.waiting import eventually

ALICE, BOB, CAROL, DAVE, EVE, MENTOR = 5001, 5002, 5003, 5004, 5005, 5100
PAGE_1 = ("resources", "speaking_confidence", "political_informedness")
PAGE_2 = ("articulation", "local_awareness", "time")


def cog(bot: GroundworkBot) -> CheckIns:
    # Not isinstance: unloading an extension drops its modules, so each bot has its own class object.
    found = bot.get_cog("CheckIns")
    assert found is not None and type(found).__name__ == "CheckIns"
    return cast("CheckIns", found)


async def started(bot: GroundworkBot) -> CheckIns:
    """The bot, once its start-up dispatch (the one that sends overdue check-ins) has finished."""
    checkins_cog = cog(bot)
    await asyncio.wait_for(checkins_cog.first_run.wait(), 5)
    return checkins_cog


async def until_due(bot: GroundworkBot, clock: TestClock, member_id: int) -> datetime:
    """Move the clock a minute past the member's next check-in."""
    due = await scheduled_due(bot.sessions, member_id)
    assert due is not None, "no check-in is scheduled"
    clock.now = due + timedelta(minutes=1)
    return due


async def all_due(bot: GroundworkBot, clock: TestClock, *member_ids: int) -> None:
    """Move the clock a minute past the latest of these members' next check-ins."""
    dues = [await scheduled_due(bot.sessions, member_id) for member_id in member_ids]
    clock.now = max(due for due in dues if due is not None) + timedelta(minutes=1)


def assert_within_limits(message: Message) -> None:
    """Discord's component limits (the contract check covers the rest)."""
    assert len(message.components) <= 5
    for row in message.components:
        children = row["components"]
        selects = [c for c in children if c["type"] == 3]
        assert not selects or len(children) == 1, "a select must be alone in its row"
        for select_menu in selects:
            assert len(select_menu["options"]) <= 25
    assert all(len(cid) <= 100 for cid in message.custom_ids)
    assert len(message.content) <= 2000


@dataclass
class Form:
    """A member filling in the check-in DM, as a person would."""

    fake: FakeDiscord
    user_id: int
    message_id: int

    @property
    def latest(self) -> Message:
        return self.fake.state.messages[self.message_id]

    @property
    def checkin_id(self) -> int:
        return int(self.fake.state.messages[self.message_id].custom_ids[0].split(":")[2])

    async def rate(self, dimension: str, score: int) -> InteractionHandle:
        itx = await self.fake.select(
            self.latest, f"gw:cis:{self.checkin_id}:{dimension}", [str(score)], user_id=self.user_id
        )
        assert (await itx.response()).accepted
        return itx

    async def press(self, action: str) -> InteractionHandle:
        custom_id = next(cid for cid in self.latest.custom_ids if f":{action}:" in cid)
        itx = await self.fake.click(self.latest, custom_id, user_id=self.user_id)
        assert (await itx.response()).accepted
        return itx

    async def answer(self, scores: dict[str, int], *, note: str | None = None) -> InteractionHandle:
        for dimension in PAGE_1:
            await self.rate(dimension, scores[dimension])
        await self.press("next")
        for dimension in PAGE_2:
            await self.rate(dimension, scores[dimension])
        if note is not None:
            opened = await self.press("note")
            assert opened.modal is not None
            field = opened.modal["components"][0]["component"]["custom_id"]
            submitted = await self.fake.submit_modal(opened, {field: note})
            assert (await submitted.response()).type == 7  # the form is updated in place
        return await self.press("done")


async def said(itx: InteractionHandle) -> str:
    """The text of the bot's reply to an interaction."""
    message = (await itx.response()).message
    assert message is not None
    return message.text


def scores(default: int = 4, **overrides: int) -> dict[str, int]:
    return {dimension: overrides.get(dimension, default) for dimension in (*PAGE_1, *PAGE_2)}


def checkin_dms(fake: FakeDiscord, user_id: int) -> list[Message]:
    """The check-in forms the bot DMed `user_id` (other features DM members too), oldest first."""
    channel_id = fake.state.dm_channels.get(user_id)
    posted = [
        int(r.response["id"])
        for r in fake.requests_to("POST", "/channels/{channel_id}/messages")
        if r.params.get("channel_id") == str(channel_id)
        and r.status == 200
        and "gw:cis:" in json.dumps(r.json)
    ]
    return [fake.state.messages[message_id] for message_id in posted]


async def form_for(fake: FakeDiscord, user_id: int, count: int = 1) -> Form:
    forms: list[Message] = await fake.wait_for(
        lambda: len(found := checkin_dms(fake, user_id)) >= count and found,
        what=f"check-in #{count} to {user_id}",
    )
    return Form(fake, user_id, forms[count - 1].id)


async def configure(bot: GroundworkBot, guild: Guild, **values: object) -> None:
    async with bot.sessions() as session, session.begin():
        settings = await bot.guild_settings(session, guild.id)
        for key, value in values.items():
            setattr(settings, key, value)


async def test_a_due_checkin_is_answered_the_member_gets_a_next_step_and_the_mentor_a_summary(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=ALICE, name="alice")
    fake_discord.add_member(guild, user_id=MENTOR, name="mentor")
    bot = await start_bot()
    await started(bot)
    completion_time = clock()
    # Onboarding finishes (baseline all 3s, running for office); the listener schedules the first check-in.
    completion = await run_conversation(
        bot.sessions, bot.gazetteer, guild_id=guild.id, user_id=ALICE, now=clock(),
        answers=Answers(paths=["run_for_office"]),
    )  # fmt: skip
    bot.dispatch("member_onboarded", completion)

    async def scheduled() -> bool:
        return await scheduled_due(bot.sessions, completion.member_id) is not None

    await eventually(scheduled, what="the first check-in to be scheduled")
    await add_mentor(bot.sessions, completion.member_id, MENTOR, guild_id=guild.id)
    due = await until_due(bot, clock, completion.member_id)
    assert timedelta(days=13) < due - completion_time < timedelta(days=15)
    assert checkin_dms(fake_discord, ALICE) == []

    # Meanwhile she did something locally and logged it: the check-in's reply takes it into account.
    logged = await fake_discord.slash(
        "log add",
        guild_id=guild.id,
        user_id=ALICE,
        options={"kind": "talked_to_neighbours", "note": "Two doors"},
    )
    await logged.response()

    report = await cog(bot).dispatch()
    assert report.sent == 1
    form = await form_for(fake_discord, ALICE)
    dm = form.latest
    assert "Check-in time" in dm.text and "Organizers United" in dm.text
    assert len([cid for cid in dm.custom_ids if cid.startswith("gw:cis:")]) == 3
    assert any(":skip:" in cid for cid in dm.custom_ids) and any(":note:" in cid for cid in dm.custom_ids)
    assert "last time 3" in dm.component(f"gw:cis:{form.checkin_id}:speaking_confidence")["placeholder"]
    assert_within_limits(dm)

    checkin_id = form.checkin_id
    done = await form.answer(
        scores(4, speaking_confidence=2), note="Asked my neighbour about the bus cuts @everyone <@&42>"
    )
    reply = form.latest
    assert (await done.response()).type == 7
    assert "Thank you" in reply.text
    assert "speaking confidence" in reply.text and "Run for local office" in reply.text
    assert "why I'm running" in reply.text  # the concrete step for this path and dimension
    assert "You logged **1** thing(s) you did locally" in reply.text
    assert reply.components == []
    [summary] = await fake_discord.wait_for(lambda: fake_discord.dms_to(MENTOR), what="the mentor's summary")
    assert f"<@{ALICE}>" in summary.text
    assert "Speaking **2** (\N{DOWNWARDS ARROW}1)" in summary.text
    assert "bus cuts" in summary.text
    assert "logged" not in summary.text  # her log is hers unless she shares it (/log share)
    assert "@everyone" not in summary.text.replace("@\u200beveryone", "") and "<@&42>" not in summary.text
    async with bot.sessions() as session:
        checkin = await session.get(ReadinessCheckIn, checkin_id)
        assert checkin is not None and checkin.status == CheckInStatus.ANSWERED
        answers = (
            (await session.execute(select(ReadinessAnswer).where(ReadinessAnswer.checkin_id == checkin_id)))
            .scalars()
            .all()
        )
        assert {str(a.dimension): a.score for a in answers}["speaking_confidence"] == 2
        assert len(answers) == 6 and all(a.answered_at is not None for a in answers)
    next_due = await scheduled_due(bot.sessions, completion.member_id)
    assert next_due is not None and timedelta(days=13) < next_due - due < timedelta(days=15)
    for request in fake_discord.requests:
        mentions = request.json.get("allowed_mentions") if isinstance(request.json, dict) else None
        if mentions is not None:
            assert mentions.get("parse", []) == [], request


async def test_a_drop_of_two_points_alerts_the_mentor_and_without_one_the_moderators(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    alerts = fake_discord.add_channel(guild, name="mod-alerts")
    for user_id in (ALICE, BOB, MENTOR):
        fake_discord.add_member(guild, user_id=user_id)
    bot = await start_bot()
    await started(bot)
    await add_guild(bot.sessions, guild.id, alerts_channel_id=alerts.id)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, scores=4, onboarded_at=clock())
    bob = await add_member(bot.sessions, BOB, guild_id=guild.id, scores=4, onboarded_at=clock())
    await add_mentor(bot.sessions, alice, MENTOR, guild_id=guild.id)
    await all_due(bot, clock, alice, bob)
    await cog(bot).dispatch()

    await (await form_for(fake_discord, ALICE)).answer(scores(4, local_awareness=2))
    [to_mentor] = await fake_discord.wait_for(lambda: fake_discord.dms_to(MENTOR), what="the mentor's DM")
    assert (
        "dropped by 2 or more" in to_mentor.text
        and "local awareness (4 \N{RIGHTWARDS ARROW} 2)" in to_mentor.text
    )
    assert fake_discord.messages_in(alerts) == []

    await (await form_for(fake_discord, BOB)).answer(scores(4, time=1))
    [posted] = await fake_discord.wait_for(lambda: fake_discord.messages_in(alerts), what="a moderator alert")
    assert f"<@{BOB}>" in posted.text and "time (4 \N{RIGHTWARDS ARROW} 1)" in posted.text
    assert "no mentor yet" in posted.text
    # Bob's time is short: he is offered a remote way to help, not pushed.
    assert "Time is tight right now" in checkin_dms(fake_discord, BOB)[-1].text
    async with bot.sessions() as session:
        actions = (await session.execute(select(AuditEntry.action, AuditEntry.target_user_id))).all()
        assert ("checkin.drop", ALICE) in actions and ("checkin.drop", BOB) in actions


async def test_two_missed_checkins_in_a_row_alert_the_mentor(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=ALICE)
    fake_discord.add_member(guild, user_id=MENTOR)
    bot = await start_bot()
    await started(bot)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock())
    await add_mentor(bot.sessions, alice, MENTOR, guild_id=guild.id)
    for count in (1, 2, 3):
        await until_due(bot, clock, alice)
        assert (await cog(bot).dispatch()).sent == 1
        await form_for(fake_discord, ALICE, count=count)
    [alert] = await fake_discord.wait_for(lambda: fake_discord.dms_to(MENTOR), what="the missed alert")
    assert "missed 2 check-ins in a row" in alert.text
    assert (await member_row(bot.sessions, alice)).missed_checkins == 2
    statuses = [row.status for row in await rows_of(bot.sessions, alice)]
    assert statuses[:3] == [CheckInStatus.MISSED, CheckInStatus.MISSED, CheckInStatus.SENT]
    # The first form no longer takes answers: it says so and loses its controls.
    first = await form_for(fake_discord, ALICE)
    itx = await fake_discord.select(first.latest, first.latest.custom_ids[0], ["3"], user_id=ALICE)
    assert (await itx.response()).type == 7
    assert "has closed" in first.latest.text and first.latest.components == []
    # Answering the newest resets the count; a third miss later does not alert again at once.
    await (await form_for(fake_discord, ALICE, count=3)).answer(scores(3))
    assert (await member_row(bot.sessions, alice)).missed_checkins == 0


async def test_closed_dms_stop_checkins_and_tell_the_moderators(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    alerts = fake_discord.add_channel(guild, name="mod-alerts")
    fake_discord.add_member(guild, user_id=ALICE)
    fake_discord.add_member(guild, user_id=BOB)
    fake_discord.close_dms(ALICE)
    bot = await start_bot()
    await started(bot)
    await add_guild(bot.sessions, guild.id, alerts_channel_id=alerts.id)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock())
    bob = await add_member(bot.sessions, BOB, guild_id=guild.id, onboarded_at=clock())
    await all_due(bot, clock, alice, bob)

    report = await cog(bot).dispatch()
    assert (report.sent, report.closed) == (1, 1)  # Bob's check-in went out regardless
    await form_for(fake_discord, BOB)
    [notice] = await fake_discord.wait_for(
        lambda: fake_discord.messages_in(alerts), what="the moderators' notice"
    )
    assert f"<@{ALICE}>" in notice.text and "DMs are closed" in notice.text
    assert (await member_row(bot.sessions, alice)).dms_closed_at is not None
    assert await scheduled_due(bot.sessions, alice) is None

    refused = len([r for r in fake_discord.requests if r.status == 403])
    clock.advance(days=31)
    await cog(bot).dispatch()
    assert len([r for r in fake_discord.requests if r.status == 403]) == refused  # never tried again

    # She opens her DMs and resumes: check-ins come back.
    fake_discord.open_dms(ALICE)
    itx = await fake_discord.slash("checkin resume", guild_id=guild.id, user_id=ALICE)
    assert (await itx.response()).ephemeral and "try your DMs again" in await said(itx)
    assert (await member_row(bot.sessions, alice)).dms_closed_at is None
    await until_due(bot, clock, alice)
    assert (await cog(bot).dispatch()).sent >= 1
    await form_for(fake_discord, ALICE)


async def test_pause_and_resume(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=ALICE)
    bot = await start_bot()
    await started(bot)
    alice = await add_member(bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock())
    due = await scheduled_due(bot.sessions, alice)
    assert due is not None

    paused = await fake_discord.slash("checkin pause", guild_id=guild.id, user_id=ALICE)
    assert "paused" in await said(paused)
    clock.now = due + timedelta(minutes=1)
    assert (await cog(bot).dispatch()).sent == 0
    clock.advance(days=30)
    assert (await cog(bot).dispatch()).sent == 0
    assert checkin_dms(fake_discord, ALICE) == []

    resumed = await fake_discord.slash("checkin resume", guild_id=guild.id, user_id=ALICE)
    text = await said(resumed)
    assert "Welcome back" in text and "Next one:" in text
    await until_due(bot, clock, alice)
    assert (await cog(bot).dispatch()).sent == 1
    await form_for(fake_discord, ALICE)

    # Paused until a date: nothing before it, then the first slot on that day.
    until = (clock.now + timedelta(days=40)).date()
    itx = await fake_discord.slash(
        "checkin pause", guild_id=guild.id, user_id=ALICE, options={"until": until.isoformat()}
    )
    assert until.isoformat() in await said(itx)
    next_due = await scheduled_due(bot.sessions, alice)
    assert next_due is not None and next_due.date() == until
    clock.now = next_due + timedelta(minutes=1)
    assert (await cog(bot).dispatch()).sent == 1
    assert not (await member_row(bot.sessions, alice)).checkins_paused

    bad = await fake_discord.slash(
        "checkin pause", guild_id=guild.id, user_id=ALICE, options={"until": "soon"}
    )
    assert "written like 2027-01-31" in await said(bad)


async def test_a_restart_sends_overdue_checkins_once_and_moves_the_long_overdue(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock, bot_runner: BotRunner
) -> None:
    for user_id in (ALICE, BOB, CAROL, DAVE):
        fake_discord.add_member(guild, user_id=user_id)
    bot = await start_bot()
    await started(bot)
    ids = {
        user_id: await add_member(bot.sessions, user_id, guild_id=guild.id, onboarded_at=clock())
        for user_id in (ALICE, BOB, CAROL, DAVE)
    }
    # Carol's check-in goes out, then the process dies before it records that: the row stays `sending`.
    await all_due(bot, clock, ids[CAROL])
    async with bot.sessions() as session, session.begin():
        for user_id in (ALICE, BOB, DAVE):  # not due yet at this moment
            await session.execute(
                update(ReadinessCheckIn)
                .where(
                    ReadinessCheckIn.member_id == ids[user_id],
                    ReadinessCheckIn.status == CheckInStatus.SCHEDULED,
                )
                .values(due_at=clock.now + timedelta(days=1))
            )
    await cog(bot).dispatch()
    await form_for(fake_discord, CAROL)
    async with bot.sessions() as session, session.begin():
        await session.execute(
            update(ReadinessCheckIn)
            .where(
                ReadinessCheckIn.member_id == ids[CAROL], ReadinessCheckIn.status == CheckInStatus.SCHEDULED
            )
            .values(status=CheckInStatus.CANCELLED)
        )
        await session.execute(
            update(ReadinessCheckIn)
            .where(ReadinessCheckIn.member_id == ids[CAROL], ReadinessCheckIn.status == CheckInStatus.SENT)
            .values(status=CheckInStatus.SENDING, sent_at=None, message_id=None)
        )
    await bot_runner.stop(bot)

    # Down for a while. Alice's is 2 h overdue (within the 12 h grace), Bob's 20 h (beyond it),
    # Dave's was claimed by the dead process but never sent.
    restart = clock.now + timedelta(days=1, hours=2)
    async with bot.sessions() as session, session.begin():
        for user_id, due_at in ((ALICE, restart - timedelta(hours=2)), (BOB, restart - timedelta(hours=20))):
            await session.execute(
                update(ReadinessCheckIn)
                .where(
                    ReadinessCheckIn.member_id == ids[user_id],
                    ReadinessCheckIn.status == CheckInStatus.SCHEDULED,
                )
                .values(due_at=due_at)
            )
        await session.execute(
            update(ReadinessCheckIn)
            .where(
                ReadinessCheckIn.member_id == ids[DAVE], ReadinessCheckIn.status == CheckInStatus.SCHEDULED
            )
            .values(
                status=CheckInStatus.SENDING,
                claimed_at=clock.now,
                claimed_by="dead:1",
                due_at=restart - timedelta(hours=3),
            )
        )
    clock.now = restart
    # Eve became active while check-ins were not running: she gets one on start.
    eve = await add_member(bot.sessions, EVE, guild_id=guild.id, onboarded_at=clock(), schedule=False)
    # Quiet hours must not get in the way of this test: none for the guild.
    await add_guild(bot.sessions, guild.id, quiet_hours_start=0, quiet_hours_end=0)

    bot = await start_bot()  # the first tick runs at once
    await started(bot)
    await form_for(fake_discord, ALICE)
    await form_for(fake_discord, DAVE)
    assert checkin_dms(fake_discord, BOB) == []  # moved to his next slot instead of arriving late
    assert len(checkin_dms(fake_discord, CAROL)) == 1  # found in her DMs: not sent twice
    assert len(checkin_dms(fake_discord, ALICE)) == 1 and len(checkin_dms(fake_discord, DAVE)) == 1
    [carol_row] = [r for r in await rows_of(bot.sessions, ids[CAROL]) if r.status == CheckInStatus.SENT]
    assert carol_row.message_id == checkin_dms(fake_discord, CAROL)[0].id
    assert await scheduled_due(bot.sessions, eve) is not None
    bob_due = await scheduled_due(bot.sessions, ids[BOB])
    assert bob_due is not None and bob_due > restart
    # Another tick sends nothing more.
    assert (await cog(bot).dispatch()).sent == 0


async def test_checkin_now_skip_history_and_cadence(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    fake_discord.add_member(guild, user_id=ALICE)
    fake_discord.add_member(guild, user_id=BOB)
    fake_discord.add_member(guild, user_id=MENTOR)
    bot = await start_bot()
    await started(bot)
    alice = await add_member(
        bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock() - timedelta(days=30)
    )
    await add_member(bot.sessions, BOB, guild_id=guild.id, onboarded_at=clock())
    await add_mentor(bot.sessions, alice, MENTOR, guild_id=guild.id)

    now = await fake_discord.slash("checkin now", guild_id=guild.id, user_id=ALICE)
    [sent] = await now.followups(1)
    assert "sent you a check-in" in sent.text
    form = await form_for(fake_discord, ALICE)
    again = await fake_discord.slash("checkin now", guild_id=guild.id, user_id=ALICE)
    [still_open] = await again.followups(1)
    assert "still have an open check-in" in still_open.text
    await form.answer(scores(4, political_informedness=2))
    await fake_discord.wait_for(lambda: fake_discord.dms_to(MENTOR), what="the mentor's summary")

    history = await fake_discord.slash("checkin history", guild_id=guild.id, user_id=ALICE)
    [trend] = await history.followups(1)
    assert "Your readiness over time" in trend.text and "Informed: 3 \N{RIGHTWARDS ARROW} 2" in trend.text
    chart = trend.attachment("readiness.png")
    assert chart.data.startswith(b"\x89PNG")
    assert chart.description is not None and "your readiness" in chart.description
    assert "1 = not at all, 5 = very" in chart.description and "Informed 2" in chart.description
    mentee = await fake_discord.slash(
        "checkin history", guild_id=guild.id, user_id=MENTOR, options={"member": ALICE}
    )
    [seen] = await mentee.followups(1)
    assert f"<@{ALICE}>" in seen.text
    mentor_copy = seen.attachment("readiness.png").description  # the mentee's name on the mentor's copy
    assert mentor_copy is not None and "readiness" in mentor_copy and "your" not in mentor_copy
    refused = await fake_discord.slash(
        "checkin history", guild_id=guild.id, user_id=BOB, options={"member": ALICE}
    )
    [no] = await refused.followups(1)
    assert "members you mentor" in no.text

    cadence = await fake_discord.slash(
        "checkin cadence", guild_id=guild.id, user_id=ALICE, options={"every": 7, "hour": 9}
    )
    text = await said(cadence)
    assert "every week" in text and "09:00" in text
    due = await scheduled_due(bot.sessions, alice)
    assert due is not None and due - clock() <= timedelta(days=8)

    # "Skip this time": nothing counts as missed.
    await until_due(bot, clock, alice)
    await cog(bot).dispatch()
    skipped = await form_for(fake_discord, ALICE, count=2)
    await skipped.press("skip")
    assert "skipped" in skipped.latest.text and skipped.latest.components == []
    statuses = [row.status for row in await rows_of(bot.sessions, alice)]
    assert CheckInStatus.SKIPPED in statuses and CheckInStatus.MISSED not in statuses


async def test_a_429_is_honoured_and_a_failing_member_does_not_block_the_batch(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    users = [6000 + n for n in range(6)]
    for user_id in users:
        fake_discord.add_member(guild, user_id=user_id)
    bot = await start_bot()
    await started(bot)
    await add_guild(bot.sessions, guild.id, quiet_hours_start=0, quiet_hours_end=0)
    members = [await add_member(bot.sessions, u, guild_id=guild.id, onboarded_at=clock()) for u in users]
    async with bot.sessions() as session, session.begin():
        await session.execute(
            update(ReadinessCheckIn)
            .where(ReadinessCheckIn.status == CheckInStatus.SCHEDULED)
            .values(due_at=clock.now)
        )
    # Discord refuses to open one member's DM channel (40003, "opening DMs too fast"): retried later.
    fake_discord.fail(
        "POST", "/users/@me/channels", 400, 40003, "You are opening direct messages too fast", times=None,
        where=lambda r: isinstance(r.json, dict) and int(r.json.get("recipient_id", 0)) == users[0],
    )  # fmt: skip
    fake_discord.rate_limit_once("POST", "/channels/{channel_id}/messages", retry_after=0.05)
    fake_discord.rate_limit_once("POST", "/users/@me/channels", retry_after=0.05, is_global=True)

    report = await cog(bot).dispatch()
    assert report.sent == 5 and report.retried == 1
    for user_id in users[1:]:
        assert len(checkin_dms(fake_discord, user_id)) == 1
    assert fake_discord.ratelimits.stats.injected_429 == 2
    [retried] = [r for r in await rows_of(bot.sessions, members[0]) if r.status == CheckInStatus.SCHEDULED]
    assert retried.due_at > clock.now and retried.attempts == 1


async def test_history_is_text_only_when_charts_are_off(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock, settings: Settings
) -> None:
    fake_discord.add_member(guild, user_id=ALICE)
    bot = await start_bot(settings=settings.model_copy(update={"checkins": CheckinSettings(charts=False)}))
    await started(bot)
    await add_member(bot.sessions, ALICE, guild_id=guild.id, onboarded_at=clock(), scores=2)
    history = await fake_discord.slash("checkin history", guild_id=guild.id, user_id=ALICE)
    [trend] = await history.followups(1)
    assert "Speaking: 2" in trend.text and trend.attachments == []


async def sent_then_lost(
    bot: GroundworkBot, fake: FakeDiscord, clock: TestClock, guild: Guild, user_id: int
) -> tuple[int, Message]:
    """The member's check-in reaches their DMs, then the process dies before recording it:
    the row is left `sending`, and an hour later its claim is stale. Returns (member id, DM)."""
    fake.add_member(guild, user_id=user_id)
    await started(bot)
    await add_guild(bot.sessions, guild.id, quiet_hours_start=0, quiet_hours_end=0)
    member_id = await add_member(bot.sessions, user_id, guild_id=guild.id, onboarded_at=clock())
    await until_due(bot, clock, member_id)
    await cog(bot).dispatch()
    form = await form_for(fake, user_id)
    async with bot.sessions() as session, session.begin():
        for status, values in (
            (CheckInStatus.SCHEDULED, {"status": CheckInStatus.CANCELLED}),
            (
                CheckInStatus.SENT,
                {"status": CheckInStatus.SENDING, "sent_at": None, "message_id": None, "claimed_at": clock()},
            ),
        ):
            await session.execute(
                update(ReadinessCheckIn)
                .where(ReadinessCheckIn.member_id == member_id, ReadinessCheckIn.status == status)
                .values(**values)
            )
    clock.now += timedelta(hours=1)
    return member_id, form.latest


async def lost_row(bot: GroundworkBot, member_id: int, message: Message) -> ReadinessCheckIn:
    [row] = [
        r for r in await rows_of(bot.sessions, member_id) if r.id == int(message.custom_ids[0].split(":")[2])
    ]
    return row


async def test_a_dm_history_discord_cannot_read_is_read_again_later_and_the_checkin_not_sent_twice(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot = await start_bot()
    member_id, message = await sent_then_lost(bot, fake_discord, clock, guild, ALICE)
    unreadable = fake_discord.fail("GET", "/channels/{channel_id}/messages", 503, 0, times=2)
    for failures in (1, 2):
        await cog(bot).dispatch()
        row = await lost_row(bot, member_id, message)
        assert unreadable.hits == failures
        assert (row.status, row.lookups) == (CheckInStatus.SENDING, failures)
        assert row.lookup_after is not None
        clock.now = row.lookup_after
    await cog(bot).dispatch()
    row = await lost_row(bot, member_id, message)
    assert (row.status, row.message_id) == (CheckInStatus.SENT, message.id)  # found in the DMs
    assert len(checkin_dms(fake_discord, ALICE)) == 1  # and never sent again
    assert await scheduled_due(bot.sessions, member_id) is not None


async def test_a_dm_history_discord_never_lets_us_read_is_given_up_as_not_sent(
    fake_discord: FakeDiscord, guild: Guild, start_bot: StartBot, clock: TestClock
) -> None:
    bot = await start_bot()
    member_id, message = await sent_then_lost(bot, fake_discord, clock, guild, ALICE)
    unreadable = fake_discord.fail("GET", "/channels/{channel_id}/messages", 503, 0, times=None)
    for _ in range(MAX_LOOKUPS + 2):
        await cog(bot).dispatch()
        clock.now += timedelta(hours=3)
    row = await lost_row(bot, member_id, message)
    assert (row.status, row.lookups) == (CheckInStatus.CANCELLED, MAX_LOOKUPS)
    assert len(checkin_dms(fake_discord, ALICE)) == 1
    assert unreadable.hits >= MAX_LOOKUPS
    assert await scheduled_due(bot.sessions, member_id) is not None  # the rhythm goes on

"""One database, a Discord server and a Matrix community: each adapter claims only its own
community's outbox steps and check-ins (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.config import SchedulerSettings
from bot.services import buddies, checkins, identities, outbox, pairing, practice, town_offers
from db.engine import SessionMaker
from db.enums import BuddyStatus, ChatTaskKind, CheckInStatus, IdentityKind, MentorshipStatus, Platform
from db.models import BuddyGroup, ChatTask, Member, Mentorship, PracticePairing, ReadinessCheckIn, TownOffer
from tests.integration.test_checkins_support import START, Clock, RecordingMessenger, add_member

DISCORD_GUILD = 4242
SPACE = "!space:example.org"


async def _matrix_guild(sessions: SessionMaker) -> int:
    async with sessions() as session, session.begin():
        return await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=SPACE
        )


async def _matrix_user(sessions: SessionMaker, name: str) -> int:
    async with sessions() as session, session.begin():
        return await identities.local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=name
        )


async def _enqueue(sessions: SessionMaker, guild_id: int, subject_id: int) -> None:
    async with sessions() as session, session.begin():
        await outbox.enqueue(
            session=session,
            guild_id=guild_id,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=subject_id,
            now=START,
        )


async def test_each_platform_claims_only_its_own_communities_steps(sessions: SessionMaker) -> None:
    matrix_guild = await _matrix_guild(sessions)
    await _enqueue(sessions, DISCORD_GUILD, 1)
    await _enqueue(sessions, matrix_guild, 2)
    await _enqueue(sessions, DISCORD_GUILD, 3)
    async with sessions() as session, session.begin():
        on_matrix = await outbox.claim_due(
            session=session, now=START, worker="matrix", limit=10, platform=Platform.MATRIX
        )
    async with sessions() as session, session.begin():
        on_discord = await outbox.claim_due(
            session=session, now=START, worker="discord", limit=10, platform=Platform.DISCORD
        )
    assert [(task.guild_id, task.subject_id) for task in on_matrix] == [(matrix_guild, 2)]
    assert [(task.guild_id, task.subject_id) for task in on_discord] == [
        (DISCORD_GUILD, 1),
        (DISCORD_GUILD, 3),
    ]


async def test_the_immediate_claim_leaves_the_other_platforms_step_alone(sessions: SessionMaker) -> None:
    matrix_guild = await _matrix_guild(sessions)
    await _enqueue(sessions, matrix_guild, 7)
    async with sessions() as session, session.begin():
        wrong = await outbox.claim(
            session=session,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=7,
            now=START,
            worker="discord",
            platform=Platform.DISCORD,
        )
    assert wrong is None
    async with sessions() as session, session.begin():
        right = await outbox.claim(
            session=session,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=7,
            now=START,
            worker="matrix",
            platform=Platform.MATRIX,
        )
    assert right is not None
    assert right.guild_id == matrix_guild
    async with sessions() as session:
        row = (await session.execute(select(ChatTask))).scalar_one()
    assert row.claimed_by == "matrix"


async def test_a_step_given_up_is_reported_by_its_own_platform_only(sessions: SessionMaker) -> None:
    matrix_guild = await _matrix_guild(sessions)
    await _enqueue(sessions, matrix_guild, 5)
    await _enqueue(sessions, DISCORD_GUILD, 6)
    async with sessions() as session, session.begin():
        for row in (await session.execute(select(ChatTask))).scalars():
            row.failed_at = START
    async with sessions() as session, session.begin():
        discord_reports = await outbox.to_report(session=session, now=START, platform=Platform.DISCORD)
    async with sessions() as session, session.begin():
        matrix_reports = await outbox.to_report(session=session, now=START, platform=Platform.MATRIX)
    assert [stuck.subject_id for stuck in discord_reports] == [6]
    assert [stuck.subject_id for stuck in matrix_reports] == [5]


async def test_without_a_platform_every_step_is_claimed(sessions: SessionMaker) -> None:
    matrix_guild = await _matrix_guild(sessions)
    await _enqueue(sessions, matrix_guild, 8)
    await _enqueue(sessions, DISCORD_GUILD, 9)
    async with sessions() as session, session.begin():
        claimed = await outbox.claim_due(session=session, now=START, worker="any", limit=10)
    assert sorted(task.subject_id for task in claimed) == [8, 9]


async def test_each_dispatcher_sends_only_its_own_members_check_ins(sessions: SessionMaker) -> None:
    matrix_guild = await _matrix_guild(sessions)
    discord_member = await add_member(sessions, 777, guild_id=DISCORD_GUILD)
    matrix_member = await add_member(
        sessions, await _matrix_user(sessions, "@alice:example.org"), guild_id=matrix_guild
    )
    clock = Clock(START + timedelta(days=15))
    settings = SchedulerSettings(
        tick_seconds=30, batch_size=50, messages_per_second=1000, overdue_grace_hours=24 * 30
    )
    sent: dict[Platform, RecordingMessenger] = {}
    for platform in (Platform.MATRIX, Platform.DISCORD):
        sent[platform] = RecordingMessenger()
        await checkins.Dispatcher(
            sessions=sessions,
            clock=clock,
            messenger=sent[platform],
            settings=settings,
            worker=str(platform),
            platform=platform,
        ).run()
    assert [item.member_id for item in sent[Platform.MATRIX].sent] == [matrix_member]
    assert [item.member_id for item in sent[Platform.DISCORD].sent] == [discord_member]
    async with sessions() as session:
        claimed_by = {
            row.member_id: row.claimed_by
            for row in (
                await session.execute(
                    select(ReadinessCheckIn).where(ReadinessCheckIn.status == CheckInStatus.SENT)
                )
            ).scalars()
        }
    assert claimed_by == {matrix_member: "matrix", discord_member: "discord"}


async def _isolated_pair(sessions: SessionMaker, guild_id: int, first_user: int) -> tuple[int, int]:
    ids = []
    for user_id in (first_user, first_user + 1):
        member_id = await add_member(sessions, user_id, guild_id=guild_id, scores=None, schedule=False)
        async with sessions() as session, session.begin():
            member = await session.get(Member, member_id)
            assert member is not None
            member.is_isolated = True
        ids.append(member_id)
    return ids[0], ids[1]


async def test_the_sweeps_and_follow_ups_of_one_platform_leave_the_others_rows(
    sessions: SessionMaker,
) -> None:
    """Discord's ticks (buddy sweep, mentorship, buddy and practice follow-ups, town offers) take
    only Discord's rows: a Matrix community's in the same database are the Matrix adapter's."""
    matrix_guild = await _matrix_guild(sessions)
    due = START - timedelta(hours=1)
    rows: dict[int, dict[str, int]] = {}
    for guild_id, first_user in ((DISCORD_GUILD, 7001), (matrix_guild, await _matrix_user(sessions, "@a:x"))):
        member_id, mentor_id = await _isolated_pair(sessions, guild_id, first_user)
        async with sessions() as session, session.begin():
            mentorship = Mentorship(
                guild_id=guild_id,
                member_id=member_id,
                mentor_id=mentor_id,
                status=MentorshipStatus.ACTIVE,
                source="manual",
                followup_due_at=due,
            )
            group = BuddyGroup(
                guild_id=guild_id, status=BuddyStatus.INTRODUCED, offer_expires_at=due, followup_due_at=due
            )
            practice_pairing = PracticePairing(guild_id=guild_id, suggested_at=due, followup_due_at=due)
            offer = TownOffer(member_id=member_id, status="due", due_at=due)
            session.add_all([mentorship, group, practice_pairing, offer])
            await session.flush()
            rows[guild_id] = {
                "mentorship": mentorship.id,
                "group": group.id,
                "practice": practice_pairing.id,
                "offer": offer.id,
            }

    async with sessions() as session, session.begin():
        assert await buddies.guilds_with_isolated(session=session, platform=Platform.DISCORD) == [
            DISCORD_GUILD
        ]
        assert await buddies.guilds_with_isolated(session=session, platform=Platform.MATRIX) == [matrix_guild]
        followups = await pairing.due_followups(session=session, now=START, platform=Platform.DISCORD)
        assert [f.mentorship_id for f in followups] == [rows[DISCORD_GUILD]["mentorship"]]
        await buddies.due_followups(session=session, now=START, platform=Platform.DISCORD)
        await practice.due_followups(session=session, now=START, platform=Platform.DISCORD)
        offers = await town_offers.claim_due(
            session=session, now=START, worker="discord", platform=Platform.DISCORD
        )
        assert offers.claimed == 1
    async with sessions() as session:
        for guild_id, taken in ((DISCORD_GUILD, True), (matrix_guild, False)):
            group_row = await session.get(BuddyGroup, rows[guild_id]["group"])
            practice_row = await session.get(PracticePairing, rows[guild_id]["practice"])
            offer_row = await session.get(TownOffer, rows[guild_id]["offer"])
            assert group_row is not None and practice_row is not None and offer_row is not None
            assert (group_row.followup_sent_at is not None) is taken
            assert (practice_row.followup_sent_at is not None) is taken
            assert (offer_row.status != "due") is taken

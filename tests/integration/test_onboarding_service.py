"""The onboarding conversation's rules, through the service layer on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.config import GuildDefaults, OnboardingSettings
from bot.errors import GroundworkError
from bot.services import members, onboarding
from bot.services.gazetteer import Gazetteer, get_gazetteer
from bot.services.onboarding import Step
from db.engine import SessionMaker
from db.enums import CheckInKind, MemberStatus, OnboardingStatus, OrganizerStatus
from db.models import Member, OnboardingSession, Organizer, ReadinessAnswer, ReadinessCheckIn
from tests.support.onboarding import Answers, answer_step, run_conversation

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GUILD = 1000
SETTINGS = OnboardingSettings(expire_after_hours=72, reminder_after_hours=24)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


async def _begin(
    sessions: SessionMaker, gazetteer: Gazetteer, user_id: int, **kwargs: object
) -> onboarding.Conversation:
    async with sessions() as session, session.begin():
        return await onboarding.begin(
            session=session,
            guild_id=GUILD,
            user_id=user_id,
            now=NOW,
            settings=SETTINGS,
            defaults=GuildDefaults(),
            resolver=gazetteer,
            **kwargs,  # type: ignore[arg-type]
        )


async def _answer(
    sessions: SessionMaker,
    gazetteer: Gazetteer,
    sid: int,
    user_id: int,
    step: Step,
    action: str,
    *values: str,
) -> onboarding.Conversation:
    return await answer_step(
        sessions, gazetteer, session_id=sid, user_id=user_id, now=NOW, step=step, action=action,
        values=list(values), settings=SETTINGS,
    )  # fmt: skip


async def test_a_full_conversation_makes_an_active_isolated_member(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    completion = await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW)
    assert completion.isolated
    assert completion.place.name == "Leeds"
    assert completion.region_role is not None and completion.region_role.name == "United Kingdom"
    assert completion.announce_area == "England, United Kingdom"
    async with sessions() as session:
        member = (await session.execute(select(Member))).scalar_one()
        assert member.status == MemberStatus.ACTIVE
        assert member.timezone == "Europe/London"
        assert member.is_isolated
        checkin = (await session.execute(select(ReadinessCheckIn))).scalar_one()
        assert checkin.kind == CheckInKind.BASELINE
        count = await session.scalar(select(func.count()).select_from(ReadinessAnswer))
        assert count == 6


async def test_a_neighbour_ends_isolation_for_both(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    first = await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW)
    assert first.isolated
    second = await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=2, now=NOW, answers=Answers(place="Bradford")
    )
    assert not second.isolated
    assert second.nearby.within_radius == 1
    assert [n.user_id for n in second.nearby.named] == [1]
    async with sessions() as session:
        isolated = (await session.execute(select(Member.user_id).where(Member.is_isolated))).scalars().all()
        assert isolated == []


async def test_a_neighbour_who_keeps_their_town_private_is_counted_not_named(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW, answers=Answers(sharing="region")
    )
    second = await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=2, now=NOW)
    assert second.nearby.within_radius == 1
    assert second.nearby.named == ()


async def test_nothing_shared_means_no_region_role_and_an_anonymous_announcement(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    completion = await run_conversation(
        sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW, answers=Answers(sharing="nothing")
    )
    assert completion.region_role is None
    assert completion.announce_area is None


async def test_an_ambiguous_place_offers_candidates_and_none_of_these(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    picked = await _answer(sessions, gazetteer, conversation.session_id, 1, Step.PLACE, "text", "Springfield")
    assert picked.step == Step.PLACE_PICK
    labels = [place.label for place in picked.candidates]
    assert "Springfield, Illinois, United States" in labels
    assert len(picked.candidates) <= 24
    back = await _answer(sessions, gazetteer, conversation.session_id, 1, Step.PLACE_PICK, "pick", "none")
    assert back.step == Step.PLACE
    again = await _answer(sessions, gazetteer, conversation.session_id, 1, Step.PLACE, "text", "Springfield")
    illinois = next(p for p in again.candidates if p.region_name == "Illinois")
    confirm = await _answer(
        sessions, gazetteer, conversation.session_id, 1, Step.PLACE_PICK, "pick", illinois.key
    )
    assert confirm.step == Step.PLACE_CONFIRM
    assert confirm.place == illinois
    assert confirm.answers["timezone"] == "America/Chicago"


async def test_a_region_only_answer_records_region_precision(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    confirm = await _answer(
        sessions, gazetteer, conversation.session_id, 1, Step.PLACE, "area_text", "Bavaria"
    )
    assert confirm.step == Step.PLACE_CONFIRM
    assert confirm.place is not None and confirm.place.precision == "region"


@pytest.mark.parametrize(
    ("typed", "notice"),
    [
        ("", "place_invalid_empty"),
        ("🙂🙂🙂", "place_invalid_emoji"),
        ("@everyone", "place_invalid_mention"),
        ("<@123>", "place_invalid_mention"),
        ("?!?!", "place_invalid_no_letters"),
        ("Xqzzvillebergtown", "place_not_found"),
        ("x" * 1000, "place_invalid_too_long"),
    ],
)
async def test_bad_place_answers_keep_the_member_on_the_question(
    sessions: SessionMaker, gazetteer: Gazetteer, typed: str, notice: str
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    again = await _answer(sessions, gazetteer, conversation.session_id, 1, Step.PLACE, "text", typed)
    assert again.step == Step.PLACE
    assert again.notice == notice
    assert again.echo is None or len(again.echo) <= 100
    async with sessions() as session:
        row = await session.get(OnboardingSession, conversation.session_id)
        assert row is not None and row.answers == conversation.answers  # nothing of it kept


async def test_a_stale_or_doubled_answer_is_refused_and_changes_nothing(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    sid = conversation.session_id
    await _answer(sessions, gazetteer, sid, 1, Step.PLACE, "text", "Leeds")
    with pytest.raises(onboarding.StaleAnswerError):
        await _answer(sessions, gazetteer, sid, 1, Step.PLACE, "text", "Paris")
    async with sessions() as session:
        row = await session.get(OnboardingSession, sid)
        assert row is not None and row.step == Step.PLACE_CONFIRM
        assert row.answers["place"].startswith("city:")


async def test_someone_else_cannot_answer(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    with pytest.raises(GroundworkError):
        await _answer(sessions, gazetteer, conversation.session_id, 2, Step.PLACE, "text", "Leeds")


async def test_invalid_values_are_refused(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    sid = conversation.session_id
    await _answer(sessions, gazetteer, sid, 1, Step.PLACE, "text", "Leeds")
    await _answer(sessions, gazetteer, sid, 1, Step.PLACE_CONFIRM, "yes")
    with pytest.raises(GroundworkError):
        await _answer(sessions, gazetteer, sid, 1, Step.LANGUAGES, "pick", "klingon")


async def test_starting_twice_resumes_the_same_conversation(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    first = await _begin(sessions, gazetteer, 1)
    await _answer(sessions, gazetteer, first.session_id, 1, Step.PLACE, "text", "Leeds")
    second = await _begin(sessions, gazetteer, 1)
    assert second.session_id == first.session_id
    assert second.resumed
    assert second.step == Step.PLACE_CONFIRM


async def test_restart_starts_over(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    first = await _begin(sessions, gazetteer, 1)
    await _answer(sessions, gazetteer, first.session_id, 1, Step.PLACE, "text", "Leeds")
    again = await _begin(sessions, gazetteer, 1, restart=True)
    assert again.session_id != first.session_id
    assert again.step == Step.PLACE
    with pytest.raises(onboarding.StaleAnswerError):
        await _answer(sessions, gazetteer, first.session_id, 1, Step.PLACE_CONFIRM, "yes")


async def test_an_onboarded_member_is_pointed_to_their_profile(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW)
    with pytest.raises(onboarding.AlreadyOnboardedError):
        await _begin(sessions, gazetteer, 1)


async def _replaces(sessions: SessionMaker, user_id: int) -> bool:
    async with sessions() as session:
        return await onboarding.restart_replaces_answers(session=session, guild_id=GUILD, user_id=user_id)


async def test_a_restart_asks_first_only_when_there_are_answers_to_lose(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    assert not await _replaces(sessions, 1)  # never seen
    first = await _begin(sessions, gazetteer, 1)
    assert not await _replaces(sessions, 1)  # a conversation with nothing in it yet
    await _answer(sessions, gazetteer, first.session_id, 1, Step.PLACE, "text", "Leeds")
    assert await _replaces(sessions, 1)
    await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=2, now=NOW)
    assert await _replaces(sessions, 2)  # a finished onboarding


async def test_join_during_an_open_restart_resumes_it(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    await run_conversation(sessions, gazetteer, guild_id=GUILD, user_id=1, now=NOW)
    restarted = await _begin(sessions, gazetteer, 1, restart=True)
    await _answer(sessions, gazetteer, restarted.session_id, 1, Step.PLACE, "text", "Leeds")
    again = await _begin(sessions, gazetteer, 1)  # /join, not a restart: the open one goes on
    assert again.session_id == restarted.session_id
    assert again.resumed and again.step == Step.PLACE_CONFIRM


async def test_changing_an_answer_from_the_summary_returns_to_it(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    sid = conversation.session_id
    steps = [
        (Step.PLACE, "text", "Leeds"),
        (Step.PLACE_CONFIRM, "yes"),
        (Step.LANGUAGES, "pick", "en"),
        (Step.EXPERIENCE, "pick", "new"),
        (Step.PATHS, "pick", "remote"),
    ]
    for step, action, *values in steps:
        await _answer(sessions, gazetteer, sid, 1, step, action, *values)
    for page in (Step.READINESS_1, Step.READINESS_2):
        scores = [part for d in onboarding.READINESS_PAGES[page] for part in (d.value, "2")]
        await _answer(sessions, gazetteer, sid, 1, page, "scores", *scores)
    summary = await _answer(sessions, gazetteer, sid, 1, Step.CONSENT, "choose", "region", "no")
    assert summary.step == Step.SUMMARY
    paths = await _answer(sessions, gazetteer, sid, 1, Step.SUMMARY, "change", "paths")
    assert paths.step == Step.PATHS
    back = await _answer(sessions, gazetteer, sid, 1, Step.PATHS, "pick", "run_for_office", "coalitions")
    assert back.step == Step.SUMMARY
    assert back.answers["paths"] == ["run_for_office", "coalitions"]
    readiness = await _answer(sessions, gazetteer, sid, 1, Step.SUMMARY, "change", "readiness_1")
    assert readiness.step == Step.READINESS_1
    page_one = [part for d in onboarding.READINESS_PAGES[Step.READINESS_1] for part in (d.value, "5")]
    page_two = await _answer(sessions, gazetteer, sid, 1, Step.READINESS_1, "scores", *page_one)
    assert page_two.step == Step.READINESS_2
    assert page_two.answers["readiness"]["resources"] == 5
    page_two_scores = [part for d in onboarding.READINESS_PAGES[Step.READINESS_2] for part in (d.value, "2")]
    back_again = await _answer(sessions, gazetteer, sid, 1, Step.READINESS_2, "scores", *page_two_scores)
    assert back_again.step == Step.SUMMARY


async def test_an_incomplete_readiness_page_does_not_advance(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    sid = conversation.session_id
    for step, action, *values in [
        (Step.PLACE, "text", "Leeds"),
        (Step.PLACE_CONFIRM, "yes"),
        (Step.LANGUAGES, "pick", "en"),
        (Step.EXPERIENCE, "pick", "new"),
        (Step.PATHS, "pick", "remote"),
    ]:
        await _answer(sessions, gazetteer, sid, 1, step, action, *values)
    stay = await _answer(sessions, gazetteer, sid, 1, Step.READINESS_1, "scores", "resources", "3")
    assert stay.step == Step.READINESS_1
    assert stay.notice == "readiness_incomplete"
    page = [part for d in onboarding.READINESS_PAGES[Step.READINESS_1] for part in (d.value, "9")]
    with pytest.raises(GroundworkError):
        await _answer(sessions, gazetteer, sid, 1, Step.READINESS_1, "scores", *page)


async def test_an_experienced_member_who_offers_to_mentor_becomes_a_pending_organizer(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    completion = await run_conversation(
        sessions,
        gazetteer,
        guild_id=GUILD,
        user_id=1,
        now=NOW,
        answers=Answers(experience="experienced", note="Union drive <@&123> @everyone", mentor_capacity=3),
    )
    assert completion.organizer_status == OrganizerStatus.PENDING
    async with sessions() as session:
        organizer = (await session.execute(select(Organizer))).scalar_one()
        assert organizer.capacity == 3
        member = (await session.execute(select(Member))).scalar_one()
        assert (
            member.experience_note == "Union drive <@&123> @everyone"
        )  # stored as typed, escaped when shown


async def test_auto_confirmed_organizers_are_active(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    completion = await run_conversation(
        sessions,
        gazetteer,
        guild_id=GUILD,
        user_id=1,
        now=NOW,
        answers=Answers(experience="some", mentor_capacity=1),
        defaults=GuildDefaults(auto_confirm_organizers=True),
    )
    assert completion.organizer_status == OrganizerStatus.ACTIVE


async def test_a_member_who_left_cannot_continue(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    async with sessions() as session, session.begin():
        await members.record_leave(session=session, guild_id=GUILD, user_id=1, now=NOW)
    with pytest.raises(GroundworkError):
        await _answer(sessions, gazetteer, conversation.session_id, 1, Step.PLACE, "text", "Leeds")


async def test_one_reminder_then_expiry(sessions: SessionMaker, gazetteer: Gazetteer) -> None:
    conversation = await _begin(sessions, gazetteer, 1)
    async with sessions() as session, session.begin():
        assert await onboarding.due_reminders(session=session, now=NOW + timedelta(hours=23)) == []
    async with sessions() as session, session.begin():
        due = await onboarding.due_reminders(session=session, now=NOW + timedelta(hours=25))
        assert [paused.user_id for paused in due] == [1]
    async with sessions() as session, session.begin():
        assert await onboarding.due_reminders(session=session, now=NOW + timedelta(hours=60)) == []
        assert await onboarding.expire_due(session=session, now=NOW + timedelta(hours=60)) == []
    async with sessions() as session, session.begin():
        expired = await onboarding.expire_due(session=session, now=NOW + timedelta(hours=73))
        assert [paused.session_id for paused in expired] == [conversation.session_id]
    async with sessions() as session:
        row = await session.get(OnboardingSession, conversation.session_id)
        assert row is not None and row.status == OnboardingStatus.EXPIRED
        member = (await session.execute(select(Member))).scalar_one()
        assert member.status == MemberStatus.NEW


async def test_answers_push_the_expiry_back_but_not_for_minutes(
    sessions: SessionMaker, gazetteer: Gazetteer
) -> None:
    """Expiry and reminder count from the last answer, give or take the hour an answer may
    leave them where they are (each move rewrites the expiry index)."""
    conversation = await _begin(sessions, gazetteer, 1)
    sid = conversation.session_id

    async def stored() -> OnboardingSession:
        async with sessions() as session:
            row = await session.get(OnboardingSession, sid)
            assert row is not None
            return row

    started = await stored()
    await answer_step(
        sessions, gazetteer, session_id=sid, user_id=1, now=NOW + timedelta(minutes=30), step=Step.PLACE,
        action="text", values=["Leeds"], settings=SETTINGS,
    )  # fmt: skip
    soon = await stored()
    assert (soon.expires_at, soon.reminder_due_at) == (started.expires_at, started.reminder_due_at)
    later = NOW + timedelta(hours=5)
    await answer_step(
        sessions, gazetteer, session_id=sid, user_id=1, now=later, step=Step.PLACE_CONFIRM,
        action="yes", values=[], settings=SETTINGS,
    )  # fmt: skip
    moved = await stored()
    assert moved.expires_at == later + timedelta(hours=72)
    assert moved.reminder_due_at == later + timedelta(hours=24)
    async with sessions() as session, session.begin():
        assert await onboarding.expire_due(session=session, now=NOW + timedelta(hours=73)) == []

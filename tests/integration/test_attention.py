"""Human contact as a tracked fact (issue 17 item 1), through the service layer (SQLite, and
PostgreSQL when configured): each delivered introduction and each circle joined records a contact
in its own unit of work (none after a rollback, none twice on a retry); the median and 90th
percentile wait for a first contact over a hand-made set; the members nobody has met yet, paged;
the `unattended_days` setting; and a member's contacts gone with their data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.errors import GroundworkError
from bot.services import attention, circles, contacts, moderation, neighbours, pairing, practice, privacy
from db.engine import SessionMaker
from db.enums import HumanContactKind, MemberStatus
from db.models import GuildSettings, HumanContact, Member, Mentorship
from tests.integration.test_local_support import (
    DEFAULTS,
    GUILD,
    NOW,
    accept,
    answer,
    mentor,
    offer,
    onboard,
    organizer,
    proposed_circle,
)

LEEDS, BRADFORD, HARROGATE, LATE, MENTOR = 1, 2, 3, 4, 9
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


class RollbackError(Exception):
    """Raised inside a unit of work to roll it back."""


async def _contacts(sessions: SessionMaker) -> set[tuple[int, HumanContactKind, int | None]]:
    """(user id, kind, counterpart's user id) of every contact recorded."""
    met, other = aliased(Member), aliased(Member)
    async with sessions() as session:
        rows = await session.execute(
            select(met.user_id, HumanContact.kind, other.user_id)
            .join(met, HumanContact.member_id == met.id)
            .outerjoin(other, HumanContact.counterpart_member_id == other.id)
        )
        return {(user, kind, counterpart) for user, kind, counterpart in rows.all()}


async def _count(sessions: SessionMaker) -> int:
    async with sessions() as session:
        return len((await session.scalars(select(HumanContact.id))).all())


async def _mentorship(sessions: SessionMaker) -> int:
    await onboard(sessions, LEEDS, "Leeds")
    await organizer(sessions, MENTOR, "York")
    await mentor(sessions, LEEDS, MENTOR)
    async with sessions() as session:
        found = await session.scalar(select(Mentorship.id))
    assert found is not None
    return found


async def _introduce_mentor(sessions: SessionMaker, mentorship_id: int, *, delivered: bool = True) -> None:
    async with sessions() as session, session.begin():
        await pairing.record_introduction(
            session=session, mentorship_id=mentorship_id, thread_id=55, delivered=delivered, now=NOW + HOUR
        )


async def test_a_delivered_mentor_introduction_is_a_contact_for_both_once_and_not_after_a_rollback(
    sessions: SessionMaker,
) -> None:
    mentorship_id = await _mentorship(sessions)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await pairing.record_introduction(
                session=session, mentorship_id=mentorship_id, thread_id=55, delivered=True, now=NOW
            )
            raise RollbackError
    assert await _contacts(sessions) == set()
    await _introduce_mentor(sessions, mentorship_id)
    await _introduce_mentor(sessions, mentorship_id)  # the outbox task ran again
    kind = HumanContactKind.MENTOR_INTRODUCTION
    assert await _contacts(sessions) == {(LEEDS, kind, MENTOR), (MENTOR, kind, LEEDS)}
    assert await _count(sessions) == 2
    async with sessions() as session:
        at = await session.scalar(select(HumanContact.at).limit(1))
    assert at == NOW + HOUR


async def test_an_introduction_that_reached_nobody_is_no_contact(sessions: SessionMaker) -> None:
    await _introduce_mentor(sessions, await _mentorship(sessions), delivered=False)
    assert await _contacts(sessions) == set()


async def test_two_introduced_neighbours_each_have_a_contact_once(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    bradford = await onboard(sessions, BRADFORD, "Bradford")
    made = await offer(sessions, bradford)
    assert made is not None
    [ask] = await accept(sessions, made.offer_id, BRADFORD)
    await answer(sessions, ask)
    assert await _contacts(sessions) == set()  # both said yes; not introduced yet
    for _ in range(2):
        async with sessions() as session, session.begin():
            await neighbours.record_introduced(
                session=session, introduction_id=ask.introduction_id, thread_id=None, delivered=True, now=NOW
            )
    kind = HumanContactKind.NEIGHBOUR_INTRODUCTION
    assert await _contacts(sessions) == {(BRADFORD, kind, LEEDS), (LEEDS, kind, BRADFORD)}
    assert await _count(sessions) == 2


async def test_practice_partners_each_have_a_contact_once_delivered(sessions: SessionMaker) -> None:
    await onboard(sessions, LEEDS, "Leeds")
    await onboard(sessions, BRADFORD, "Lyon")
    async with sessions() as session, session.begin():
        await practice.request(session=session, guild_id=GUILD, user_id=LEEDS, path=None, now=NOW)
        match = (
            await practice.request(session=session, guild_id=GUILD, user_id=BRADFORD, path=None, now=NOW)
        ).match
    assert match is not None
    async with sessions() as session, session.begin():
        await practice.record_thread(
            session=session, pairing_id=match.pairing_id, thread_id=None, delivered=False, now=NOW
        )
    assert await _contacts(sessions) == set()
    for _ in range(2):
        async with sessions() as session, session.begin():
            await practice.record_thread(
                session=session, pairing_id=match.pairing_id, thread_id=77, delivered=True, now=NOW
            )
    kind = HumanContactKind.PRACTICE_INTRODUCTION
    assert await _contacts(sessions) == {(LEEDS, kind, BRADFORD), (BRADFORD, kind, LEEDS)}


async def test_joining_a_circle_is_a_contact_for_its_founders_its_organizer_and_a_later_joiner(
    sessions: SessionMaker,
) -> None:
    await organizer(sessions, MENTOR, "Manchester, England")
    circle_id = await proposed_circle(sessions)
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await circles.decide(session=session, circle_id=circle_id, actor_id=1, approve=True, now=NOW)
            raise RollbackError
    assert await _contacts(sessions) == set()
    async with sessions() as session, session.begin():
        await circles.decide(session=session, circle_id=circle_id, actor_id=1, approve=True, now=NOW)
    kind = HumanContactKind.CIRCLE_JOINED
    founders = {(LEEDS, kind, None), (BRADFORD, kind, None), (HARROGATE, kind, None), (MENTOR, kind, None)}
    assert await _contacts(sessions) == founders
    late = await onboard(sessions, LATE, "Leeds")
    async with sessions() as session, session.begin():
        circle_offer = await circles.offer_to_newcomer(session=session, member_id=late, now=NOW)
    assert circle_offer is not None
    with pytest.raises(RollbackError):
        async with sessions() as session, session.begin():
            await circles.answer_offer(
                session=session, membership_id=circle_offer.membership_id, user_id=LATE, join=True, now=NOW
            )
            raise RollbackError
    assert await _contacts(sessions) == founders
    async with sessions() as session, session.begin():
        await circles.answer_offer(
            session=session, membership_id=circle_offer.membership_id, user_id=LATE, join=True, now=NOW
        )
    assert await _contacts(sessions) == founders | {(LATE, kind, None)}


async def test_a_rejected_circle_or_a_declined_offer_is_no_contact(sessions: SessionMaker) -> None:
    circle_id = await proposed_circle(sessions)
    async with sessions() as session, session.begin():
        await circles.decide(session=session, circle_id=circle_id, actor_id=1, approve=False, now=NOW)
    assert await _contacts(sessions) == set()


# -- the figures, over a hand-made set -------------------------------------------------------


async def _member(
    sessions: SessionMaker,
    user_id: int,
    onboarded_ago: timedelta | None,
    *contacts_after: timedelta,
    status: MemberStatus = MemberStatus.ACTIVE,
) -> int:
    """A member onboarded `onboarded_ago` before NOW, with a contact after each of `contacts_after`."""
    async with sessions() as session, session.begin():
        if await session.get(GuildSettings, GUILD) is None:
            session.add(GuildSettings(guild_id=GUILD, **DEFAULTS.model_dump()))
            await session.flush()
        onboarded = NOW - onboarded_ago if onboarded_ago is not None else None
        member = Member(guild_id=GUILD, user_id=user_id, status=status, onboarded_at=onboarded)
        session.add(member)
        await session.flush()
        for subject, after in enumerate(contacts_after):
            assert onboarded is not None
            await contacts.record_contact(
                session=session,
                guild_id=GUILD,
                member_id=member.id,
                kind=HumanContactKind.REACHED_OUT,
                subject_id=subject,
                at=onboarded + after,
            )
        return member.id


async def test_median_and_90th_percentile_of_the_wait_for_a_first_contact(sessions: SessionMaker) -> None:
    # Onboarded 10 days ago, first met after 1, 2, 3 and 4 days (the second also met later on).
    await _member(sessions, 101, 10 * DAY, 1 * DAY)
    await _member(sessions, 102, 10 * DAY, 5 * DAY, 2 * DAY)
    await _member(sessions, 103, 10 * DAY, 3 * DAY)
    await _member(sessions, 104, 9 * DAY, 4 * DAY)
    await _member(sessions, 105, 40 * DAY, 10 * DAY)  # only in the 90 days
    await _member(sessions, 106, 200 * DAY, 1 * HOUR)  # in neither
    await _member(sessions, 107, 5 * DAY)  # waiting, in both windows
    await _member(sessions, 108, 60 * DAY)  # waiting, in the 90 days only
    await _member(sessions, 109, 5 * DAY, status=MemberStatus.LEFT)  # left: not waiting any more
    await _member(sessions, 110, None)  # never onboarded
    async with sessions() as session:
        month, quarter = await attention.overview_figures(session=session, guild_id=GUILD, now=NOW)
        other_guild = await attention.first_contact_times(
            session=session, guild_id=GUILD + 1, now=NOW, days=30
        )
    assert month == attention.FirstContactTimes(
        days=30, median=2.5 * DAY, p90=3.7 * DAY, contacted=4, still_waiting=1
    )
    # 1, 2, 3, 4, 10 days: the median is 3 days, the 90th percentile 4 + 0.6 * 6 = 7.6 days.
    assert quarter == attention.FirstContactTimes(
        days=90, median=3 * DAY, p90=7.6 * DAY, contacted=5, still_waiting=2
    )
    assert other_guild == attention.FirstContactTimes(30, None, None, 0, 0)


def test_percentiles_of_one_value_and_of_none() -> None:
    assert attention.percentile([], 0.5) is None
    assert attention.percentile([HOUR], 0.9) == HOUR
    assert attention.percentile([4 * HOUR, HOUR], 0.5) == 2.5 * HOUR


async def test_unattended_lists_members_nobody_met_after_the_guilds_days_oldest_first_paged(
    sessions: SessionMaker,
) -> None:
    for user_id, days in ((201, 8), (202, 30), (203, 12), (204, 20), (205, 7)):
        await _member(sessions, user_id, days * DAY + HOUR)
    await _member(sessions, 206, 3 * DAY)  # too recent
    await _member(sessions, 207, 50 * DAY, 40 * DAY)  # met someone, late but met
    await _member(sessions, 208, 50 * DAY, status=MemberStatus.LEFT)
    async with sessions() as session:
        first = await attention.unattended(session=session, guild_id=GUILD, now=NOW, page=0, per_page=2)
        last = await attention.unattended(session=session, guild_id=GUILD, now=NOW, page=9, per_page=2)
        count = await attention.unattended_count(session=session, guild_id=GUILD, now=NOW)
    assert count == first.total == 5  # the figure /mod overview's chart shows
    assert first.kind == moderation.MemberList.UNATTENDED
    assert (first.page, first.pages, first.total) == (0, 3, 5)
    assert [(m.user_id, m.days_waiting) for m in first.items] == [(202, 30), (204, 20)]
    assert first.items[0].since == NOW - 30 * DAY - HOUR and first.items[0].area == "unknown"
    assert (last.page, [(m.user_id, m.days_waiting) for m in last.items]) == (2, [(205, 7)])
    async with sessions() as session, session.begin():
        await moderation.change_setting(
            session=session,
            guild_id=GUILD,
            key="unattended_days",
            value=10,
            actor_id=1,
            defaults=DEFAULTS,
            now=NOW,
        )
    async with sessions() as session:
        fewer = await attention.unattended(session=session, guild_id=GUILD, now=NOW, page=0, per_page=10)
        assert await attention.unattended_count(session=session, guild_id=GUILD, now=NOW) == 3
    assert [m.user_id for m in fewer.items] == [202, 204, 203]


async def test_an_empty_unattended_list_is_one_empty_page(sessions: SessionMaker) -> None:
    async with sessions() as session:
        empty = await attention.unattended(session=session, guild_id=GUILD, now=NOW, page=3)
    assert (empty.items, empty.page, empty.pages, empty.total) == ((), 0, 1, 0)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("0", "must be from 1 to 90"),
        ("91", "must be from 1 to 90"),
        ("soon", "must be a number from 1 to 90"),
    ],
)
def test_unattended_days_is_validated(raw: str, problem: str) -> None:
    with pytest.raises(GroundworkError, match=f"unattended_days\\*\\*: {problem}"):
        moderation.parse_setting("unattended_days", raw)


async def test_unattended_days_defaults_to_7_and_is_changed(sessions: SessionMaker) -> None:
    async with sessions() as session, session.begin():
        shown = await moderation.current_settings(session=session, guild_id=GUILD, defaults=DEFAULTS)
        assert shown["unattended_days"] == 7
        value = moderation.parse_setting("unattended_days", " 14 ")
        assert await moderation.change_setting(
            session=session,
            guild_id=GUILD,
            key="unattended_days",
            value=value,
            actor_id=1,
            defaults=DEFAULTS,
            now=NOW,
        ) == (7, 14)
    async with sessions() as session:
        assert (await session.get(GuildSettings, GUILD)).unattended_days == 14  # type: ignore[union-attr]


# -- on the member card, in their export, and gone with their data ----------------------------


async def test_first_and_last_contact_on_the_card_in_the_export_and_gone_with_their_data(
    sessions: SessionMaker,
) -> None:
    mentorship_id = await _mentorship(sessions)
    async with sessions() as session:
        card = await moderation.member_card(session=session, guild_id=GUILD, user_id=LEEDS)
    assert (card.first_contact, card.last_contact) == (None, None)
    await _introduce_mentor(sessions, mentorship_id)
    async with sessions() as session, session.begin():
        member_id = await session.scalar(select(Member.id).where(Member.user_id == LEEDS))
        assert member_id is not None
        await contacts.record_contact(
            session=session,
            guild_id=GUILD,
            member_id=member_id,
            kind=HumanContactKind.WELCOME_CALL,
            subject_id=1,
            at=NOW + DAY,
        )
    async with sessions() as session:
        card = await moderation.member_card(session=session, guild_id=GUILD, user_id=LEEDS)
        stored = await privacy.everything_about(session=session, guild_id=GUILD, user_id=LEEDS)
    assert card.first_contact == contacts.Contact(HumanContactKind.MENTOR_INTRODUCTION, NOW + HOUR, MENTOR)
    assert card.last_contact == contacts.Contact(HumanContactKind.WELCOME_CALL, NOW + DAY, None)
    assert [c["kind"] for c in stored["human_contacts"]] == ["mentor_introduction", "welcome_call"]

    async with sessions() as session, session.begin():
        await privacy.delete_member_data(
            session=session, guild_id=GUILD, user_id=LEEDS, now=NOW, reason="request"
        )
    # Their own contacts are gone; the mentor's stays, without saying whom they met.
    assert await _contacts(sessions) == {(MENTOR, HumanContactKind.MENTOR_INTRODUCTION, None)}


async def test_contacts_recorded_together_leave_one_already_recorded_as_it_was(
    sessions: SessionMaker,
) -> None:
    first = await _member(sessions, LEEDS, 2 * DAY)
    second = await _member(sessions, BRADFORD, 2 * DAY)
    call = {"guild_id": GUILD, "kind": HumanContactKind.WELCOME_CALL, "subject_id": 7}
    async with sessions() as session, session.begin():
        await contacts.record_contacts(session=session, at=NOW - DAY, members=[(first, second)], **call)
    async with sessions() as session, session.begin():
        await contacts.record_contacts(
            session=session, at=NOW, members=[(first, None), (second, None)], **call
        )
        await contacts.record_contacts(session=session, at=NOW, members=[], **call)  # nothing to write
    async with sessions() as session:
        rows = (
            await session.execute(
                select(HumanContact.member_id, HumanContact.at, HumanContact.counterpart_member_id).order_by(
                    HumanContact.member_id
                )
            )
        ).all()
    assert [tuple(row) for row in rows] == [(first, NOW - DAY, second), (second, NOW, None)]

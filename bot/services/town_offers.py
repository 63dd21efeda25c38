"""Offering members who gave only their region, once, to give their town.

Rows in ``town_offers`` (filled by migration 0006) are claimed like check-ins: a tick takes a
batch of due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two bot processes never send
the same offer), the adapter DMs each member, and the outcome is recorded in its own unit
of work. An offer is sent at most once, ever: a row a dead process left claimed is given up
rather than sent again (the offer is optional; a second copy would not be). A member who
left, deleted their data, or has since given a town gets nothing; closed DMs end it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import identities
from db.enums import LocalePrecision, MemberStatus, Platform
from db.models import Locale, Member, TownOffer

BATCH: Final = 50
MAX_ATTEMPTS: Final = 3
RETRY_AFTER: Final = timedelta(hours=1)
STALE_AFTER: Final = timedelta(minutes=30)

Outcome = Literal["sent", "dms_closed", "retry"]


@dataclass(frozen=True, slots=True)
class DueOffer:
    """One offer to send now."""

    offer_id: int
    guild_id: int
    user_id: int
    region_name: str | None


@dataclass(frozen=True, slots=True)
class OfferBatch:
    due: list[DueOffer]
    claimed: int  # rows taken, including the ones settled without sending


async def _set(session: AsyncSession, offer_ids: list[int], **values: object) -> None:
    if offer_ids:
        await session.execute(
            update(TownOffer)
            .where(TownOffer.id.in_(offer_ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def give_up_stale(*, session: AsyncSession, now: datetime) -> int:
    """Offers a dead process claimed and never settled: maybe sent, so never sent again."""
    stale = (
        (
            await session.execute(
                select(TownOffer.id)
                .where(TownOffer.status == "sending", TownOffer.claimed_at < now - STALE_AFTER)
                .with_for_update(skip_locked=True)
            )
        )
        .scalars()
        .all()
    )
    await _set(session, list(stale), status="failed", failed_at=now)
    return len(stale)


async def claim_due(
    *, session: AsyncSession, now: datetime, worker: str, limit: int = BATCH, platform: Platform | None = None
) -> OfferBatch:
    """Claim up to `limit` due offers (of `platform`'s members); those that must not be sent are
    settled here."""
    chosen = (
        select(TownOffer.id)
        .where(
            TownOffer.status == "due",
            TownOffer.due_at <= now,
            identities.member_on_platform(TownOffer.member_id, platform),
        )
        .order_by(TownOffer.due_at, TownOffer.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = (
        (
            await session.execute(
                update(TownOffer)
                .where(TownOffer.id.in_(chosen))
                .values(status="sending", claimed_at=now, claimed_by=worker, attempts=TownOffer.attempts + 1)
                .returning(TownOffer.id)
                .execution_options(synchronize_session=False)
            )
        )
        .scalars()
        .all()
    )
    if not claimed:
        return OfferBatch([], 0)
    rows = (
        await session.execute(
            select(
                TownOffer.id,
                Member.guild_id,
                Member.user_id,
                Member.status,
                Member.dms_closed_at,
                Locale.precision,
                Locale.region_name,
            )
            .join(Member, TownOffer.member_id == Member.id)
            .outerjoin(Locale, Member.locale_id == Locale.id)
            .where(TownOffer.id.in_(claimed))
            .order_by(TownOffer.id)
        )
    ).all()
    due: list[DueOffer] = []
    cancelled: list[int] = []
    failed: list[int] = []
    for row in rows:
        if row.status != MemberStatus.ACTIVE or row.precision != LocalePrecision.REGION:
            cancelled.append(row.id)  # left, deleted, or has given a town (or county) since
        elif row.dms_closed_at is not None:
            failed.append(row.id)
        else:
            due.append(DueOffer(row.id, row.guild_id, row.user_id, row.region_name))
    await _set(session, cancelled, status="cancelled")
    await _set(session, failed, status="failed", failed_at=now)
    return OfferBatch(due, len(claimed))


async def record(
    *, session: AsyncSession, offer_id: int, worker: str, outcome: Outcome, now: datetime
) -> None:
    """How the send went: sent (never again), DMs closed (not retried), or a passing error
    (retried later, a few times at most)."""
    offer = await session.get(TownOffer, offer_id, with_for_update=True)
    if offer is None or offer.status != "sending" or offer.claimed_by != worker:
        return
    if outcome == "sent":
        offer.status, offer.sent_at = "sent", now
    elif outcome == "dms_closed" or offer.attempts >= MAX_ATTEMPTS:
        offer.status, offer.failed_at = "failed", now
    else:
        offer.status, offer.due_at = "due", now + RETRY_AFTER
    offer.claimed_at = offer.claimed_by = None

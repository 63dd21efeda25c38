"""`!gw privacy show`: what groundwork keeps about the member who asks, in the configured community."""

from __future__ import annotations

from bot.errors import GroundworkError
from bot.services import identities, privacy
from bot.texts import matrix as matrix_texts
from bot.texts import privacy as texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform


async def show(*, sessions: SessionMaker, community_id: str, sender: str) -> str:
    """The text to answer with (`**` marks emphasis; see render)."""
    async with sessions() as session:
        guild_id = await identities.find_local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.COMMUNITY, external_id=community_id
        )
        user_id = await identities.find_local_id(
            session=session, platform=Platform.MATRIX, kind=IdentityKind.USER, external_id=sender
        )
        if guild_id is None or user_id is None:  # never seen: nothing kept (and nothing made now)
            return texts.NOTHING_STORED
        try:
            data = await privacy.everything_about(session=session, guild_id=guild_id, user_id=user_id)
        except GroundworkError as refused:
            return refused.render(str)  # names nobody here
    member, locale = data["member"], data["locale"]
    place = (
        ", ".join(p for p in (locale["name"], locale["region_name"], locale["country_name"]) if p)
        if locale
        else "—"
    )
    answers = sum(len(c["answers"]) for c in data["readiness_checkins"])
    return "\n".join(
        [
            f"**{texts.SHOW_TITLE}**",
            matrix_texts.PRIVACY_SHOW_INTRO,
            texts.SHOW_PROFILE.format(
                status=member["status"],
                onboarded=(member["onboarded_at"] or "—")[:10],
                place=place,
                sharing=member["locale_sharing"],
            ),
            texts.SHOW_CONSENT.format(
                contact=texts.SHOW_YES if member["organizer_contact_ok"] else texts.SHOW_NO,
                offers=texts.SHOW_OFFERS_MUTED if member["neighbour_offers_muted"] else texts.SHOW_OFFERS_ON,
                activity=texts.SHOW_YES if member["share_activity"] else texts.SHOW_NO,
            ),
            texts.SHOW_COUNTS.format(
                conversations=len(data["onboarding_conversations"]),
                checkins=len(data["readiness_checkins"]),
                answers=answers,
                mentorships=len(data["mentorships"]),
                audit=len(data["audit_log"]),
            ),
        ]
    )

"""`!gw privacy show`: what groundwork keeps about the member who asks, in the configured community."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.errors import GroundworkError
from bot.services import identities, privacy
from bot.texts import matrix as matrix_texts
from bot.texts import privacy as texts
from db.engine import SessionMaker
from db.enums import IdentityKind, Platform
from matrix_adapter.router import Message

if TYPE_CHECKING:
    from matrix_adapter.client import MatrixBot


def install(bot: MatrixBot) -> None:
    sessions, community_id = bot.sessions, bot.settings.community_id
    if sessions is None or community_id is None:
        return

    async def privacy_show(message: Message, _: str) -> None:
        await bot.send_notice(
            message.room_id, await show(sessions=sessions, community_id=community_id, sender=message.sender)
        )

    bot.router.command("privacy show", matrix_texts.HELP_PRIVACY_SHOW, privacy_show, private=True)


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
    return "\n".join(
        [f"**{texts.SHOW_TITLE}**", matrix_texts.PRIVACY_SHOW_INTRO, *privacy.summary_lines(data)]
    )

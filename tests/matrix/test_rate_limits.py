"""Synapse's 429 M_LIMIT_EXCEEDED is honoured: the bot waits the retry_after_ms it is given and
every notice arrives, in order (the one test with a rate limit: the server raises them for the rest)."""

from __future__ import annotations

import time
from typing import Any

from nio import RoomSendError

from matrix_adapter import MatrixBot
from tests.matrix.clients import Member, joined
from tests.matrix.synapse import Account, Synapse


async def test_a_rate_limited_bot_waits_and_delivers_everything(
    synapse: Synapse, bot: tuple[MatrixBot, Account], member: Member
) -> None:
    served, me = bot
    room_id = await member.open_dm(served.user_id)
    await joined(member.client, room_id, served.user_id)
    synapse.limit_messages(me.user_id, per_second=2, burst=1)
    refused: list[Any] = []

    async def on_refused(response: RoomSendError) -> None:
        refused.append(response)

    served.client.add_response_callback(on_refused, RoomSendError)
    began = time.monotonic()
    for n in range(4):
        assert await served.send_notice(room_id, f"notice {n}")
    elapsed = time.monotonic() - began
    bodies = [(await member.next_notice())[1]["body"] for _ in range(4)]
    assert bodies == [f"notice {n}" for n in range(4)]
    assert refused, "the limit was never met"
    assert {r.status_code for r in refused} == {"M_LIMIT_EXCEEDED"}
    waited = sum(r.retry_after_ms for r in refused) / 1000
    assert elapsed >= waited * 0.9  # it slept what Synapse asked, not a fixed guess

"""Benchmark of the test fake Discord (tests/fake_discord): contract-check cost and throughput.

    .venv/bin/python bench/fake_discord.py                  # validation + 500 DMs unlimited + 150 DMs at 50 req/s
    .venv/bin/python bench/fake_discord.py --dms 10000 --limited 10000

Prints: spec load time; microseconds per validated request body (compiled validators, no
memo); DMs per second through the real discord.py client with no limit; and, with the global
limit at 50 requests per second, the wall time, the 429s the fake sent, and the most requests
the fake accepted in any one-second window (must not exceed 50).
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import discord
from discord.http import handle_message_parameters
from discord.webhook.async_ import interaction_message_response_params, interaction_response_params

from tests.fake_discord import FakeDiscord, running
from tests.fake_discord.contract import ContractChecker, load_spec

BODIES: dict[str, tuple[str, str, Any]] = {
    "open DM": ("POST", "/users/@me/channels", {"recipient_id": 5000}),
    "channel message": (
        "POST",
        "/channels/1/messages",
        handle_message_parameters(content="Hello there").payload,
    ),
    "defer": ("POST", "/interactions/1/t/callback", interaction_response_params(5, {"flags": 64}).payload),
    "thread": ("POST", "/channels/1/threads", {"name": "intro", "auto_archive_duration": 1440, "type": 12}),
    "follow-up": ("POST", "/webhooks/1/t", {"content": "Done.", "flags": 64}),
}


def validation_figures(rounds: int) -> None:
    started = time.perf_counter()
    load_spec.cache_clear()
    checker = ContractChecker(load_spec())
    print(f"spec load + patch: {(time.perf_counter() - started) * 1000:.0f} ms")
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Join", custom_id="join"))
    view.add_item(
        discord.ui.Select(custom_id="s", options=[discord.SelectOption(label="A", value="a")], row=1)
    )
    BODIES["reply with 2 component rows"] = (
        "POST",
        "/interactions/1/t/callback",
        interaction_message_response_params(type=4, content="Pick one", view=view).payload,
    )
    for name, (method, path, body) in BODIES.items():
        checker.check(method, path, body)  # compile
        times = []
        for _ in range(rounds):
            t = time.perf_counter()
            checker.check(method, path, body)
            times.append(time.perf_counter() - t)
        print(f"validate {name:<28} median {statistics.median(times) * 1e6:6.0f} us")


async def send_dms(count: int, limit: int | None) -> None:
    async with FakeDiscord() as fake:
        guild = fake.add_guild("Bench")
        users = [fake.add_member(guild, user_id=10_000 + i, name=f"u{i}").user_id for i in range(count)]
        if limit:
            fake.ratelimits.set_global(limit)
        intents = discord.Intents.default()
        async with running(fake, discord.Client(intents=intents, guild_ready_timeout=0.01)) as bot:
            before = len(fake.requests)
            started = time.perf_counter()

            async def dm(user_id: int) -> None:
                channel = await bot.create_dm(discord.Object(user_id))
                await channel.send("Your weekly check-in is here.")

            await asyncio.gather(*(dm(u) for u in users))
            elapsed = time.perf_counter() - started
        accepted = sorted(r.at for r in fake.requests[before:] if r.status != 429)
        # the most requests accepted within any one-second span
        busiest = max(bisect.bisect_left(accepted, t + 1.0) - i for i, t in enumerate(accepted))
        stats = fake.ratelimits.stats
        label = f"at {limit} req/s" if limit else "no limit"
        print(
            f"{count} DMs ({label}): {elapsed:.2f} s, {count / elapsed:.0f} DMs/s, {len(accepted)} requests,"
            f" {stats.total_429} x 429, busiest 1 s window {busiest} requests,"
            f" contract check median {statistics.median(fake.validation_times) * 1e6:.0f} us"
            f" (mean {statistics.mean(fake.validation_times) * 1e6:.0f} us) per request"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--dms", type=int, default=500)
    parser.add_argument("--limited", type=int, default=150)
    args = parser.parse_args()
    validation_figures(args.rounds)
    asyncio.run(send_dms(args.dms, None))
    if args.limited:
        asyncio.run(send_dms(args.limited, 50))


if __name__ == "__main__":
    main()

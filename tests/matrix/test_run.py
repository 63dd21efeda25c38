"""`groundwork run` with only [matrix] configured (no Discord token) serves Matrix: run as a newcomer
would, as a process, against the real Synapse."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.texts import matrix as matrix_texts
from tests.matrix.clients import Member, seen_joined
from tests.matrix.conftest import account
from tests.matrix.synapse import Synapse

ROOT = Path(__file__).resolve().parents[2]


def _environment(synapse: Synapse, user_id: str, password: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}
    return {
        **clean,
        "PYTHONPATH": str(ROOT),
        "GROUNDWORK_MATRIX__HOMESERVER": synapse.url,
        "GROUNDWORK_MATRIX__USER_ID": user_id,
        "GROUNDWORK_MATRIX__PASSWORD": password,
        "GROUNDWORK_MATRIX__DEVICE_ID": "GROUNDWORKTEST",
        "GROUNDWORK_MATRIX__SPACE_ID": "!community:localhost",
    }


async def _device_keys_published(member: Member, user_id: str) -> None:
    async def check() -> None:
        while True:
            answer = await member.client.send(
                "POST",
                "/_matrix/client/v3/keys/query",
                json.dumps({"device_keys": {user_id: []}}),
                headers={"Authorization": f"Bearer {member.client.access_token}"},
            )
            if (await answer.json()).get("device_keys", {}).get(user_id):
                return
            await asyncio.sleep(0.1)

    await asyncio.wait_for(check(), 60)


async def test_run_serves_matrix_without_a_discord_token(
    synapse: Synapse, member: Member, tmp_path: Path
) -> None:
    me = account(synapse, "groundwork")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env={**_environment(synapse, me.user_id, me.password), "GROUNDWORK_LOGGING__LEVEL": "DEBUG"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await _device_keys_published(member, me.user_id)  # the bot is up (as when a person DMs it)
        room_id = await member.open_dm(me.user_id, encrypted=True)
        # The member's client shares the room key with the members it has synced: wait for the bot.
        await seen_joined(member.client, room_id, me.user_id)
        await member.say(room_id, "!gw help")
        _, content = await member.next_notice()
        assert content["body"].startswith(matrix_texts.HELP_INTRO)
        assert "!gw privacy show" in content["body"]  # with a database: the commands that need one
    finally:
        if process.returncode is None:
            process.terminate()
        raw, _ = await asyncio.wait_for(process.communicate(), 20)
        output = raw.decode(errors="replace")
        print(output)  # noqa: T201 - shown when the test fails
    assert (tmp_path / "data" / "groundwork.db").exists()  # migrated first, as for Discord
    assert any((tmp_path / "data" / "matrix-crypto").iterdir())  # the crypto store, in the data dir
    assert me.password not in output
    # Even at DEBUG, no access token (the login makes one; nio puts it in URLs): Synapse's start with "syt_".
    assert "syt_" not in output
    assert "access_token=[redacted]" in output or "access_token=" not in output


def test_run_with_a_wrong_password_ends_with_one_clear_line(synapse: Synapse, tmp_path: Path) -> None:
    me = account(synapse, "groundwork")
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--no-migrate"],
        cwd=tmp_path,
        env=_environment(synapse, me.user_id, "not-the-password"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("groundwork: the homeserver refused matrix.password"), result.stderr
    assert "not-the-password" not in result.stderr + result.stdout
    assert time.monotonic() - began < 60

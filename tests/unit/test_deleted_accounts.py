"""How a deleted Discord account is recognised: Discord's rename of it, and nothing else."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from cogs.privacy import is_deleted_account


def _user(username: str, discriminator: str = "0", avatar: str | None = None, **extra: Any) -> discord.User:
    data: Any = {"id": "310000000000005001", "username": username, "discriminator": discriminator}
    return discord.User(state=None, data={**data, "avatar": avatar, **extra})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("user", "deleted"),
    [
        (_user("deleted_user_3f2a1b0c9d8e"), True),  # unique usernames
        (_user("Deleted User 1a2b3c4d", "0000"), True),  # before them
        (_user("deleted_user_3f2a1b0c9d8e", avatar="a1b2c3"), False),  # a deleted account has no avatar
        (_user("Deleted User 1a2b3c4d", "4821"), False),  # a real tag: someone chose the name
        (_user("deleted_user_fan"), False),
        (_user("deleted_user_3f2a1b0c9d8e", bot=True), False),
        (_user("alice"), False),
    ],
)
def test_only_discords_rename_of_a_deleted_account_counts(user: discord.User, deleted: bool) -> None:
    assert is_deleted_account(user) is deleted

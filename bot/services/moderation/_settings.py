"""Guild settings moderators may view and change (/mod settings), each with its own validation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import GuildDefaults
from bot.errors import GroundworkError
from bot.services.audit import record
from bot.services.guilds import ensure_guild
from bot.services.typed import typed_text
from bot.texts import moderation as texts
from bot.texts import welcome_calls as welcome_call_texts


def _number(low: float, high: float, kind: type = float) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        try:
            value = kind(raw.strip())
        except ValueError:
            raise ValueError(texts.SETTING_NOT_A_NUMBER.format(low=low, high=high)) from None
        if not low <= value <= high:
            raise ValueError(texts.SETTING_OUT_OF_RANGE.format(low=low, high=high))
        return value

    return parse


def _choice(*allowed: int) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        if raw.strip() not in {str(value) for value in allowed}:
            raise ValueError(
                texts.SETTING_NOT_ONE_OF.format(allowed=", ".join(str(value) for value in allowed))
            )
        return int(raw)

    return parse


def _boolean(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("true", "yes", "on", "1"):
        return True
    if value in ("false", "no", "off", "0"):
        return False
    raise ValueError(texts.SETTING_NOT_YES_NO)


def _words(*allowed: str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        if raw.strip().lower() not in allowed:
            raise ValueError(texts.SETTING_NOT_ONE_OF.format(allowed=", ".join(allowed)))
        return raw.strip().lower()

    return parse


def _snowflake(raw: str) -> int | None:
    text = raw.strip().strip("<>#@&!")
    if text.lower() in ("", "none", "off"):
        return None
    if not text.isdigit():
        raise ValueError(texts.SETTING_NOT_CHANNEL_OR_ROLE)
    return int(text)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    kind: str  # "number", "choice", "bool", "channel", "role", "word"
    parse: Callable[[str], Any]
    description: str


SETTINGS = {
    s.key: s
    for s in (
        Setting("radius_km", "number", _number(1, 1000), texts.SETTING_HELP["radius_km"]),
        Setting(
            "checkin_cadence_days", "choice", _choice(7, 14, 30), texts.SETTING_HELP["checkin_cadence_days"]
        ),
        Setting(
            "checkin_local_hour", "number", _number(0, 23, int), texts.SETTING_HELP["checkin_local_hour"]
        ),
        Setting("quiet_hours_start", "number", _number(0, 23, int), texts.SETTING_HELP["quiet_hours_start"]),
        Setting("quiet_hours_end", "number", _number(0, 23, int), texts.SETTING_HELP["quiet_hours_end"]),
        Setting("auto_approve_pairings", "bool", _boolean, texts.SETTING_HELP["auto_approve_pairings"]),
        Setting("auto_confirm_organizers", "bool", _boolean, texts.SETTING_HELP["auto_confirm_organizers"]),
        Setting("followup_days", "number", _number(1, 365, int), texts.SETTING_HELP["followup_days"]),
        Setting("circle_min_size", "number", _number(2, 50, int), texts.SETTING_HELP["circle_min_size"]),
        Setting("unattended_days", "number", _number(1, 90, int), texts.SETTING_HELP["unattended_days"]),
        Setting("wait_target_days", "number", _number(1, 90, int), texts.SETTING_HELP["wait_target_days"]),
        Setting("organizer_readiness", "number", _number(1, 5), texts.SETTING_HELP["organizer_readiness"]),
        Setting("welcome_call_size", "number", _number(2, 25, int), welcome_call_texts.SETTING_HELP),
        Setting(
            "region_roles", "word", _words("country", "region", "off"), texts.SETTING_HELP["region_roles"]
        ),
        Setting("member_role_id", "role", _snowflake, texts.SETTING_HELP["member_role_id"]),
        Setting("moderator_role_id", "role", _snowflake, texts.SETTING_HELP["moderator_role_id"]),
        Setting("onboarding_channel_id", "channel", _snowflake, texts.SETTING_HELP["onboarding_channel_id"]),
        Setting("announce_channel_id", "channel", _snowflake, texts.SETTING_HELP["announce_channel_id"]),
        Setting("review_channel_id", "channel", _snowflake, texts.SETTING_HELP["review_channel_id"]),
        Setting(
            "introductions_channel_id", "channel", _snowflake, texts.SETTING_HELP["introductions_channel_id"]
        ),
        Setting("alerts_channel_id", "channel", _snowflake, texts.SETTING_HELP["alerts_channel_id"]),
        Setting("circles_category_id", "channel", _snowflake, texts.SETTING_HELP["circles_category_id"]),
    )
}


async def current_settings(
    *, session: AsyncSession, guild_id: int, defaults: GuildDefaults
) -> dict[str, Any]:
    settings = await ensure_guild(session=session, guild_id=guild_id, defaults=defaults)
    return {key: getattr(settings, key) for key in SETTINGS}


def parse_setting(key: str, raw: str) -> Any:
    """The value for `key` from what a moderator typed; a GroundworkError naming the key otherwise."""
    key = typed_text(key, limit=50)
    setting = SETTINGS.get(key)
    if setting is None:
        raise GroundworkError(texts.SETTINGS_UNKNOWN_KEY.format(key=key))
    try:
        return setting.parse(typed_text(raw, limit=100))
    except ValueError as exc:
        raise GroundworkError(texts.SETTINGS_BAD_VALUE.format(key=key, problem=exc)) from None


async def change_setting(
    *,
    session: AsyncSession,
    guild_id: int,
    key: str,
    value: Any,
    actor_id: int,
    defaults: GuildDefaults,
    now: datetime,
) -> tuple[Any, Any]:
    """Store an already parsed value; returns (old, new). Quiet hours may wrap past midnight."""
    settings = await ensure_guild(session=session, guild_id=guild_id, defaults=defaults)
    old = getattr(settings, key)
    setattr(settings, key, value)
    await record(
        session=session,
        now=now,
        guild_id=guild_id,
        actor_id=actor_id,
        target_user_id=None,
        action="settings.changed",
        details={"key": key, "old": old, "new": value},
    )
    return old, value

"""Settings: a TOML file, overridden by `GROUNDWORK_...` environment variables.

Built once at start (`load_settings`), never at import. The bot token is a secret
with no default; it is read from the environment or the file and never logged.
"""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "GROUNDWORK_"
# Read outside the settings: where the prebuilt place index is kept (bot.services.gazetteer).
GAZETTEER_DIR_VARIABLE = f"{ENV_PREFIX}GAZETTEER_DIR"
DEFAULT_CONFIG_PATH = Path("config.toml")
SUPPORTED_DRIVERS = {"sqlite+aiosqlite", "postgresql+asyncpg"}
# Plain URLs people paste, and the async driver we use for each.
DRIVER_ALIASES = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


class Section(BaseModel):
    """A `[section]` of the config file: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DiscordSettings(Section):
    # No default: the token comes from GROUNDWORK_DISCORD__TOKEN or the file, or the bot does not start.
    token: SecretStr | None = None
    dev_guild_id: int | None = Field(default=None, gt=0)
    sync_commands_on_start: bool = True
    # Requests a second outside interactions, most urgent first (cogs/send_budget.py); Discord
    # allows a bot 50 unless it granted the bot more.
    requests_per_second: float = Field(default=40.0, gt=0)

    @field_validator("token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("the token is empty")
        return value


# Matrix identifiers (spec: "Identifier grammar"): @localpart:server for users, !opaque:server
# for rooms (a space is a room). Room versions 12+ drop the ":server" part of room ids.
MATRIX_USER_ID = re.compile(r"@[a-z0-9._=/+-]+:[A-Za-z0-9.\-\[\]:]+")
MATRIX_ROOM_ID = re.compile(r"![^\s:]+(?::[A-Za-z0-9.\-\[\]:]+)?")


def _matrix_room_id(value: str, what: str) -> str:
    if not MATRIX_ROOM_ID.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a Matrix room id; expected e.g. !AbCdEf:example.org "
            f"(in Element: the {what}'s settings -> Advanced -> Internal room ID)"
        )
    return value


class MatrixSettings(Section):
    """A Matrix homeserver to serve; nothing set: groundwork does not use Matrix."""

    homeserver: str | None = None  # https://matrix.example.org (the client-server API's base URL)
    user_id: str | None = None  # the bot's account, @groundwork:example.org
    # One of the two; a token (from a login) keeps the same device, a password logs in anew.
    access_token: SecretStr | None = None
    password: SecretStr | None = None
    device_id: str | None = None  # the bot's device; with a password, reused when given
    space_id: str | None = None  # the community's space: its members are the community
    room_ids: tuple[str, ...] = ()  # or the community's rooms, when it has no space
    moderators_room_id: str | None = None  # moderator commands are taken only here
    crypto_store: Path | None = None  # None: <data_dir>/matrix-crypto (keys for encrypted rooms)
    crypto_store_key: SecretStr | None = None  # encrypts the keys in the crypto store

    @field_validator("homeserver")
    @classmethod
    def _homeserver_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(f"{value!r} is not a homeserver URL; expected e.g. https://matrix.example.org")
        return value.rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _user_id(cls, value: str | None) -> str | None:
        if value is not None and not MATRIX_USER_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a Matrix user id; expected @name:server, e.g. @groundwork:example.org"
            )
        return value

    @field_validator("access_token", "password", "crypto_store_key")
    @classmethod
    def _secret_not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("it is empty")
        return value

    @field_validator("device_id")
    @classmethod
    def _device_id(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_.=+/-]{1,255}", value):
            raise ValueError(f"{value!r} is not a device id (letters and digits, like ABCDEFGHIJ)")
        return value

    @field_validator("space_id", "moderators_room_id")
    @classmethod
    def _room(cls, value: str | None) -> str | None:
        return None if value is None else _matrix_room_id(value, "room")

    @field_validator("room_ids")
    @classmethod
    def _rooms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_matrix_room_id(room, "room") for room in value)

    @model_validator(mode="after")
    def _complete(self) -> MatrixSettings:
        if not self.model_fields_set:
            return self
        missing = []
        if self.homeserver is None:
            missing.append("homeserver")
        if self.user_id is None:
            missing.append("user_id")
        if self.access_token is None and self.password is None:
            missing.append("access_token or password")
        if self.space_id is None and not self.room_ids:
            missing.append("space_id or room_ids")
        if missing:
            raise ValueError(f"[matrix] is set but lacks {', '.join(missing)}")
        if self.access_token is not None and self.password is not None:
            raise ValueError("set access_token or password, not both")
        if self.password is not None and self.device_id is None:
            raise ValueError(
                "with a password, set device_id too: without it every start logs in as a new device, "
                "which cannot read the encrypted rooms the bot is in"
            )
        return self

    @property
    def configured(self) -> bool:
        return self.homeserver is not None

    @property
    def community_id(self) -> str | None:
        """What names the community (its guild): the space, else its first room."""
        return self.space_id or (self.room_ids[0] if self.room_ids else None)


class DatabaseSettings(Section):
    url: str | None = None  # None: a SQLite file in the data directory
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _url_supported(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "not a database URL; expected e.g. sqlite+aiosqlite:///data/groundwork.db "
                "or postgresql+asyncpg://user@host/dbname"
            ) from None
        driver = DRIVER_ALIASES.get(url.drivername, url.drivername)
        if driver not in SUPPORTED_DRIVERS:
            raise ValueError(
                f"unsupported database {url.drivername!r}; use sqlite+aiosqlite or postgresql+asyncpg"
            )
        return url.set(drivername=driver).render_as_string(hide_password=False)


class SchedulerSettings(Section):
    tick_seconds: float = Field(default=30.0, gt=0, description="How often due rows are looked for.")
    batch_size: int = Field(default=50, gt=0)
    messages_per_second: float = Field(default=20.0, gt=0)
    overdue_grace_hours: float = Field(default=12.0, ge=0)
    pairing_batch_hours: float = Field(
        default=6.0, gt=0, description="How often everyone waiting is matched."
    )


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    file: Path | None = None

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class GuildDefaults(Section):
    """Settings a new guild starts with; moderators change them per guild with /mod settings."""

    radius_km: float = Field(default=50.0, gt=0, le=1000)
    checkin_cadence_days: Literal[7, 14, 30] = 14
    checkin_local_hour: int = Field(default=18, ge=0, le=23)
    quiet_hours_start: int = Field(default=22, ge=0, le=23)
    quiet_hours_end: int = Field(default=8, ge=0, le=23)
    auto_approve_pairings: bool = False
    auto_confirm_organizers: bool = False
    followup_days: int = Field(default=14, gt=0)
    circle_min_size: int = Field(default=3, ge=2)
    unattended_days: int = Field(default=7, ge=1, le=90)
    wait_target_days: int = Field(default=7, ge=1, le=90)
    organizer_readiness: float = Field(default=4.0, ge=1, le=5)
    welcome_call_size: int = Field(default=8, ge=2, le=25)


class OnboardingSettings(Section):
    expire_after_hours: float = Field(default=168.0, gt=0)
    reminder_after_hours: float = Field(default=48.0, gt=0)


class CheckinSettings(Section):
    charts: bool = True  # attach a PNG chart to /checkin history; off: the trend as text only


class PrivacySettings(Section):
    retention_days_after_leaving: int = Field(default=30, ge=0)


class Settings(BaseSettings):
    """Everything the bot is configured with."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    data_dir: Path = Path("data")
    discord: DiscordSettings = DiscordSettings()
    matrix: MatrixSettings = MatrixSettings()
    database: DatabaseSettings = DatabaseSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    logging: LoggingSettings = LoggingSettings()
    guild_defaults: GuildDefaults = GuildDefaults()
    onboarding: OnboardingSettings = OnboardingSettings()
    checkins: CheckinSettings = CheckinSettings()
    privacy: PrivacySettings = PrivacySettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file's values come in as init arguments; the environment overrides them.
        return (env_settings, init_settings)

    def require_token(self) -> str:
        """The bot token, or a ConfigError saying how to set it."""
        if self.discord.token is None:
            raise ConfigError([MISSING_TOKEN])
        return self.discord.token.get_secret_value()

    @property
    def matrix_crypto_store(self) -> Path:
        """Where the Matrix client keeps its encryption keys (persists across restarts)."""
        return self.matrix.crypto_store or self.data_dir / "matrix-crypto"

    def require_platform(self) -> None:
        """A ConfigError unless Discord (a token) or Matrix is configured."""
        if self.discord.token is None and not self.matrix.configured:
            raise ConfigError([MISSING_TOKEN])

    @property
    def database_url(self) -> str:
        """The configured URL, or a SQLite file in the data directory."""
        if self.database.url is not None:
            return self.database.url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'groundwork.db').as_posix()}"


class ConfigError(Exception):
    """The configuration cannot be used; `problems` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


MISSING_TOKEN = (
    "discord.token: the bot token is missing; set the environment variable "
    f"{ENV_PREFIX}DISCORD__TOKEN or `token` under [discord] in the config file "
    "(or configure [matrix] to serve only Matrix)"
)


def _describe(error: dict[str, Any]) -> str:
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"{key}: unknown key (check its spelling against config.example.toml)"
    if error["type"] == "missing":
        return f"{key}: required but not set"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{key}: {message}"


def read_config_file(path: Path) -> dict[str, Any]:
    """The TOML file's contents; an absent file is an empty configuration."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML ({exc})"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot be read ({exc.strerror})"]) from None


def load_settings(path: Path | None = None) -> Settings:
    """Read the file at `path` (default `config.toml`), apply the environment, validate."""
    data = read_config_file(path or DEFAULT_CONFIG_PATH)
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError([_describe(dict(error)) for error in exc.errors()]) from None


def unknown_environment_keys(environ: dict[str, str]) -> list[str]:
    """`GROUNDWORK_...` variables that name no setting (they would be silently ignored)."""
    known = {name.upper() for name in Settings.model_fields}
    unknown = []
    for name in environ:
        if not name.upper().startswith(ENV_PREFIX):
            continue
        head = name.upper().removeprefix(ENV_PREFIX).split("__", 1)[0]
        if (
            head not in known
            and not name.upper().startswith(f"{ENV_PREFIX}TEST_")
            and name.upper() != GAZETTEER_DIR_VARIABLE
        ):
            unknown.append(name)
    return sorted(unknown)


# Credentials made at run time (a Matrix login's access token) that a library may log as part of
# a URL (matrix-nio puts `access_token=` in query strings), of a header, or of a response it logs
# at DEBUG (`'access_token': '...'`).
_CREDENTIAL_IN_TEXT = re.compile(
    r"((?:access_token|refresh_token)[\"']?\s*[:=]\s*[\"']?|Bearer )[^\s&\"',;}]+"
)


class SecretRedactor(logging.Filter):
    """Replaces a secret's text in every log record, should anything ever log it, and any
    access token or `Bearer ...` credential in it."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _CREDENTIAL_IN_TEXT.sub(r"\1[redacted]", message)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[redacted]")
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True

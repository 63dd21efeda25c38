"""Settings: the TOML file, the environment over it, and clear messages for bad values."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.config import ConfigError, SecretRedactor, load_settings, unknown_environment_keys

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("GROUNDWORK_") and not name.startswith("GROUNDWORK_TEST_"):
            monkeypatch.delenv(name)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return caught.value.problems


def test_the_example_loads_and_lacks_only_the_token(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    shutil.copyfile(EXAMPLE, path)
    settings = load_settings(path)
    assert settings.discord.token is None
    with pytest.raises(ConfigError) as caught:
        settings.require_token()
    assert caught.value.problems == [caught.value.problems[0]]
    assert "GROUNDWORK_DISCORD__TOKEN" in caught.value.problems[0]


def test_the_database_defaults_to_sqlite_in_the_data_directory(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, 'data_dir = "somewhere"\n'))
    assert settings.database_url == "sqlite+aiosqlite:///somewhere/groundwork.db"


def test_the_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUNDWORK_DISCORD__TOKEN", "from-env")
    monkeypatch.setenv("GROUNDWORK_SCHEDULER__TICK_SECONDS", "5")
    settings = load_settings(
        _write(tmp_path, '[discord]\ntoken = "from-file"\n[scheduler]\ntick_seconds = 9\n')
    )
    assert settings.require_token() == "from-env"
    assert settings.scheduler.tick_seconds == 5


def test_the_token_never_shows_in_a_repr(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, '[discord]\ntoken = "very-secret"\n'))
    assert "very-secret" not in repr(settings)
    assert "very-secret" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[guild_defaults]\nradius_kms = 5\n", "guild_defaults.radius_kms"),
        ("[discrod]\ntoken = 'x'\n", "discrod"),
        ("[scheduler]\ntick_seconds = -1\n", "scheduler.tick_seconds"),
        ("[database]\nurl = 'mysql://x@y/z'\n", "database.url"),
        ("[database]\nurl = 'not a url'\n", "database.url"),
        ("[guild_defaults]\ncheckin_cadence_days = 10\n", "guild_defaults.checkin_cadence_days"),
        ("[logging]\nlevel = 'LOUD'\n", "logging.level"),
        ("[discord]\ntoken = '  '\n", "discord.token"),
    ],
)
def test_a_bad_key_or_value_is_named(tmp_path: Path, text: str, key: str) -> None:
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].startswith(f"{key}:")


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    (problem,) = _problems(_write(tmp_path, "[discord\n"))
    assert "not valid TOML" in problem


def test_plain_database_urls_get_the_async_driver(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "[database]\nurl = 'postgres://u@h:5432/db'\n"))
    assert settings.database_url == "postgresql+asyncpg://u@h:5432/db"


def test_unknown_environment_variables_are_found() -> None:
    environ = {
        "GROUNDWORK_DISCORD__TOKEN": "x",
        "GROUNDWORK_DATABSE__URL": "y",
        "GROUNDWORK_GAZETTEER_DIR": "/var/cache/groundwork",  # read by the place index, not a setting
        "HOME": "/",
    }
    assert unknown_environment_keys(environ) == ["GROUNDWORK_DATABSE__URL"]


def test_the_redactor_hides_the_token(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redactor")
    logger.addFilter(SecretRedactor("s3cr3t"))
    with caplog.at_level(logging.INFO, logger="test.redactor"):
        logger.info("token is %s", "s3cr3t")
    assert "s3cr3t" not in caplog.text
    assert "[redacted]" in caplog.text

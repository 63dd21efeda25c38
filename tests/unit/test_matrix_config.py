"""The [matrix] section: configured apart from Discord, and clear about bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings

GOOD = """
[matrix]
homeserver = "https://matrix.example.org/"
user_id = "@groundwork:example.org"
access_token = "syt_secret_value"
space_id = "!space:example.org"
moderators_room_id = "!mods:example.org"
"""


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


def test_matrix_alone_is_a_complete_configuration(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, f'data_dir = "d"\n{GOOD}')
    settings = load_settings(path)
    assert settings.matrix.configured
    assert settings.matrix.homeserver == "https://matrix.example.org"
    assert settings.matrix_crypto_store == Path("d") / "matrix-crypto"
    settings.require_platform()  # no Discord token needed
    assert main(["--config", str(path), "config", "check"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    assert "syt_secret_value" not in out + repr(settings)


def test_nothing_configured_names_the_discord_token_and_matrix(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, ""))
    assert not settings.matrix.configured
    with pytest.raises(ConfigError) as caught:
        settings.require_platform()
    assert "GROUNDWORK_DISCORD__TOKEN" in caught.value.problems[0]
    assert "[matrix]" in caught.value.problems[0]


def test_the_environment_configures_matrix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GROUNDWORK_MATRIX__HOMESERVER", "http://127.0.0.1:8008")
    monkeypatch.setenv("GROUNDWORK_MATRIX__USER_ID", "@bot:localhost")
    monkeypatch.setenv("GROUNDWORK_MATRIX__PASSWORD", "pw")
    monkeypatch.setenv("GROUNDWORK_MATRIX__DEVICE_ID", "GROUNDWORK")
    monkeypatch.setenv("GROUNDWORK_MATRIX__ROOM_IDS", '["!a:localhost", "!b:localhost"]')
    settings = load_settings(_write(tmp_path, ""))
    assert settings.matrix.room_ids == ("!a:localhost", "!b:localhost")
    assert settings.matrix.password is not None


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ('"@groundwork:example.org"', '"groundwork"', "not a Matrix user id; expected @name:server"),
        ('"@groundwork:example.org"', '"@Groundwork:example.org"', "not a Matrix user id"),
        ('"https://matrix.example.org/"', '"matrix.example.org"', "not a homeserver URL"),
        ('"!space:example.org"', '"#space:example.org"', "not a Matrix room id"),
        ('"!mods:example.org"', '"mods"', "not a Matrix room id"),
        ('access_token = "syt_secret_value"', 'access_token = " "', "matrix.access_token: it is empty"),
        ('access_token = "syt_secret_value"', "", "lacks access_token or password"),
        ('space_id = "!space:example.org"', "", "lacks space_id or room_ids"),
        ('user_id = "@groundwork:example.org"', "", "lacks user_id"),
        ('access_token = "syt_secret_value"', 'access_token = "a"\npassword = "b"', "not both"),
        ('access_token = "syt_secret_value"', 'password = "b"', "with a password, set device_id too"),
    ],
)
def test_bad_matrix_values_are_named(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in GOOD
    problems = _problems(_write(tmp_path, GOOD.replace(replace, by)))
    assert len(problems) == 1, problems
    assert problems[0].startswith("matrix")
    assert expected in problems[0]
    assert "syt_secret_value" not in problems[0]


def test_config_check_reports_a_bad_user_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, GOOD.replace("@groundwork:example.org", "groundwork@example.org"))
    assert main(["--config", str(path), "config", "check"]) == 1
    assert "matrix.user_id: 'groundwork@example.org' is not a Matrix user id" in capsys.readouterr().out


@pytest.mark.parametrize(
    "line",
    [
        "GET /_matrix/client/v3/sync?since=s1&access_token=syt_made_at_login&timeout=30000",
        "{'user_id': '@bot:localhost', 'access_token': 'syt_made_at_login', 'device_id': 'X'}",
        '{"access_token": "syt_made_at_login"}',
        "Authorization: Bearer syt_made_at_login",
    ],
)
def test_a_matrix_access_token_made_at_run_time_is_never_logged(line: str) -> None:
    import logging

    from bot.config import SecretRedactor

    record = logging.LogRecord("nio", logging.DEBUG, __file__, 1, line, None, None)
    SecretRedactor("configured-secret").filter(record)
    assert "syt_made_at_login" not in record.getMessage()
    assert "[redacted]" in record.getMessage()

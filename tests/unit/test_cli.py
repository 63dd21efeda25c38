"""The `groundwork` command, run as a newcomer would run it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GROUNDWORK_")}


def _groundwork(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**_env(), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_run_without_a_token_exits_with_one_clear_line(tmp_path: Path) -> None:
    result = _groundwork(tmp_path, "run")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "GROUNDWORK_DISCORD__TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


def test_config_check_on_the_example_reports_only_the_token(tmp_path: Path) -> None:
    shutil.copyfile(ROOT / "config.example.toml", tmp_path / "config.toml")
    result = _groundwork(tmp_path, "config", "check")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("  - ")]
    assert len(problems) == 1
    assert problems[0].startswith("  - discord.token:")


def test_config_check_names_a_mistyped_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.toml"
    path.write_text('[discord]\ntoken = "x"\n[sheduler]\ntick_seconds = 3\n')
    assert main(["--config", str(path), "config", "check"]) == 1
    assert "sheduler: unknown key" in capsys.readouterr().out


def test_config_check_passes_a_complete_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[discord]\ntoken = "x"\n')
    assert main(["--config", str(path), "config", "check"]) == 0
    assert "OK" in capsys.readouterr().out


def test_db_upgrade_creates_the_schema_and_twice_is_a_no_op(tmp_path: Path) -> None:
    first = _groundwork(tmp_path, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "data" / "groundwork.db").exists()
    second = _groundwork(tmp_path, "db", "upgrade")
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout
    current = _groundwork(tmp_path, "db", "current")
    assert current.stdout.strip() in first.stdout


def test_run_that_cannot_log_in_ends_with_one_clear_line(tmp_path: Path) -> None:
    """No network here (a refused token elsewhere): either way one line, no traceback, non-zero."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**_env(), "PYTHONPATH": str(ROOT), "GROUNDWORK_DISCORD__TOKEN": "not-a-real-token"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("groundwork: ")
    assert "not-a-real-token" not in result.stderr  # the token is never logged

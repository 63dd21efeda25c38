"""The `groundwork` command: run the bot, migrate the database, check the config, sync commands."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import (
    DEFAULT_CONFIG_PATH,
    MISSING_TOKEN,
    ConfigError,
    Settings,
    load_settings,
    unknown_environment_keys,
)

log = logging.getLogger("groundwork")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="groundwork",
        description="groundwork: helps an online organization organize where its members live.",
    )
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG_PATH, help="the TOML config file (default: config.toml)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="start the bot (migrates the database first)")
    run.add_argument("--no-migrate", action="store_true", help="do not migrate the database before starting")

    db = sub.add_parser("db", help="the database schema (Alembic)")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", help="migrate the database to the newest schema")
    upgrade.add_argument("revision", nargs="?", default="head")
    db_sub.add_parser("current", help="show the schema revision the database is at")

    config = sub.add_parser("config", help="the configuration")
    config_sub = config.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    config_sub.add_parser("check", help="validate the configuration without connecting anywhere")

    gazetteer = sub.add_parser("gazetteer", help="the offline place index")
    gazetteer_sub = gazetteer.add_subparsers(dest="gazetteer_command", required=True, metavar="ACTION")
    gazetteer_sub.add_parser(
        "build", help="build the place index now (the bot otherwise builds it on its first start)"
    )

    sync = sub.add_parser("sync-commands", help="register the slash commands with Discord")
    scope = sync.add_mutually_exclusive_group()
    scope.add_argument("--guild", type=int, help="register to this guild only (instant; for development)")
    scope.add_argument(
        "--global", dest="global_", action="store_true", help="register globally (the default)"
    )
    return parser


def _fail(lines: Sequence[str]) -> int:
    for line in lines:
        print(f"groundwork: {line}", file=sys.stderr)
    return 2


def _prepare_database_dir(settings: Settings) -> None:
    if settings.database.url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)


def _check_config(path: Path) -> int:
    problems: list[str] = []
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        problems.extend(exc.problems)
    else:
        if settings.discord.token is None and not settings.matrix.configured:
            problems.append(MISSING_TOKEN)
    problems.extend(
        f"{name}: unknown environment variable (it names no setting)"
        for name in unknown_environment_keys(dict(os.environ))
    )
    source = path if path.exists() else f"{path} (not found; using defaults and the environment)"
    if problems:
        print(f"{source}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"{source}: OK")
    return 0


def _db_command(settings: Settings, action: str, revision: str) -> int:
    from db.migrate import current_revision_sync, head_revision, upgrade_sync

    _prepare_database_dir(settings)
    if action == "upgrade":
        upgrade_sync(settings.database_url, revision)
        print(f"database is at {current_revision_sync(settings.database_url)} (head: {head_revision()})")
    else:
        print(current_revision_sync(settings.database_url) or "empty (run `groundwork db upgrade`)")
    return 0


async def _run_discord(settings: Settings, token: str) -> None:
    from bot.bot import GroundworkBot

    async with GroundworkBot(settings) as bot:
        await bot.start(token)


async def _run_matrix(settings: Settings) -> None:
    from db.engine import create_engine, create_session_maker
    from matrix_adapter import MatrixBot, onboarding

    engine = create_engine(settings.database_url, echo=settings.database.echo)
    bot = MatrixBot(
        settings.matrix,
        crypto_store=settings.matrix_crypto_store,
        sessions=create_session_maker(engine),
        scheduler=settings.scheduler,
    )
    onboarding.configure(bot, settings)
    try:
        await bot.login()
        if bot.runtime is not None:
            bot.runtime.start()  # the outbox and check-in ticks, from the first moment the bot serves
        await bot.run()
    finally:
        if bot.runtime is not None:
            await bot.runtime.stop()
        await bot.close()
        await engine.dispose()


async def _run_bot(settings: Settings, token: str) -> None:
    """Discord and Matrix, each when configured; one stopping stops the other."""
    runs = []
    if token:
        runs.append(_run_discord(settings, token))
    if settings.matrix.configured:
        runs.append(_run_matrix(settings))
    async with asyncio.TaskGroup() as group:
        for run in runs:
            group.create_task(run)


async def _sync_commands(settings: Settings, token: str, guild_id: int | None) -> int:
    from bot.bot import GroundworkBot

    async with GroundworkBot(settings, run_scheduler=False, sync_commands=False) as bot:
        await bot.login(token)  # runs setup_hook: the cogs register their commands
        count = await bot.sync_app_commands(guild_id=guild_id)
    where = (
        f"guild {guild_id}" if guild_id else "all servers (global commands can take up to an hour to appear)"
    )
    print(f"registered {count} slash commands for {where}")
    return 0


def _build_gazetteer() -> int:
    from bot.services.gazetteer import build_index, index_path

    path = index_path()
    build_index(path)
    print(f"place index written to {path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `groundwork` console script."""
    args = _parser().parse_args(argv)
    if args.command == "config":
        return _check_config(args.config)
    if args.command == "gazetteer":
        return _build_gazetteer()
    try:
        settings = load_settings(args.config)
        if args.command == "sync-commands":
            token = settings.require_token()
        else:
            settings.require_platform() if args.command == "run" else None
            token = settings.discord.token.get_secret_value() if settings.discord.token else ""
    except ConfigError as exc:
        return _fail(exc.problems)

    from bot.log import setup_logging

    setup_logging(settings)
    if args.command == "db":
        return _db_command(settings, args.db_command, getattr(args, "revision", "head"))
    if args.command == "sync-commands":
        return asyncio.run(_sync_commands(settings, token, args.guild or settings.discord.dev_guild_id))

    _prepare_database_dir(settings)
    if not args.no_migrate:
        from db.migrate import upgrade_sync

        upgrade_sync(settings.database_url)
    try:
        asyncio.run(_run_bot(settings, token))
    except KeyboardInterrupt:
        log.info("stopped")
    except ExceptionGroup as group:
        return _explain_run_failure(group)
    return 0


def _leaves(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    found: list[BaseException] = []
    for exc in group.exceptions:
        found.extend(_leaves(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return found


def _explain_run_failure(group: ExceptionGroup[Exception]) -> int:
    """One clear line for a failure people can fix; anything else is raised as it is."""
    import aiohttp
    import discord

    from matrix_adapter.client import MatrixLoginError

    for exc in _leaves(group):
        if isinstance(exc, MatrixLoginError):
            return _fail([str(exc)])
        if isinstance(exc, aiohttp.ClientConnectionError | TimeoutError):
            return _fail(
                [f"cannot reach {_where(exc)} ({exc.__class__.__name__}); check the network and try again"]
            )
        if isinstance(exc, discord.LoginFailure):
            return _fail(["Discord refused the bot token; check discord.token (GROUNDWORK_DISCORD__TOKEN)"])
        if isinstance(exc, discord.PrivilegedIntentsRequired):
            return _fail(
                ["enable the Server Members intent for the bot in the Discord developer portal (Bot tab)"]
            )
    raise group


def _where(exc: BaseException) -> str:
    """Which platform a connection failure came from, by the module that raised it."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith(("nio", "matrix_adapter")):
            return "the Matrix homeserver"
        tb = tb.tb_next
    return "Discord"


if __name__ == "__main__":
    raise SystemExit(main())

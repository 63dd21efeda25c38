"""Every cog module loads, and no two slash commands share a name."""

from __future__ import annotations

import importlib

from discord import app_commands
from discord.ext import commands

from bot.extensions import discover_extensions


def test_discovery_finds_the_cogs_and_skips_private_modules() -> None:
    extensions = list(discover_extensions())
    assert "cogs.meta" in extensions
    assert "cogs.errors" in extensions
    assert not any(part.startswith("_") for name in extensions for part in name.split("."))


def test_slash_command_names_are_unique() -> None:
    seen: dict[str, str] = {}
    for extension in discover_extensions():
        module = importlib.import_module(extension)
        for value in vars(module).values():
            defined_here = isinstance(value, type) and value.__module__.startswith(extension)
            if defined_here and issubclass(value, commands.Cog) and value is not commands.Cog:
                for command in value.__cog_app_commands__:
                    names = [command.name]
                    if isinstance(command, app_commands.Group):
                        names += [f"{command.name} {sub.name}" for sub in command.walk_commands()]
                    for name in names:
                        assert name not in seen, f"/{name} is defined in {extension} and {seen[name]}"
                        seen[name] = extension
    assert "about" in seen

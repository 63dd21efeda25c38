"""`!gw ...` messages: which command a message is, and the help that lists them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.texts import matrix as texts


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # "help", "privacy show"; "" for a bare `!gw`
    args: str  # what follows the command's name


def parse(body: str, names: Iterable[str]) -> Command | None:
    """The command in a message (the longest of `names` it starts with, else its first word),
    or None when the message is not for groundwork."""
    words = body.strip().split(maxsplit=1)
    if not words or words[0].lower() != texts.PREFIX:
        return None
    rest = words[1].strip() if len(words) > 1 else ""
    lowered = rest.lower()
    for name in sorted(names, key=len, reverse=True):
        if lowered == name or lowered.startswith(name + " "):
            return Command(name=name, args=rest[len(name) :].strip())
    return Command(name=rest.split(maxsplit=1)[0].lower() if rest else "", args="")


def help_text(commands: Iterable[tuple[str, str]]) -> str:
    lines = [texts.HELP_INTRO]
    lines.extend(
        texts.HELP_LINE.format(command=f"{texts.PREFIX} {name}", description=description)
        for name, description in commands
    )
    return "\n".join(lines)


def unknown_text(command: Command) -> str:
    return texts.UNKNOWN_COMMAND.format(
        command=f"{texts.PREFIX} {command.name}".strip(), help=f"{texts.PREFIX} help"
    )

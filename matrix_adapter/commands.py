"""`!gw ...` messages: which command a message is, and the help that lists them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.texts import matrix as texts


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # "help", "privacy show"
    args: str  # what follows the command's name


def parse(body: str) -> Command | None:
    """The command in a message, or None when the message is not for groundwork."""
    words = body.strip().split(maxsplit=1)
    if not words or words[0].lower() != texts.PREFIX:
        return None
    rest = words[1].strip() if len(words) > 1 else ""
    lowered = rest.lower()
    for name, _ in sorted(texts.COMMANDS, key=lambda pair: -len(pair[0])):
        if lowered == name or lowered.startswith(name + " "):
            return Command(name=name, args=rest[len(name) :].strip())
    return Command(name=rest.split(maxsplit=1)[0].lower() if rest else "", args="")


def known(command: Command) -> bool:
    return any(command.name == name for name, _ in texts.COMMANDS)


def help_text() -> str:
    lines = [texts.HELP_INTRO]
    lines.extend(
        texts.HELP_LINE.format(command=f"{texts.PREFIX} {name}", description=description)
        for name, description in texts.COMMANDS
    )
    return "\n".join(lines)


def unknown_text(command: Command) -> str:
    return texts.UNKNOWN_COMMAND.format(
        command=f"{texts.PREFIX} {command.name}".strip(), help=f"{texts.PREFIX} help"
    )

"""Which part of the adapter answers what: each feature registers its `!gw` commands, the plain
replies it waits for in a direct room (an onboarding answer, a check-in's numbers) and what it
does when someone joins or leaves the community (matrix_adapter/features.py installs them all).

A message is offered to the command it names, else, in a direct room, to each reply handler in
the order they registered until one takes it; anything else gets no answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.texts import matrix as texts
from matrix_adapter import commands

Send = Callable[[str, str], Awaitable[bool]]  # room id, text (see MatrixBot.send_notice)


@dataclass(frozen=True, slots=True)
class Message:
    """A text message someone sent in a room the bot is in."""

    room_id: str
    sender: str  # @name:server
    body: str
    private: bool  # only the sender and the bot are in the room (a direct room)


CommandHandler = Callable[[Message, str], Awaitable[None]]  # the message, what follows the name
ReplyHandler = Callable[[Message], Awaitable[bool]]  # True: the message was its answer
MemberHandler = Callable[[str, str], Awaitable[None]]  # the community's room or space, the user


@dataclass(frozen=True, slots=True)
class Registered:
    name: str  # "privacy show"
    description: str  # one line of `!gw help`
    handler: CommandHandler
    private: bool  # about the sender alone: answered only in a direct room


class Router:
    def __init__(self) -> None:
        self._commands: dict[str, Registered] = {}
        self._replies: list[ReplyHandler] = []
        self.joined: list[MemberHandler] = []
        self.left: list[MemberHandler] = []

    def command(self, name: str, description: str, handler: CommandHandler, *, private: bool = False) -> None:
        if name in self._commands:
            raise ValueError(f"the command {name!r} is registered twice")
        self._commands[name] = Registered(name, description, handler, private)

    def reply(self, handler: ReplyHandler) -> None:
        self._replies.append(handler)

    def on_join(self, handler: MemberHandler) -> None:
        self.joined.append(handler)

    def on_leave(self, handler: MemberHandler) -> None:
        self.left.append(handler)

    @property
    def registered(self) -> tuple[Registered, ...]:
        return tuple(self._commands.values())

    def help_text(self) -> str:
        return commands.help_text([(entry.name, entry.description) for entry in self.registered])

    async def dispatch(self, message: Message, send: Send) -> None:
        command = commands.parse(message.body, self._commands)
        if command is None:
            if message.private:
                for handler in self._replies:
                    if await handler(message):
                        return
            return
        entry = self._commands.get(command.name)
        if command.name == "" or entry is None:
            if command.name == "" and "help" in self._commands:
                await self._commands["help"].handler(message, "")
            else:
                await send(message.room_id, commands.unknown_text(command))
        elif entry.private and not message.private:
            await send(message.room_id, texts.PRIVATE_ONLY)
        else:
            await entry.handler(message, command.args)

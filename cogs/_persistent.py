"""One declaration per persistent interaction: a button or select that keeps working after a restart.

A declaration names, in one place, the custom_id's prefix, the kind of id it carries (a row id
or a Discord id), the answers it can give (an enum), and the cog method that handles a click
(a real method reference, so "go to definition" follows it):

    OFFER = Persistent("gw:nb:o", owner=Neighbours, answers=OfferAnswer, handler=Neighbours.on_offer)

The custom_id, `<prefix>:<id>[:<answer>][:<arg>]`, and the template discord.py matches it
against are derived from that: an enum with one member writes no answer, `arg` is an optional
extra part with its own pattern. What comes back from Discord is checked before the handler
sees it: an id out of range for its column, or an answer this version does not know (a
tampered custom_id, a button of an older message), is refused with a short reply, never a
crash and never silence. The handler gets a `Clicked`: the id, the typed answer, the extra
part and what was chosen in a select.
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

import discord
from discord.ext import commands

from bot.errors import GroundworkError
from bot.texts import errors as texts
from cogs._interactions import GroundworkView, OutOfRangeId, report_error, row_id

OwnerT = TypeVar("OwnerT")
AnswerT = TypeVar("AnswerT", bound=enum.StrEnum)

ANSWER_PATTERN = r"[a-z0-9_]+"
Choice = tuple[AnswerT, str, discord.ButtonStyle]  # answer, label, style


@dataclass(frozen=True, slots=True)
class Clicked(Generic[AnswerT]):
    """What a member's click said, checked: the row or Discord id, the answer, and the rest."""

    id: int
    answer: AnswerT
    arg: str | None = None
    values: tuple[str, ...] = ()  # chosen in a select
    users: tuple[discord.User | discord.Member, ...] = ()  # chosen in a user select


Handler = Callable[[OwnerT, discord.Interaction[Any], Clicked[AnswerT]], Awaitable[None]]


class PersistentItem(discord.ui.DynamicItem[discord.ui.Item[Any]], template=r"(?!)"):
    """The item discord.py rebuilds from a custom_id; each declaration makes a subclass of it."""

    declaration: ClassVar[Persistent[Any, Any]]

    def __init__(
        self, item: discord.ui.Item[Any], *, id: int, answer: str, arg: str | None, row: int | None = None
    ) -> None:
        super().__init__(item, row=row)
        self.clicked_id, self.answer, self.arg = id, answer, arg

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        declaration = cls.declaration
        answer = match["answer"] if declaration.writes_answer else declaration.only_answer
        return cls(item, id=declaration.ids(match["id"]), answer=answer, arg=match["arg"] or None)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await self.declaration.dispatch(interaction, self)
        except Exception as error:
            await report_error(interaction, error)


class Persistent(Generic[OwnerT, AnswerT]):
    """A persistent button or select: its custom_id, its answers and the method that handles it."""

    def __init__(
        self,
        prefix: str,
        *,
        owner: type[OwnerT],
        answers: type[AnswerT],
        handler: Handler[OwnerT, AnswerT],
        ids: Callable[[str], int] = row_id,
        arg: str | None = None,
        stale: str = texts.STALE_BUTTON,
    ) -> None:
        self.prefix, self.owner, self.answers, self.handler = prefix, owner, answers, handler
        self.ids, self.arg_pattern, self.stale = ids, arg, stale
        members = list(answers)
        self.writes_answer = len(members) > 1
        self.only_answer = members[0].value
        self.template = self._template()
        self.item = cast(
            type[PersistentItem],
            types.new_class(
                f"{owner.__name__}{prefix.replace(':', '_')}",
                (PersistentItem,),
                {"template": self.template},
                lambda namespace: namespace.update(declaration=self),
            ),
        )

    def _template(self) -> str:
        template = re.escape(self.prefix) + r":(?P<id>[0-9]+)"
        if self.writes_answer:
            template += rf":(?P<answer>{ANSWER_PATTERN})"
        else:
            template += r"(?P<answer>)"
        template += rf"(?::(?P<arg>{self.arg_pattern}))?" if self.arg_pattern else r"(?P<arg>)"
        return template + r"\Z"

    def custom_id(self, id: int, answer: AnswerT | None = None, arg: str | None = None) -> str:
        custom_id = f"{self.prefix}:{id}"
        if self.writes_answer:
            if answer is None:
                raise ValueError(f"{self.prefix} needs an answer")
            custom_id += f":{answer.value}"
        return f"{custom_id}:{arg}" if arg is not None else custom_id

    def button(
        self,
        id: int,
        answer: AnswerT | None = None,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        arg: str | None = None,
        emoji: str | None = None,
        row: int | None = None,
        disabled: bool = False,
    ) -> PersistentItem:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label,
            style=style,
            emoji=emoji,
            disabled=disabled,
            custom_id=self.custom_id(id, answer, arg),
        )
        return self.item(button, id=id, answer=self._value(answer), arg=arg, row=row)

    def select(
        self,
        id: int,
        answer: AnswerT | None = None,
        *,
        options: list[discord.SelectOption],
        placeholder: str | None = None,
        arg: str | None = None,
        min_values: int = 1,
        max_values: int = 1,
        row: int | None = None,
    ) -> PersistentItem:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=self.custom_id(id, answer, arg),
            options=options,
            placeholder=placeholder,
            min_values=min_values,
            max_values=max_values,
        )
        return self.item(select, id=id, answer=self._value(answer), arg=arg, row=row)

    def user_select(
        self, id: int, answer: AnswerT | None = None, *, placeholder: str | None = None
    ) -> PersistentItem:
        select: discord.ui.UserSelect[Any] = discord.ui.UserSelect(
            custom_id=self.custom_id(id, answer), placeholder=placeholder
        )
        return self.item(select, id=id, answer=self._value(answer), arg=None)

    def view(self, id: int, choices: Sequence[Choice[AnswerT]]) -> discord.ui.View:
        """A persistent view of this declaration's buttons, one per choice, for one id."""
        view = GroundworkView(timeout=None)
        for answer, label, style in choices:
            view.add_item(self.button(id, answer, label=label, style=style))
        return view

    def _value(self, answer: AnswerT | None) -> str:
        return answer.value if answer is not None else self.only_answer

    def clicked(self, item: PersistentItem) -> Clicked[AnswerT]:
        """What `item` says, checked; refused (a reply, no handler) when it cannot be right."""
        if isinstance(item.clicked_id, OutOfRangeId):
            raise GroundworkError(texts.STALE_BUTTON)
        try:
            answer = self.answers(item.answer)
        except ValueError:
            raise GroundworkError(self.stale) from None
        component = item.item
        values: tuple[str, ...] = ()
        users: tuple[discord.User | discord.Member, ...] = ()
        if isinstance(component, discord.ui.UserSelect):
            users = tuple(
                user for user in component.values if isinstance(user, discord.User | discord.Member)
            )
        elif isinstance(component, discord.ui.Select):
            values = tuple(component.values)
        return Clicked(item.clicked_id, answer, item.arg, values, users)

    async def dispatch(self, interaction: discord.Interaction[Any], item: PersistentItem) -> None:
        """Hand a click to the loaded cog that owns this declaration."""
        clicked = self.clicked(item)
        client = interaction.client
        cogs = client.cogs.values() if isinstance(client, commands.Bot) else ()
        owner = next((cog for cog in cogs if self._owns(cog)), None)
        if owner is None:  # the feature is switched off (its cog unloaded)
            raise GroundworkError(texts.STALE_BUTTON)
        handler: Callable[[discord.Interaction[Any], Clicked[AnswerT]], Awaitable[None]]
        handler = getattr(owner, self.handler.__name__)
        await handler(interaction, clicked)

    def _owns(self, cog: object) -> bool:
        """Whether `cog` is the declared owner. Reloading an extension (discord.py's
        reload_extension) imports its module again, so the loaded cog may be of a newer class of
        the same name than the one this declaration was made with: the method is taken from it."""
        kind = type(cog)
        return isinstance(cog, self.owner) or (
            kind.__module__ == self.owner.__module__ and kind.__qualname__ == self.owner.__qualname__
        )

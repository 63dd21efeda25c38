"""Forms: modals answered from their submission alone, as persistent buttons are from their click.

discord.py hands a modal's submission to the Modal object the bot sent, which it stores only once
Discord has accepted the modal (after the response request returns) and forgets on a restart. A
member who submitted quickly (the submission came in before the response had returned), or whose
form was open while the bot restarted, met silence: discord.py discards a submission it has no
object for, and Discord shows "This interaction failed".

A form's custom_id, `<prefix>:<id>[:<arg>]`, says all its answer needs. The cog that owns a
`FormRoute` answers it from its `on_interaction` listener (`route.answer`), reading the fields
from the submission by their custom_ids; the `Form` discord.py stores does nothing. Ids are
range-checked like a button's: a tampered one is refused with a short reply.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import discord

from bot.errors import GroundworkError
from bot.texts import errors as texts
from cogs._interactions import OutOfRangeId, report_error, row_id

FORM_TIMEOUT = 900.0  # discord.py forgets the stored (idle) Form after this; the route still answers


@dataclass(frozen=True, slots=True)
class Submitted:
    """What a form said: the id and extra part of its custom_id, and each field's value(s)."""

    id: int
    arg: str  # "" when the custom_id has none
    values: Mapping[str, tuple[str, ...]]  # field custom_id -> typed text (one) or chosen options

    def text(self, field: str) -> str:
        return next(iter(self.values.get(field, ())), "")

    def chosen(self, field: str) -> str | None:
        return next(iter(self.values.get(field, ())), None)


FormHandler = Callable[[discord.Interaction[Any], Submitted], Awaitable[None]]


def _fields(components: Any, into: dict[str, tuple[str, ...]]) -> None:
    """Every field of a MODAL_SUBMIT's components: in action rows (type 1) or labels (type 18)."""
    for component in components if isinstance(components, list) else ():
        if not isinstance(component, dict):
            continue
        _fields(component.get("components"), into)
        inner = component.get("component")
        if isinstance(inner, dict):
            _fields([inner], into)
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if isinstance(component.get("value"), str):
                into[custom_id] = (component["value"],)
            elif isinstance(component.get("values"), list):
                into[custom_id] = tuple(str(value) for value in component["values"])


class FormRoute:
    """One kind of form: its custom_id's prefix, the kind of id it carries, and its extra part."""

    def __init__(self, prefix: str, *, ids: Callable[[str], int] = row_id, arg: str = r"[a-z0-9_]+") -> None:
        self.prefix, self.ids = prefix, ids
        self.pattern = re.compile(re.escape(prefix) + rf":(?P<id>[0-9]+)(?::(?P<arg>{arg}))?\Z")

    def custom_id(self, id: int, arg: str | None = None) -> str:
        custom_id = f"{self.prefix}:{id}"
        if arg is not None:
            if not self.pattern.match(f"{custom_id}:{arg}"):
                raise ValueError(f"{arg!r} is not an extra part of {self.prefix}")
            custom_id += f":{arg}"
        return custom_id

    def submitted(self, interaction: discord.Interaction[Any]) -> Submitted | None:
        """The submission of one of this route's forms, else None (another's, or not a form)."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return None
        data: Mapping[str, Any] = interaction.data or {}
        found = self.pattern.match(str(data.get("custom_id", "")))
        if found is None:
            return None
        values: dict[str, tuple[str, ...]] = {}
        _fields(data.get("components"), values)
        return Submitted(self.ids(found["id"]), found["arg"] or "", values)

    async def answer(self, interaction: discord.Interaction[Any], handler: FormHandler) -> None:
        """From the owner's `on_interaction`: hand a submission of this route to `handler`; its
        errors reach the member as a short apology, never as silence."""
        submitted = self.submitted(interaction)
        if submitted is None:
            return
        try:
            if isinstance(submitted.id, OutOfRangeId):
                raise GroundworkError(texts.STALE_BUTTON)
            await handler(interaction, submitted)
        except Exception as error:
            await report_error(interaction, error)


class Form(discord.ui.Modal):
    """The modal sent for a route: its fields are added by the caller, each with a custom_id the
    handler reads. discord.py's stored copy does nothing on submit (the route answers)."""

    def __init__(self, route: FormRoute, id: int, arg: str | None = None, *, title: str) -> None:
        super().__init__(title=title, custom_id=route.custom_id(id, arg), timeout=FORM_TIMEOUT)

"""The optional note: "what did you do in your locale since last time?", a form (cogs/_forms.py)
whose custom_id, `gw:cim:<check-in id>:note_<page>`, says which check-in and which page of it
the member was on; submitting it updates the check-in message in place."""

from __future__ import annotations

import discord

from bot.services.checkins import NOTE_MAX_LENGTH
from bot.texts import checkins as texts
from cogs._forms import Form, FormRoute, Submitted

NOTE_FORMS = FormRoute("gw:cim", arg=r"note(?:_[0-9]{1,2})?")
NOTE_FIELD = "note"


def note_form(checkin_id: int, page: int, note: str | None) -> Form:
    """One paragraph, optional, filled in with the note kept so far."""
    form = Form(NOTE_FORMS, checkin_id, f"note_{page}", title=texts.NOTE_MODAL_TITLE)
    field: discord.ui.TextInput[Form] = discord.ui.TextInput(
        custom_id=NOTE_FIELD,
        style=discord.TextStyle.paragraph,
        placeholder=texts.NOTE_MODAL_PLACEHOLDER,
        default=note,
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )
    form.add_item(
        discord.ui.Label(
            text=texts.NOTE_MODAL_LABEL, description=texts.NOTE_MODAL_DESCRIPTION, component=field
        )
    )
    return form


def page_of(submitted: Submitted) -> int:
    """The page of the check-in the form was opened from (the first for a form of an older
    version, which did not say)."""
    _, _, page = submitted.arg.partition("_")
    return int(page) if page else 0

"""The conversation's forms: where the member lives, what they did before, the readiness
ratings, and who may see their place. Each is a `Form` of one route (cogs/_forms.py): its
custom_id, `gw:obm:<session>:<step>[:<extra>]`, and its fields say the whole answer, so the
answer reaches the cog's `answer_step` even when discord.py no longer holds the modal."""

from __future__ import annotations

import discord

from bot.services.onboarding import READINESS_PAGES, Action, StaleAnswerError, Step
from bot.texts import onboarding as texts
from cogs._forms import Form, FormRoute, Submitted

PLACE_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 1000

FORMS = FormRoute("gw:obm", arg=r"[a-z0-9_]+(?::[a-z0-9_]+)?")  # <step>[:area | :<experience level>]
AREA = "area"
PLACE_FIELD, NOTE_FIELD, SHARING_FIELD, CONTACT_FIELD = "place", "note", "sharing", "contact"


def place_form(session_id: int, *, area_only: bool) -> Form:
    """ "Where do you live?" or, for a small town, "which region or country?"."""
    form = Form(
        FORMS,
        session_id,
        f"{Step.PLACE}:{AREA}" if area_only else Step.PLACE.value,
        title=texts.AREA_MODAL_TITLE if area_only else texts.PLACE_MODAL_TITLE,
    )
    form.add_item(
        discord.ui.TextInput(
            custom_id=PLACE_FIELD,
            label=texts.AREA_MODAL_LABEL if area_only else texts.PLACE_MODAL_LABEL,
            placeholder=texts.AREA_MODAL_PLACEHOLDER if area_only else texts.PLACE_MODAL_PLACEHOLDER,
            max_length=PLACE_MAX_LENGTH,
        )
    )
    return form


def experience_form(session_id: int, level: str) -> Form:
    """What the member did before, in their own words (optional)."""
    form = Form(FORMS, session_id, f"{Step.EXPERIENCE}:{level}", title=texts.EXPERIENCE_MODAL_TITLE)
    form.add_item(
        discord.ui.TextInput(
            custom_id=NOTE_FIELD,
            label=texts.EXPERIENCE_MODAL_LABEL,
            placeholder=texts.EXPERIENCE_MODAL_PLACEHOLDER,
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=NOTE_MAX_LENGTH,
        )
    )
    return form


def _select(
    field: str, options: dict[str, str], chosen: str | None, placeholder: str
) -> discord.ui.Select[Form]:
    return discord.ui.Select(
        custom_id=field,
        placeholder=placeholder,
        options=[
            discord.SelectOption(label=label, value=value, default=value == chosen)
            for value, label in options.items()
        ],
    )


def readiness_form(session_id: int, step: Step, scores: dict[str, int]) -> Form:
    """One page of the readiness self-assessment: three 1-5 ratings."""
    page = 1 if step == Step.READINESS_1 else 2
    form = Form(FORMS, session_id, step.value, title=texts.READINESS_MODAL_TITLE.format(page=page))
    options = {str(value): label for value, label in texts.SCORE_LABELS.items()}
    for dimension in READINESS_PAGES[step]:
        current = scores.get(dimension)
        select = _select(dimension.value, options, str(current) if current else None, texts.SCORE_PLACEHOLDER)
        form.add_item(discord.ui.Label(text=texts.DIMENSION_LABELS[dimension], component=select))
    return form


def consent_form(session_id: int, sharing: str | None, contact: bool | None) -> Form:
    """Who may see where the member lives, and whether an organizer may contact them."""
    form = Form(FORMS, session_id, Step.CONSENT.value, title=texts.CONSENT_MODAL_TITLE)
    shared = {choice.value: label for choice, label in texts.SHARING_LABELS.items()}
    contact_value = None if contact is None else ("yes" if contact else "no")
    contacts = {"yes": texts.CONTACT_YES, "no": texts.CONTACT_NO}
    form.add_item(
        discord.ui.Label(
            text=texts.SHARING_QUESTION,
            component=_select(SHARING_FIELD, shared, sharing, texts.SHARING_PLACEHOLDER),
        )
    )
    form.add_item(
        discord.ui.Label(
            text=texts.CONTACT_QUESTION,
            component=_select(CONTACT_FIELD, contacts, contact_value, texts.CONTACT_PLACEHOLDER),
        )
    )
    return form


def answer_of(submitted: Submitted) -> tuple[Step, Action, list[str]]:
    """The step a submitted form answers, its action and its values, as `answer_step` takes them."""
    name, _, extra = submitted.arg.partition(":")
    try:
        step = Step(name)
    except ValueError:
        raise StaleAnswerError(texts.STALE_STEP) from None
    if step == Step.PLACE:
        return step, Action.AREA_TEXT if extra == AREA else Action.TEXT, [submitted.text(PLACE_FIELD)]
    if step == Step.EXPERIENCE:
        return step, Action.PICK, [extra, submitted.text(NOTE_FIELD)]
    if step in READINESS_PAGES:
        scores = [
            part
            for dimension in READINESS_PAGES[step]
            for part in (dimension.value, *submitted.values.get(dimension.value, ())[:1])
        ]
        return step, Action.SCORES, scores
    if step == Step.CONSENT:
        chosen = (submitted.chosen(SHARING_FIELD), submitted.chosen(CONTACT_FIELD))
        return step, Action.CHOOSE, [value for value in chosen if value is not None]
    raise StaleAnswerError(texts.STALE_STEP)

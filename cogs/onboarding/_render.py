"""Each step of the conversation as a Discord message: text plus buttons or selects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from bot.services import languages
from bot.services.gazetteer import Gazetteer
from bot.services.onboarding import (
    MAX_LANGUAGES,
    MAX_MENTEES_OFFERED,
    ORDER,
    READINESS_PAGES,
    Action,
    Answers,
    Conversation,
    Notice,
    Step,
    offers_mentoring,
    place_confirm_lines,
)
from bot.services.time_zones import local_time, zone_name
from bot.texts import onboarding as texts
from cogs._interactions import GroundworkView
from cogs._persistent import Persistent
from cogs._text import member_text
from db.enums import Experience, LocaleSharing, OrganizingPath, ReadinessDimension

# The questions every member sees, numbered; the others count as the one they belong to.
NUMBERED_STEPS = tuple(step for step in ORDER if step != Step.MENTORING)
STEP_NUMBER = {
    Step.PLACE_PICK: Step.PLACE,
    Step.TIMEZONE: Step.PLACE_CONFIRM,
    Step.MENTORING: Step.EXPERIENCE,
}
MAX_SELECT_OPTIONS = 25


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send or to edit into place."""

    content: str
    view: discord.ui.View
    embed: discord.Embed | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"content": self.content, "view": self.view, "embed": self.embed}


@dataclass(frozen=True, slots=True)
class StepControls:
    """The conversation's persistent buttons and selects, declared with their handler in the cog.

    A custom_id is `<prefix>:<session>:<step>:<action>[:<argument>]`: the step it answers is the
    declaration's answer, the action (and its argument) the extra part, so a stale one is
    recognised after a restart."""

    buttons: Persistent[Any, Step]
    selects: Persistent[Any, Step]

    def button(
        self,
        session_id: int,
        step: Step,
        action: Action,
        arg: str | None = None,
        *,
        label: str,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
        emoji: str | None = None,
        row: int | None = None,
    ) -> discord.ui.Item[Any]:
        tail = step_tail(action, arg)
        return self.buttons.button(session_id, step, arg=tail, label=label, style=style, emoji=emoji, row=row)

    def select(
        self,
        session_id: int,
        step: Step,
        action: Action,
        arg: str | None = None,
        *,
        options: list[discord.SelectOption],
        placeholder: str | None = None,
        min_values: int = 1,
        max_values: int = 1,
        row: int | None = None,
    ) -> discord.ui.Item[Any]:
        return self.selects.select(
            session_id,
            step,
            arg=step_tail(action, arg),
            options=options,
            placeholder=placeholder,
            min_values=min_values,
            max_values=max_values,
            row=row,
        )


STEP_TAIL = r"[a-z_]+(?::[A-Za-z0-9_./+-]+)?"  # an action, and its argument


def step_tail(action: Action, arg: str | None) -> str:
    return f"{action.value}:{arg}" if arg else action.value


def _header(step: Step, answers: Answers) -> str:
    """Where the member is: "Getting to know you · 2/9", or, from /profile, "Changing your profile"."""
    if answers.get("changing_profile"):
        return f"-# {texts.PROFILE_EDIT_TITLE}"
    number = NUMBERED_STEPS.index(STEP_NUMBER.get(step, step)) + 1
    return f"-# {texts.STEP_TITLE.format(number=number, total=len(NUMBERED_STEPS))}"


# Notices after which the place step leads with the county/region button: the town was not found.
_LEAD_WITH_AREA = frozenset(
    {
        Notice.PLACE_NOT_FOUND,
        Notice.PLACE_NOT_FOUND_IN_AREA,
        Notice.AREA_NOT_FOUND,
        Notice.POSTAL_UNKNOWN,
        Notice.PLACE_NONE_OF_THESE,
    }
)
_PLAIN_NOTICES = {
    Notice.POSTAL_UNKNOWN: texts.POSTAL_UNKNOWN,
    Notice.PLACE_NONE_OF_THESE: texts.PLACE_NONE_OF_THESE,
    Notice.READINESS_INCOMPLETE: texts.READINESS_INCOMPLETE,
}
_PICK_PROMPTS = {
    "near_names": texts.PLACE_PICK_NEAR_PROMPT,
    "postal": texts.PLACE_PICK_POSTAL_PROMPT,
    "postal_countries": texts.PLACE_PICK_POSTAL_COUNTRIES_PROMPT,
}


def _notice(conversation: Conversation) -> str | None:
    notice = conversation.notice
    if notice is None:
        return None
    echo = member_text(conversation.echo, limit=100) if conversation.echo else None
    if (invalid := notice.invalid_reason) is not None:
        return texts.PLACE_INVALID[invalid]
    if notice == Notice.PLACE_NOT_FOUND_IN_AREA and conversation.understood is not None:
        area = member_text(conversation.understood.area_name, limit=100)
        if echo:
            return texts.PLACE_NOT_FOUND_IN_AREA.format(area=area, echo=echo)
        return texts.PLACE_NOT_FOUND_IN_AREA_PLAIN.format(area=area)
    if notice in (Notice.PLACE_NOT_FOUND, Notice.PLACE_NOT_FOUND_IN_AREA):
        return texts.PLACE_NOT_FOUND.format(echo=echo) if echo else texts.PLACE_NOT_FOUND_PLAIN
    if notice == Notice.AREA_NOT_FOUND:
        return texts.AREA_NOT_FOUND.format(echo=echo) if echo else texts.AREA_NOT_FOUND_PLAIN
    return _PLAIN_NOTICES.get(notice)


def _place_buttons(view: discord.ui.View, conversation: Conversation, controls: StepControls) -> None:
    """Type my town / pick my county or region; after a miss the area comes first, and the
    area the answer named ("Texas") is offered as it is."""
    sid, step = conversation.session_id, conversation.step
    if conversation.notice in _LEAD_WITH_AREA:
        view.add_item(controls.button(sid, step, Action.ASK_AREA, label=texts.AREA_BUTTON))
        view.add_item(
            controls.button(
                sid,
                step,
                Action.ASK_PLACE,
                label=texts.PLACE_AGAIN_BUTTON,
                style=discord.ButtonStyle.secondary,
            )
        )
    else:
        view.add_item(
            controls.button(sid, step, Action.ASK_PLACE, label=texts.PLACE_BUTTON, emoji="\N{ROUND PUSHPIN}")
        )
        view.add_item(
            controls.button(
                sid, step, Action.ASK_AREA, label=texts.AREA_BUTTON, style=discord.ButtonStyle.secondary
            )
        )
    understood = conversation.understood
    if understood is not None and conversation.answers.get("place_understood") == understood.key:
        label = texts.USE_AREA_BUTTON.format(area=understood.area_name)[:80]
        view.add_item(
            controls.button(
                sid, step, Action.USE_UNDERSTOOD, label=label, style=discord.ButtonStyle.secondary
            )
        )


def render_step(
    controls: StepControls, conversation: Conversation, gazetteer: Gazetteer, now: datetime
) -> Rendered:
    """The message for the member's current step, with the time zones of their country at hand."""
    timezones: list[str] = []
    if conversation.step == Step.TIMEZONE and conversation.place is not None:
        timezones = gazetteer.timezones_for_country(conversation.place.country_code)
    return render(controls, conversation, timezones=timezones, now=now)


def render(
    controls: StepControls, conversation: Conversation, *, now: datetime, timezones: list[str] | None = None
) -> Rendered:
    """The message for the member's current step."""
    view = GroundworkView(timeout=None)
    sid = conversation.session_id
    step = conversation.step
    answers = conversation.answers
    lines = [_header(step, answers)]
    if notice := _notice(conversation):
        lines.append(f"\N{WARNING SIGN} {notice}")
    embed = None

    if step == Step.PLACE:
        lines.append(texts.PLACE_PROMPT)
        _place_buttons(view, conversation, controls)
    elif step == Step.PLACE_PICK:
        lines.append(_PICK_PROMPTS.get(answers.get("place_pick_reason") or "", texts.PLACE_PICK_PROMPT))
        options = [
            discord.SelectOption(label=place.label, value=place.key, description=place.description)
            for place in conversation.candidates[: MAX_SELECT_OPTIONS - 1]
        ]
        options.append(
            discord.SelectOption(
                label=texts.PLACE_PICK_NONE, value="none", emoji="\N{LEFTWARDS ARROW WITH HOOK}"
            )
        )
        view.add_item(
            controls.select(sid, step, Action.PICK, options=options, placeholder=texts.PLACE_PICK_PLACEHOLDER)
        )
    elif step == Step.PLACE_CONFIRM:
        lines += place_confirm_lines(conversation, now=now, shown=str)
        view.add_item(
            controls.button(sid, step, Action.YES, label=texts.CONFIRM_YES, style=discord.ButtonStyle.success)
        )
        view.add_item(
            controls.button(
                sid,
                step,
                Action.CHANGE_TZ,
                label=texts.CONFIRM_CHANGE_TZ,
                style=discord.ButtonStyle.secondary,
            )
        )
        view.add_item(
            controls.button(
                sid,
                step,
                Action.WRONG_PLACE,
                label=texts.CONFIRM_WRONG_PLACE,
                style=discord.ButtonStyle.secondary,
            )
        )
    elif step == Step.TIMEZONE:
        lines.append(texts.TIMEZONE_PROMPT)
        zones = list(dict.fromkeys([answers.get("timezone", "UTC"), *(timezones or []), "UTC"]))
        options = [
            discord.SelectOption(
                label=zone_name(zone)[:100],
                value=zone,
                description=texts.TIMEZONE_LOCAL_TIME.format(time=local_time(zone, now)),
            )
            for zone in zones[:MAX_SELECT_OPTIONS]
        ]
        view.add_item(
            controls.select(sid, step, Action.PICK, options=options, placeholder=texts.TIMEZONE_PLACEHOLDER)
        )
    elif step == Step.LANGUAGES:
        lines.append(texts.LANGUAGES_PROMPT)
        chosen = set(answers.get("languages") or answers.get("suggested_languages") or [])
        options = [
            discord.SelectOption(label=native, value=code, description=english, default=code in chosen)
            for code, (native, english) in languages.LANGUAGES.items()
        ]
        view.add_item(
            controls.select(
                sid,
                step,
                Action.PICK,
                options=options,
                placeholder=texts.LANGUAGES_PLACEHOLDER,
                max_values=MAX_LANGUAGES,
            )
        )
    elif step == Step.EXPERIENCE:
        lines.append(texts.EXPERIENCE_PROMPT)
        for level in Experience:
            action = Action.PICK if level == Experience.NEW else Action.ASK_NOTE
            view.add_item(
                controls.button(sid, step, action, level.value, label=texts.EXPERIENCE_LABELS[level])
            )
    elif step == Step.MENTORING:
        lines.append(texts.MENTORING_PROMPT)
        options = [discord.SelectOption(label=texts.MENTORING_NONE, value="0")] + [
            discord.SelectOption(label=texts.MENTORING_COUNT.format(count=count), value=str(count))
            for count in range(1, MAX_MENTEES_OFFERED + 1)
        ]
        view.add_item(
            controls.select(sid, step, Action.PICK, options=options, placeholder=texts.MENTORING_PLACEHOLDER)
        )
    elif step == Step.PATHS:
        lines.append(texts.PATHS_PROMPT)
        chosen = set(answers.get("paths", []))
        options = [
            discord.SelectOption(
                label=texts.PATH_LABELS[path],
                value=path.value,
                description=texts.PATH_DESCRIPTIONS[path],
                default=path.value in chosen,
            )
            for path in OrganizingPath
        ]
        view.add_item(
            controls.select(
                sid,
                step,
                Action.PICK,
                options=options,
                placeholder=texts.PATHS_PLACEHOLDER,
                max_values=len(options),
            )
        )
    elif step in READINESS_PAGES:
        page = 1 if step == Step.READINESS_1 else 2
        lines.append(texts.READINESS_PROMPT.format(page=page))
        lines.extend(f"· {texts.DIMENSION_LABELS[dimension]}" for dimension in READINESS_PAGES[step])
        view.add_item(controls.button(sid, step, Action.ASK_SCORES, label=texts.READINESS_BUTTON))
    elif step == Step.CONSENT:
        lines.append(texts.CONSENT_PROMPT)
        view.add_item(controls.button(sid, step, Action.ASK_CONSENT, label=texts.CONSENT_BUTTON))
    elif step == Step.SUMMARY:
        lines.append(texts.SUMMARY_PROMPT)
        embed = summary_embed(conversation)
        view.add_item(
            controls.select(
                sid,
                step,
                Action.CHANGE,
                options=[
                    discord.SelectOption(label=label, value=value)
                    for value, label in texts.SUMMARY_CHANGE_LABELS.items()
                ],
                placeholder=texts.SUMMARY_CHANGE_PLACEHOLDER,
                row=0,
            )
        )
        view.add_item(
            controls.button(
                sid,
                step,
                Action.CONFIRM,
                label=texts.SUMMARY_CONFIRM,
                style=discord.ButtonStyle.success,
                row=1,
            )
        )
    return Rendered(content="\n".join(lines), view=view, embed=embed)


def summary_embed(conversation: Conversation) -> discord.Embed:
    """Every answer of the conversation, as the member gave it."""
    return answers_embed(conversation.answers, conversation.place.label if conversation.place else None)


def answers_embed(answers: Answers, place_label: str | None, *, title: str | None = None) -> discord.Embed:
    """A member's answers (their own words escaped): the summary to confirm, or their /profile."""
    embed = discord.Embed(title=title, colour=discord.Colour.green())
    fields = texts.SUMMARY_FIELDS
    embed.add_field(name=fields["place"], value=place_label or texts.NOT_GIVEN, inline=False)
    zone = answers.get("timezone")
    embed.add_field(name=fields["timezone"], value=zone_name(zone) if zone else texts.NOT_GIVEN)
    spoken = [
        languages.LANGUAGES[code][0] for code in answers.get("languages", []) if code in languages.LANGUAGES
    ]
    embed.add_field(name=fields["languages"], value=", ".join(spoken) or texts.NOT_GIVEN)
    experience = answers.get("experience")
    experience_text = texts.EXPERIENCE_LABELS[Experience(experience)] if experience else texts.NOT_GIVEN
    if note := answers.get("experience_note"):
        experience_text += f"\n> {member_text(note, limit=900)}"
    embed.add_field(name=fields["experience"], value=experience_text, inline=False)
    if offers_mentoring(answers):
        capacity = int(answers.get("mentor_capacity") or 0)
        embed.add_field(
            name=fields["mentoring"],
            value=texts.MENTORING_COUNT.format(count=capacity) if capacity else texts.MENTORING_NONE,
        )
    embed.add_field(
        name=fields["paths"],
        value="\n".join(texts.PATH_LABELS[OrganizingPath(p)] for p in answers.get("paths", []))
        or texts.NOT_GIVEN,
        inline=False,
    )
    scores = answers.get("readiness", {})
    embed.add_field(
        name=fields["readiness"],
        value=" · ".join(
            f"{texts.SHORT_DIMENSION_LABELS[d]} {scores[d]}" for d in ReadinessDimension if d in scores
        )
        or texts.NOT_GIVEN,
        inline=False,
    )
    sharing = answers.get("locale_sharing")
    contact = answers.get("organizer_contact_ok")
    privacy = [texts.SHARING_LABELS[LocaleSharing(sharing)] if sharing else texts.NOT_GIVEN]
    if contact is not None:
        privacy.append(texts.CONTACT_YES if contact else texts.CONTACT_NO)
    embed.add_field(name=fields["privacy"], value="\n".join(privacy), inline=False)
    return embed

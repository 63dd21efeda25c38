"""The onboarding conversation's steps as Matrix messages: the member's current step as a text
with its numbered choices (matrix_adapter/conversation.py), why it is shown again, the summary
before confirming, and what they read once they confirmed. Pure: no client, no database. What a
member typed is shown back only as plain text with no `**` (render escapes the rest).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.services import languages, onboarding
from bot.services.onboarding import (
    MAX_LANGUAGES,
    READINESS_PAGES,
    Completion,
    Conversation,
    Notice,
    Step,
    offers_mentoring,
)
from bot.services.time_zones import zone_name
from bot.texts import matrix_onboarding as mtexts
from bot.texts import onboarding as texts
from db.enums import Experience, LocaleSharing, OrganizingPath, ReadinessDimension
from matrix_adapter.conversation import (
    NUMBERED_STEPS,
    STEP_NUMBER,
    Choice,
    Unclear,
    contact_choices,
    experience_choices,
    language_choices,
    mentoring_choices,
    path_choices,
    place_confirm_choices,
    place_pick_choices,
    plain_text,
    sharing_choices,
    summary_choices,
    timezone_choices,
    understood_choice,
)


def _choice_lines(choices: Sequence[Choice]) -> list[str]:
    return [mtexts.CHOICE.format(number=choice.number, label=choice.label) for choice in choices]


def _header(step: Step, changing: bool) -> str:
    if changing:
        return texts.PROFILE_EDIT_TITLE
    number = NUMBERED_STEPS.index(STEP_NUMBER.get(step, step)) + 1
    return texts.STEP_TITLE.format(number=number, total=len(NUMBERED_STEPS))


_PICK_PROMPTS = {
    "near_names": texts.PLACE_PICK_NEAR_PROMPT.replace("*None of these*", mtexts.PLACE_PICK_NONE),
    "postal": texts.PLACE_PICK_POSTAL_PROMPT,
    "postal_countries": texts.PLACE_PICK_POSTAL_COUNTRIES_PROMPT,
}


def notice_text(conversation: Conversation, understood_area: str | None = None) -> str | None:
    """Why the step is shown again, with what the member typed shown back as plain text."""
    notice = conversation.notice
    if notice is None:
        return None
    echo = plain_text(conversation.echo) if conversation.echo else None
    if (invalid := notice.invalid_reason) is not None:
        return texts.PLACE_INVALID[invalid]
    if notice == Notice.PLACE_NOT_FOUND_IN_AREA and understood_area is not None:
        area = plain_text(understood_area)
        if echo:
            return texts.PLACE_NOT_FOUND_IN_AREA.format(area=area, echo=echo)
        return texts.PLACE_NOT_FOUND_IN_AREA_PLAIN.format(area=area)
    if notice in (Notice.PLACE_NOT_FOUND, Notice.PLACE_NOT_FOUND_IN_AREA):
        return mtexts.PLACE_NOT_FOUND.format(echo=echo) if echo else mtexts.PLACE_NOT_FOUND_PLAIN
    if notice == Notice.AREA_NOT_FOUND:
        return texts.AREA_NOT_FOUND.format(echo=echo) if echo else texts.AREA_NOT_FOUND_PLAIN
    return {
        Notice.POSTAL_UNKNOWN: texts.POSTAL_UNKNOWN,
        Notice.PLACE_NONE_OF_THESE: texts.PLACE_NONE_OF_THESE,
        Notice.READINESS_INCOMPLETE: texts.READINESS_INCOMPLETE,
    }.get(notice)


def question(
    conversation: Conversation,
    *,
    now: datetime,
    timezones: Sequence[str] = (),
    understood_area: str | None = None,
    unclear: Unclear | None = None,
    problem: str | None = None,
) -> str:
    """The message for the member's current step: where they are, why it is shown again (if
    it is: a reply that chose nothing, `unclear`; one the service refused, `problem`), the
    question, its numbered choices and how to reply."""
    step, answers = conversation.step, conversation.answers
    lines = [_header(step, bool(answers.get("changing_profile")))]
    if problem is not None:
        lines.append(f"\N{WARNING SIGN} {problem}")
    elif unclear is not None:
        lines.append("\N{WARNING SIGN} " + mtexts.UNCLEAR.format(how=unclear.how))
    elif notice := notice_text(conversation, understood_area):
        lines.append(f"\N{WARNING SIGN} {notice}")
    how = mtexts.REPLY_NUMBER
    if step == Step.PLACE:
        lines.append(mtexts.PLACE_PROMPT)
        use = understood_choice(conversation, understood_area)
        lines += _choice_lines([use] if use else [])
        how = mtexts.REPLY_PLACE_OR_NUMBER if use else mtexts.REPLY_PLACE
    elif step == Step.PLACE_PICK:
        lines.append(_PICK_PROMPTS.get(answers.get("place_pick_reason") or "", texts.PLACE_PICK_PROMPT))
        lines += _choice_lines(place_pick_choices(conversation))
    elif step == Step.PLACE_CONFIRM:
        lines += onboarding.place_confirm_lines(conversation, now=now, shown=plain_text)
        lines += _choice_lines(place_confirm_choices())
    elif step == Step.TIMEZONE:
        lines.append(texts.TIMEZONE_PROMPT)
        lines += _choice_lines(timezone_choices(conversation, timezones, now))
    elif step == Step.LANGUAGES:
        lines.append(texts.LANGUAGES_PROMPT)
        chosen = set(answers.get("languages") or [])
        suggested = set(answers.get("suggested_languages") or [])
        lines += [
            mtexts.CHOICE.format(
                number=choice.number,
                label=(
                    mtexts.CHOSEN.format(label=choice.label)
                    if choice.value in chosen
                    else mtexts.SUGGESTED.format(label=choice.label)
                    if choice.value in suggested
                    else choice.label
                ),
            )
            for choice in language_choices()
        ]
        how = mtexts.REPLY_NUMBERS_UP_TO.format(limit=MAX_LANGUAGES)
    elif step == Step.EXPERIENCE:
        lines.append(texts.EXPERIENCE_PROMPT)
        lines += _choice_lines(experience_choices())
        how = mtexts.REPLY_EXPERIENCE
    elif step == Step.MENTORING:
        lines.append(texts.MENTORING_PROMPT)
        lines += _choice_lines(mentoring_choices())
    elif step == Step.PATHS:
        lines.append(texts.PATHS_PROMPT)
        lines += _choice_lines(path_choices())
        how = mtexts.REPLY_NUMBERS
    elif step in READINESS_PAGES:
        lines.append(texts.READINESS_PROMPT.format(page=1 if step == Step.READINESS_1 else 2))
        lines += [
            f"{number}. {texts.DIMENSION_LABELS[dimension]}"
            for number, dimension in enumerate(READINESS_PAGES[step], start=1)
        ]
        lines.append(mtexts.SCORE_SCALE)
        how = mtexts.REPLY_SCORES
    elif step == Step.CONSENT:
        lines.append(texts.CONSENT_PROMPT)
        lines += [f"**{mtexts.SHARING_TITLE}**", *_choice_lines(sharing_choices())]
        lines += [f"**{mtexts.CONTACT_TITLE}**", *_choice_lines(contact_choices())]
        how = mtexts.REPLY_CONSENT
    else:
        lines.append(texts.SUMMARY_PROMPT)
        lines += summary_lines(conversation)
        lines += _choice_lines(summary_choices())
        how = mtexts.REPLY_SUMMARY
    lines.append(how)
    return "\n".join(lines)


def summary_lines(conversation: Conversation) -> list[str]:
    """Every answer, as the member gave it (their own words as plain text)."""
    answers, fields = conversation.answers, texts.SUMMARY_FIELDS
    place = conversation.place
    zone = answers.get("timezone")
    spoken = [languages.LANGUAGES[c][0] for c in answers.get("languages", []) if c in languages.LANGUAGES]
    experience = answers.get("experience")
    experience_text = mtexts.EXPERIENCE_LABELS[Experience(experience)] if experience else texts.NOT_GIVEN
    if note := answers.get("experience_note"):
        experience_text += f" (“{plain_text(note, 300)}”)"
    rows = [
        (fields["place"], plain_text(place.label) if place else texts.NOT_GIVEN),
        (fields["timezone"], zone_name(zone) if zone else texts.NOT_GIVEN),
        (fields["languages"], ", ".join(spoken) or texts.NOT_GIVEN),
        (fields["experience"], experience_text),
    ]
    if offers_mentoring(answers):
        capacity = int(answers.get("mentor_capacity") or 0)
        rows.append(
            (
                fields["mentoring"],
                mtexts.MENTORING_COUNT.format(count=capacity) if capacity else mtexts.MENTORING_NONE,
            )
        )
    paths = ", ".join(texts.PATH_LABELS[OrganizingPath(p)] for p in answers.get("paths", []))
    rows.append((fields["paths"], paths or texts.NOT_GIVEN))
    scores = answers.get("readiness", {})
    rows.append(
        (
            fields["readiness"],
            " · ".join(
                f"{texts.SHORT_DIMENSION_LABELS[d]} {scores[d]}" for d in ReadinessDimension if d in scores
            )
            or texts.NOT_GIVEN,
        )
    )
    sharing, contact = answers.get("locale_sharing"), answers.get("organizer_contact_ok")
    privacy = [mtexts.SHARING_LABELS[LocaleSharing(sharing)] if sharing else texts.NOT_GIVEN]
    if contact is not None:
        privacy.append(mtexts.CONTACT_YES if contact else mtexts.CONTACT_NO)
    rows.append((fields["privacy"], "; ".join(privacy)))
    return [mtexts.SUMMARY_LINE.format(field=f"**{field}**", value=value) for field, value in rows]


# -- the end -----------------------------------------------------------------------------------


# How a member who gave only an area gives their town on Matrix.
FAR = onboarding.FarWords(member=mtexts.DONE_AREA_FAR, organizer=mtexts.DONE_AREA_FAR_ORGANIZER)


def done_text(completion: Completion, named: Sequence[str] = ()) -> str:
    """What the member reads once they confirmed (Matrix has no roles to give)."""
    body = onboarding.closing_lines(completion, named=named, shown=plain_text, far=FAR)
    return "\n".join([f"**{texts.DONE_TITLE}**", *body, mtexts.DONE_NEXT])

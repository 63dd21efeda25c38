"""Check-ins as Discord messages: the two-page form, the reply, the mentor's summary, alerts, trends.

The form is one DM, edited in place. Six selects and buttons cannot share one message (at most
five action rows, and a select fills a row), so it has two pages of three selects, each with a
row of buttons: next/back, add a note (a modal), skip this time, and send my answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from bot.services import checkins
from bot.services.checkins import DIMENSIONS, Alert, AlertKind, CompletedCheckIn, StepLevel, Suggestion, Trend
from bot.texts import checkins as texts
from bot.texts.onboarding import PATH_LABELS
from cogs._interactions import GroundworkView
from cogs._persistent import Persistent
from cogs._text import member_text
from db.enums import ReadinessDimension

PAGES = (DIMENSIONS[:3], DIMENSIONS[3:])
HISTORY_VALUES = 12
UP, DOWN = "\N{UPWARDS ARROW}", "\N{DOWNWARDS ARROW}"


class FormAction(enum.StrEnum):
    """The form's buttons."""

    NEXT = "next"
    BACK = "back"
    NOTE = "note"
    SKIP = "skip"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class FormControls:
    """The form's persistent select and buttons, declared with their handlers in the cog.

    Their custom_ids carry the check-in id (and the dimension, or the action and page), so they
    keep working after a restart, for months-old messages too."""

    score: Persistent[Any, ReadinessDimension]
    button: Persistent[Any, FormAction]

    def owns(self, custom_id: str, checkin_id: int) -> bool:
        """Whether a component belongs to this check-in's message (to find it in the DM history)."""
        return custom_id.startswith(
            (f"{self.score.prefix}:{checkin_id}:", f"{self.button.prefix}:{checkin_id}:")
        )


@dataclass(frozen=True, slots=True)
class Rendered:
    content: str
    view: discord.ui.View | None

    def kwargs(self) -> dict[str, Any]:
        return {
            "content": self.content,
            "view": self.view,
            "allowed_mentions": discord.AllowedMentions.none(),
        }


def page_of(dimension: str) -> int:
    return 1 if dimension in {d.value for d in PAGES[0]} else 2


def when(moment: datetime | None) -> str:
    """A time every reader sees in their own time zone."""
    if moment is None:
        return "-"
    return f"{discord.utils.format_dt(moment, 'F')} ({discord.utils.format_dt(moment, 'R')})"


def _score_select(
    controls: FormControls,
    checkin_id: int,
    dimension: ReadinessDimension,
    chosen: int | None,
    previous: int | None,
    row: int,
) -> discord.ui.Item[Any]:
    """1-5 for one dimension; the chosen value shows as the default, last time's in the placeholder."""
    name = texts.SHORT_NAMES[dimension]
    placeholder = (
        texts.PLACEHOLDER_PREVIOUS.format(name=name, score=previous)
        if previous is not None
        else texts.PLACEHOLDER.format(name=name)
    )
    options = [
        discord.SelectOption(label=label, value=str(value), default=value == chosen)
        for value, label in texts.SCORE_LABELS.items()
    ]
    return controls.score.select(checkin_id, dimension, options=options, placeholder=placeholder, row=row)


def form(
    controls: FormControls,
    *,
    checkin_id: int,
    guild_name: str,
    page: int,
    scores: dict[str, int],
    previous: dict[str, int],
    note: str | None,
    notice: str | None = None,
) -> Rendered:
    """One page of the check-in: the questions, three 1-5 selects and the buttons."""
    dimensions = PAGES[page - 1]
    lines = [texts.TITLE.format(guild=discord.utils.escape_markdown(guild_name))]
    if page == 1:
        lines.append(texts.INTRO)
    if notice:
        lines.append(notice)
    lines += [texts.QUESTIONS[d] for d in dimensions]
    if note:
        lines.append(texts.NOTE_SAVED)
    lines.append(texts.PAGE.format(page=page))
    view = GroundworkView(timeout=None)
    for row, dimension in enumerate(dimensions):
        view.add_item(
            _score_select(
                controls, checkin_id, dimension, scores.get(dimension), previous.get(dimension), row
            )
        )
    secondary, primary = discord.ButtonStyle.secondary, discord.ButtonStyle.primary
    buttons: list[tuple[FormAction, str, discord.ButtonStyle, str | None]] = [
        (FormAction.NEXT, texts.NEXT_BUTTON, primary, None)
        if page == 1
        else (FormAction.BACK, texts.BACK_BUTTON, secondary, None),
        (FormAction.NOTE, texts.NOTE_EDIT_BUTTON if note else texts.NOTE_BUTTON, secondary, "\N{MEMO}"),
        (FormAction.SKIP, texts.SKIP_BUTTON, secondary, None),
    ]
    if page == 2:
        buttons.append((FormAction.DONE, texts.DONE_BUTTON, discord.ButtonStyle.success, None))
    for action, label, style, emoji in buttons:
        view.add_item(
            controls.button.button(
                checkin_id, action, label=label, style=style, emoji=emoji, arg=str(page), row=3
            )
        )
    return Rendered("\n\n".join(lines), view)


def first_form(controls: FormControls, item: checkins.DueCheckIn, guild_name: str) -> Rendered:
    return form(
        controls,
        checkin_id=item.checkin_id,
        guild_name=guild_name,
        page=1,
        scores={},
        previous=item.previous,
        note=None,
    )


def state_form(
    controls: FormControls,
    state: checkins.CheckInState,
    guild_name: str,
    page: int,
    notice: str | None = None,
) -> Rendered:
    return form(
        controls,
        checkin_id=state.checkin_id,
        guild_name=guild_name,
        page=page,
        scores=state.scores,
        previous=state.previous,
        note=state.note,
        notice=notice,
    )


def missing_notice(missing: list[ReadinessDimension]) -> str:
    return texts.MISSING.format(names=", ".join(texts.NAMES[d] for d in missing))


def scores_line(scores: dict[str, int], previous: dict[str, int] | None = None) -> str:
    parts = []
    for dimension in DIMENSIONS:
        if dimension not in scores:
            continue
        part = f"{texts.SHORT_NAMES[dimension]} **{scores[dimension]}**"
        if previous is not None and dimension in previous and previous[dimension] != scores[dimension]:
            change = scores[dimension] - previous[dimension]
            arrow = UP if change > 0 else DOWN
            part += f" ({arrow}{abs(change)})"
        parts.append(part)
    return " · ".join(parts)


def step_text(suggestion: Suggestion) -> str:
    """The one next step: for the member's path when there is one for it (not once they're far
    along), else one fitting their score; each time the same dimension comes up, the next one."""
    steps: tuple[str, ...] = texts.STEPS[suggestion.dimension][suggestion.level]
    path_step = texts.PATH_STEPS.get((suggestion.path, suggestion.dimension)) if suggestion.path else None
    if path_step is not None and suggestion.level != StepLevel.STRETCH:
        steps = (path_step, *steps)
    return steps[suggestion.variant % len(steps)]


def reply(result: CompletedCheckIn) -> Rendered:
    """What the member reads once they sent their answers: one next step, for their path."""
    suggestion = result.suggestion
    lines = [texts.THANKS, texts.YOUR_SCORES.format(scores=scores_line(result.state.scores))]
    if suggestion.remote_offer:
        lines.append(texts.REMOTE_OFFER)
    else:
        path = PATH_LABELS[suggestion.path] if suggestion.path else None
        name = texts.NAMES[suggestion.dimension]
        if suggestion.ready and path:
            lines.append(texts.READY.format(path=path) + "\n" + step_text(suggestion))
        else:
            title = (
                texts.STEP_TITLE_PATH.format(dimension=name, path=path)
                if path
                else texts.STEP_TITLE.format(dimension=name)
            )
            lines.append(title + "\n" + step_text(suggestion))
    logged = sum(result.logged_since_last.values())
    lines.append(texts.LOGGED.format(count=logged) if logged else texts.LOG_INVITE)
    lines.append(texts.NEXT_DUE.format(when=when(result.next_due)) if result.next_due else texts.NO_NEXT_DUE)
    return Rendered("\n\n".join(lines), None)


def skipped(next_due: datetime | None) -> Rendered:
    tail = texts.NEXT_DUE.format(when=when(next_due)) if next_due else texts.NO_NEXT_DUE
    return Rendered(f"{texts.SKIPPED}\n\n{tail}", None)


def reminder(item: checkins.Reminder) -> Rendered:
    """The one reminder of a check-in still open: when it came, when it closes, a way back to it."""
    text = texts.REMINDER_STARTED if item.started else texts.REMINDER
    content = "\n".join(
        (
            text.format(
                sent=discord.utils.format_dt(item.sent_at, "D"),
                closes=discord.utils.format_dt(item.closes_at, "R"),
            ),
            texts.REMINDER_SKIP,
        )
    )
    view: discord.ui.View | None = None
    if item.channel_id is not None and item.message_id is not None:
        view = discord.ui.View()
        url = f"https://discord.com/channels/@me/{item.channel_id}/{item.message_id}"
        view.add_item(discord.ui.Button(label=texts.OPEN_BUTTON, url=url))
    return Rendered(content, view)


def closed(message: str) -> Rendered:
    """A closed check-in's form, replaced by one sentence saying why (said once: no second line
    repeating that it closed)."""
    return Rendered(message, None)


def mentor_summary(result: CompletedCheckIn, guild_name: str, alerts: list[Alert]) -> str:
    """The short summary a mentor gets when their mentee answered (with any drop alert on top)."""
    state = result.state
    member = f"<@{state.user_id}>"
    lines = [alert_text(alert, to_mentor=True) for alert in alerts]
    lines.append(texts.SUMMARY_TITLE.format(member=member, guild=discord.utils.escape_markdown(guild_name)))
    lines.append(scores_line(state.scores, state.previous))
    if result.suggestion.remote_offer:
        lines.append(texts.SUMMARY_REMOTE)
    else:
        lines.append(
            texts.SUMMARY_WEAKEST.format(
                dimension=texts.NAMES[result.suggestion.dimension], step=step_text(result.suggestion)
            )
        )
    if state.note:
        quoted = "\n".join(f"> {line}" for line in member_text(state.note, limit=900).splitlines())
        lines.append(f"{texts.SUMMARY_NOTE}\n{quoted}")
    else:
        lines.append(texts.SUMMARY_NO_NOTE)
    return "\n\n".join(lines)[:2000]


def alert_text(alert: Alert, *, to_mentor: bool = True) -> str:
    """An alert, worded for the mentor or for the moderators' channel."""
    member = f"<@{alert.member_user_id}>"
    if alert.kind == AlertKind.DMS_CLOSED:
        return texts.ALERT_DMS_CLOSED.format(member=member)
    if alert.kind == AlertKind.DROP:
        drops = ", ".join(
            texts.DROP_ITEM.format(name=texts.NAMES[d.dimension], before=d.before, after=d.after)
            for d in alert.drops
        )
        text = (texts.ALERT_DROP if to_mentor else texts.ALERT_DROP_CHANNEL).format(
            member=member, drops=drops
        )
    else:
        text = (texts.ALERT_MISSED if to_mentor else texts.ALERT_MISSED_CHANNEL).format(
            member=member, count=alert.missed
        )
    if to_mentor:
        return text
    if alert.mentor_user_id is None:
        return f"{text} {texts.ORGANIZER_QUIET if alert.organizer else texts.NO_MENTOR}"
    return f"{text} {texts.MENTOR_UNREACHABLE.format(mentor=f'<@{alert.mentor_user_id}>')}"


def history_text(trend: Trend) -> str:
    """The trend as text: every dimension's recent values, oldest first."""
    title = (
        texts.HISTORY_TITLE_OWN
        if trend.own
        else texts.HISTORY_TITLE_MENTEE.format(member=f"<@{trend.user_id}>")
    )
    lines = [title]
    if not trend.points:
        lines.append(texts.HISTORY_EMPTY)
    for dimension in DIMENSIONS:
        values = [str(p.scores[dimension]) for p in trend.points if dimension in p.scores][-HISTORY_VALUES:]
        if values:
            lines.append(
                texts.HISTORY_LINE.format(
                    name=texts.SHORT_NAMES[dimension], values=" \N{RIGHTWARDS ARROW} ".join(values)
                )
            )
    lines.append(
        texts.HISTORY_COUNTS.format(answered=len(trend.points), skipped=trend.skipped, missed=trend.missed)
    )
    if trend.paused:
        lines.append(texts.HISTORY_PAUSED)
    elif trend.next_due is not None:
        lines.append(texts.HISTORY_NEXT.format(when=when(trend.next_due)))
    return "\n".join(lines)


def chart_alt_text(trend: Trend, name: str | None) -> str:
    """What the chart shows, for someone who cannot see it (the attachment's description)."""
    first, last = trend.points[0], trend.points[-1]
    latest = ", ".join(
        f"{texts.SHORT_NAMES[dimension]} {last.scores[dimension]}"
        for dimension in DIMENSIONS
        if dimension in last.scores
    )
    whose = texts.CHART_ALT_OWN if trend.own or not name else texts.CHART_ALT_MENTEE.format(name=name)
    text = texts.CHART_ALT.format(
        whose=whose,
        count=len(trend.points),
        first=f"{first.at:%d %b %Y}",
        last=f"{last.at:%d %b %Y}",
        latest=latest,
    )
    if trend.gaps:
        text += texts.CHART_ALT_GAPS.format(count=len(trend.gaps))
    return text[:1024]

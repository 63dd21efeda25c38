"""/mod attention as Discord text: the list for a mentor, and what would reach everyone in time."""

from __future__ import annotations

from bot.services import waiting, welcome_calls
from bot.texts import moderation as texts
from bot.texts import welcome_calls as call_texts
from cogs.moderation._render import duration_text


def calls_text(plan: welcome_calls.CallsPlan) -> str:
    """The welcome calls on this week, and where one more weekly call would reach the most."""
    if plan.scheduled:
        line = call_texts.ATTENTION_CALLS.format(
            count=plan.scheduled, interested=plan.interested, invited=plan.invited
        )
    else:
        line = call_texts.ATTENTION_NO_CALLS
    if plan.band is not None and plan.would_reach > 0:
        more = call_texts.ATTENTION_ONE_MORE.format(band=plan.band.label, count=plan.would_reach)
    else:
        more = call_texts.ATTENTION_NO_MORE
    return f"{line}\n{more}"


def capacity_text(plan: waiting.CapacityPlan) -> str:
    calls = f"\n{calls_text(plan.calls)}" if plan.calls is not None else ""
    return _capacity_text(plan) + calls


def _capacity_text(plan: waiting.CapacityPlan) -> str:
    if plan.waiting == 0:
        return texts.ATTENTION_NOBODY_WAITING.format(free=plan.free_places)
    last = (
        duration_text(plan.last_expected) if plan.last_expected is not None else texts.ATTENTION_LAST_UNKNOWN
    )
    figures = texts.ATTENTION_FIGURES.format(
        waiting=plan.waiting,
        free=plan.free_places,
        pace=plan.begun_per_week,
        last=last,
        target=duration_text(plan.target),
    )
    if plan.organizers_needed is None:
        advice = texts.ATTENTION_BATCH_TOO_SLOW
    elif plan.organizers_needed == 0:
        advice = texts.ATTENTION_WITHIN_TARGET
    else:
        advice = texts.ATTENTION_NEEDED.format(count=plan.organizers_needed, capacity=plan.capacity)
    return f"{figures}\n{advice}"

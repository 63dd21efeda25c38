"""/mod attention as Discord text: the list for a mentor, and what would reach everyone in time."""

from __future__ import annotations

from bot.services import waiting
from bot.texts import moderation as texts
from cogs.moderation._render import duration_text


def capacity_text(plan: waiting.CapacityPlan) -> str:
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

"""Who is near, as a newcomer is told it once they confirm: the same lines on every platform,
with the few words that differ (how to give one's town) and the neighbours' names given by the
adapter, which alone knows how to name someone there."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.services.nearby import NearbySummary
from bot.services.onboarding._completion import Completion
from bot.texts import onboarding as texts
from db.enums import OrganizerStatus


@dataclass(frozen=True, slots=True)
class FarWords:
    """What a member who gave only an area hears when others live there too (no distance is known):
    each adapter says how to give one's town on it."""

    member: str
    organizer: str


def nearness_lines(
    summary: NearbySummary,
    *,
    named: Sequence[str],
    shown: Callable[[str], str],
    far: FarWords,
    organizer: bool = False,
) -> list[str]:
    """By km for a town, "in Utah" for an area (a member who gave only a county, region or country
    has no point, so never a radius). `named`: the neighbours happy to be seen, as the adapter
    names them; `shown`: a place name made safe to show there. An organizer alone in their area
    is not offered an organizer's help: they are the help."""
    if summary.area_precision is not None:
        area = shown(summary.area_name or "")
        if summary.isolated and summary.same_area:
            return [
                texts.DONE_AREA_OTHERS.format(count=summary.same_area, area=area),
                far.organizer if organizer else far.member,
            ]
        if summary.isolated:
            alone = texts.DONE_AREA_ALONE_ORGANIZER if organizer else texts.DONE_AREA_ALONE
            return [alone.format(area=area)]
        lines = (
            [texts.DONE_AREA_OTHERS.format(count=summary.same_area, area=area)] if summary.same_area else []
        )
    elif summary.isolated:
        alone = texts.DONE_ISOLATED_ORGANIZER if organizer else texts.DONE_ISOLATED
        return [alone.format(radius=summary.radius_km)]
    else:
        lines = []
        if summary.within_radius:
            lines.append(texts.DONE_NEARBY.format(count=summary.within_radius, radius=summary.radius_km))
        if named:
            lines.append(texts.DONE_NEARBY_NAMED.format(names=", ".join(named)))
    lines += [
        texts.DONE_NEARBY_AREA.format(count=count, area=shown(name)) for name, count in summary.near_areas
    ]
    return lines


def closing_lines(
    completion: Completion, *, named: Sequence[str], shown: Callable[[str], str], far: FarWords
) -> list[str]:
    """The body of the message a newcomer reads once they confirm, the same on every platform:
    who is near (nearness_lines), how many share their region and country (unless they gave only
    a country), and where their offer to mentor stands. The adapter adds its title and its next
    steps."""
    summary = completion.nearby
    organizer = completion.organizer_status is not None
    lines = nearness_lines(summary, named=named, shown=shown, far=far, organizer=organizer)
    if completion.place.precision != "country":
        lines.append(
            texts.DONE_REGION_COUNTS.format(region=summary.same_region, country=summary.same_country)
        )
    if completion.organizer_status == OrganizerStatus.PENDING:
        lines.append(texts.DONE_ORGANIZER_PENDING)
    elif completion.organizer_status == OrganizerStatus.ACTIVE:
        lines.append(texts.DONE_ORGANIZER_ACTIVE)
    return lines

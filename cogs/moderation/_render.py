"""Moderator views as Discord messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import discord

from bot.services import attention, contacts, languages, moderation, paging
from bot.services.time_zones import zone_name
from bot.texts import moderation as texts
from bot.texts import onboarding as onboarding_texts
from cogs._pager import pages_of
from cogs._text import member_text
from db.enums import Experience, OrganizingPath, ReadinessDimension

MAX_DETAILS = 120


def _date(moment: Any) -> str:
    return discord.utils.format_dt(moment, "d") if moment else "—"


def duration_text(value: timedelta) -> str:
    """ "2 days 4 h", "1 day 0 h", "5 h", "40 min": a wait as a moderator reads it."""
    minutes = int(value.total_seconds() // 60)
    days, hours = divmod(minutes // 60, 24)
    if days:
        template = texts.DURATION_ONE_DAY if days == 1 else texts.DURATION_DAYS
        return template.format(days=days, hours=hours)
    return (
        texts.DURATION_HOURS.format(hours=hours) if hours else texts.DURATION_MINUTES.format(minutes=minutes)
    )


def first_contact_text(times: attention.FirstContactTimes) -> str:
    if times.median is None or times.p90 is None:
        return texts.OVERVIEW_NO_CONTACT_YET.format(days=times.days, waiting=times.still_waiting)
    return texts.OVERVIEW_FIRST_CONTACT.format(
        days=times.days,
        median=duration_text(times.median),
        p90=duration_text(times.p90),
        waiting=times.still_waiting,
    )


ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description


def _alt(text: str) -> str:
    return text if len(text) <= ALT_TEXT_LIMIT else text[: ALT_TEXT_LIMIT - 1] + "\N{HORIZONTAL ELLIPSIS}"


def overview_alt(data: moderation.Overview, *, unattended: int) -> str:
    """The overview chart's alt text: the same figures in words."""
    figures = moderation.action_figures(data, unattended=unattended)
    places = ", ".join(f"{name} {count}" for name, count in data.by_country) or texts.NO_DATA
    return _alt(
        texts.OVERVIEW_ALT.format(
            isolated=figures.isolated,
            waiting=figures.waiting,
            unattended=figures.unattended,
            answered=figures.checkins_answered,
            due=figures.checkins_due,
            places=places,
        )
    )


def map_alt(points: Sequence[moderation.AreaPoint], drawn: moderation.DrawnMap, *, minimum: int) -> str:
    """The map's alt text: how many members and areas, and the areas named on it (never one the
    map leaves unnamed)."""
    counts = {point.label: point.count for point in points}
    named = ", ".join(f"{label} ({counts[label]})" for label in drawn.labelled) or texts.MAP_ALT_NONE_NAMED
    return _alt(
        texts.MAP_ALT.format(
            members=sum(counts.values()),
            areas=len(points),
            named=named,
            unnamed=len(points) - len(drawn.labelled),
            minimum=minimum,
        )
    )


def overview_text(
    data: moderation.Overview, first_contacts: Sequence[attention.FirstContactTimes] = ()
) -> str:
    statuses = ", ".join(f"{name} {count}" for name, count in data.by_status.items()) or texts.NO_DATA
    places = (
        ", ".join(f"{member_text(name, limit=60)} {count}" for name, count in data.by_country)
        or texts.NO_DATA
    )
    regions = (
        ", ".join(f"{member_text(name, limit=60)} {count}" for name, count in data.by_region) or texts.NO_DATA
    )
    rate = f"{data.response_rate:.0%}" if data.response_rate is not None else texts.NO_DATA
    return "\n".join(
        (
            f"## {texts.OVERVIEW_TITLE}",
            texts.OVERVIEW_STATUS.format(statuses=statuses),
            texts.OVERVIEW_PLACES.format(places=places),
            texts.OVERVIEW_REGIONS.format(regions=regions),
            texts.OVERVIEW_ATTENTION.format(
                isolated=data.isolated,
                waiting=data.waiting_for_mentor,
                active=data.mentorships_active,
                proposed=data.mentorships_proposed,
            ),
            texts.OVERVIEW_WENT_ON_TO_MENTOR.format(count=data.went_on_to_mentor),
            texts.OVERVIEW_CHECKINS.format(
                answered=data.checkins_answered_30d,
                due=data.checkins_due_30d,
                rate=rate,
                quiet=data.gone_quiet,
            ),
            *(first_contact_text(times) for times in first_contacts),
        )
    )


def page_text(page: moderation.Page) -> str:
    lines = [f"**{texts.LIST_TITLES[page.kind]}**"]
    if not page.items:
        lines.append(texts.LIST_EMPTY)
    lines += [
        texts.LIST_LINE.format(
            member=f"<@{item.user_id}>",
            area=member_text(item.area, limit=100),
            precision=item.precision,
            since=_date(item.since),
        )
        if item.days_waiting is None
        else texts.UNATTENDED_LINE.format(
            member=f"<@{item.user_id}>",
            area=member_text(item.area, limit=100),
            precision=item.precision,
            since=_date(item.since),
            days=item.days_waiting,
        )
        for item in page.items
    ]
    lines.append(texts.LIST_FOOTER.format(page=page.page + 1, pages=page.pages, total=page.total))
    return "\n".join(lines)


def member_embed(card: moderation.MemberCard) -> discord.Embed:
    fields = texts.MEMBER_FIELDS
    embed = discord.Embed(
        title=texts.MEMBER_TITLE, description=f"<@{card.user_id}>", colour=discord.Colour.blurple()
    )
    status = texts.MEMBER_STATUSES.get(card.status, card.status)
    if card.onboarding_step:
        status += " · " + texts.MEMBER_ONBOARDING.format(step=card.onboarding_step)
    embed.add_field(name=fields["status"], value=status)
    embed.add_field(
        name=fields["area"],
        value=f"{member_text(card.area, limit=100)} ({texts.PRECISIONS.get(card.precision, card.precision)})",
    )
    embed.add_field(name=fields["timezone"], value=zone_name(card.timezone) if card.timezone else "—")
    embed.add_field(
        name=fields["languages"],
        value=", ".join(languages.LANGUAGES.get(c, (c, c))[1] for c in card.languages) or "—",
    )
    experience = onboarding_texts.EXPERIENCE_LABELS[Experience(card.experience)] if card.experience else "—"
    if card.experience_note:
        experience += f"\n> {member_text(card.experience_note, limit=500)}"
    embed.add_field(name=fields["experience"], value=experience, inline=False)
    embed.add_field(
        name=fields["paths"],
        value=", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(p)] for p in card.paths) or "—",
        inline=False,
    )
    mentoring = []
    if card.mentor_user_id:
        mentoring.append(texts.MEMBER_MENTOR.format(mentor=f"<@{card.mentor_user_id}>"))
    elif card.waiting_since:
        mentoring.append(texts.MEMBER_WAITING.format(since=_date(card.waiting_since)))
    if card.organizer_status:
        mentoring.append(
            texts.MEMBER_ORGANIZER.format(
                status=texts.ORGANIZER_STATUSES.get(card.organizer_status, card.organizer_status),
                capacity=card.organizer_capacity,
            )
        )
    if card.mentee_user_ids:
        mentoring.append(
            texts.MEMBER_MENTEES.format(mentees=", ".join(f"<@{u}>" for u in card.mentee_user_ids))
        )
    embed.add_field(name=fields["mentoring"], value="\n".join(mentoring) or "—", inline=False)
    embed.add_field(
        name=fields["readiness"],
        value=" · ".join(
            f"{onboarding_texts.SHORT_DIMENSION_LABELS[d]} {card.readiness[d]}"
            for d in ReadinessDimension
            if d in card.readiness
        )
        or "—",
        inline=False,
    )
    embed.add_field(
        name=fields["checkins"],
        value=texts.MEMBER_CHECKINS.format(
            paused=texts.MEMBER_CHECKINS_PAUSED if card.checkins_paused else "",
            missed=card.missed_checkins,
            dms=texts.MEMBER_DMS_CLOSED if card.dms_closed else "",
        ),
    )
    embed.add_field(
        name=fields["contact"],
        value=texts.MEMBER_CONTACT_YES if card.organizer_contact_ok else texts.MEMBER_CONTACT_NO,
    )
    embed.add_field(name=fields["met"], value=_contacts_text(card), inline=False)
    return embed


def _contact_line(template: str, contact: contacts.Contact) -> str:
    who = contact.counterpart_user_id
    return template.format(
        kind=texts.CONTACT_KINDS[contact.kind],
        who=texts.MEMBER_CONTACT_WITH.format(who=f"<@{who}>") if who else "",
        at=_date(contact.at),
    )


def _contacts_text(card: moderation.MemberCard) -> str:
    if card.first_contact is None or card.last_contact is None:
        return texts.MEMBER_NO_CONTACT
    lines = [_contact_line(texts.MEMBER_FIRST_CONTACT, card.first_contact)]
    if card.last_contact != card.first_contact:
        lines.append(_contact_line(texts.MEMBER_LAST_CONTACT, card.last_contact))
    return "\n".join(lines)


def _detail(key: str, value: Any) -> str:
    """One detail of an audit entry in words: "alone in their area: yes"."""
    if isinstance(value, bool):
        shown = texts.AUDIT_YES if value else texts.AUDIT_NO
    else:
        shown = "—" if value is None else str(value)
        shown = texts.PRECISIONS.get(shown, shown) if key == "precision" else shown
    return texts.AUDIT_DETAIL.format(name=texts.AUDIT_DETAILS.get(key, key), value=shown)


def audit_entry_lines(lines: list[moderation.AuditLine]) -> list[str]:
    """One line per audit entry, in words."""
    out = []
    for line in lines:
        details = ", ".join(_detail(key, value) for key, value in line.details.items())
        out.append(
            texts.AUDIT_LINE.format(
                at=_date(line.at),
                actor=f"<@{line.actor_id}>" if line.actor_id else texts.AUDIT_BOT,
                target=f"<@{line.target_user_id}>" if line.target_user_id else texts.AUDIT_NOBODY,
                action=texts.AUDIT_ACTIONS.get(line.action, line.action),
                details=f" ({member_text(details, limit=MAX_DETAILS)})" if details else "",
            )
        )
    return out


def audit_pages(lines: list[moderation.AuditLine]) -> paging.Pages:
    """The audit log as pages of whole entries (the shared pager turns them)."""
    if not lines:
        return paging.Pages((texts.AUDIT_EMPTY,), ((texts.AUDIT_EMPTY,),))
    return pages_of(audit_entry_lines(lines), header=f"**{texts.AUDIT_TITLE}**")


def audit_text(lines: list[moderation.AuditLine]) -> str:
    """The audit log's first page."""
    return audit_pages(lines).texts[0]

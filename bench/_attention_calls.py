"""Welcome calls in bench/attention.py (issue 17 item 3), through bot.services.welcome_calls.

Half of the experienced organizers (HOST_SHARE; drawn as they join: 40 of the 63 organizers with
--quick, half of the 193 with --members 6000 and of the about 600 in the full year) host one weekly
external call (a link) for the band of UTC offsets 1 h 30 either side of their own, at 18:00
their time on a weekday of their own. Why half: the issue has organizers host calls for their
band, but a call is an hour a week on top of their mentees, so not every one of them would; half
is already far more seats than newcomers (8 a week per call: at the end of the year about 2,400
seats a week for about 580 joiners a week), so what limits the calls is which bands have a host
(organizers live where members do, drawn the same way), not how many seats there are. A paused
organizer keeps their call (a pause is from mentees); an organizer confirmed from the pool hosts
none (they start with capacity 1). The service decides everything else: who is invited, when,
who rests. Members who answer things say they're interested, and the host's list after the call
names everyone who said so. Each attendee's human contact is of kind welcome call naming the host,
an experienced organizer: bench/_attention_figures.py counts it as meeting one
(EXPERIENCED). The bench plays the adapter (a Discord event id for each occurrence) and the ticks,
once a simulated day.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import TYPE_CHECKING

from bot.services import welcome_calls
from bot.services.pairing import utc_offset_hours

if TYPE_CHECKING:
    from _attention_sim import Simulation

HOST_SHARE = 0.5
BAND_HALF_MINUTES = 90


def band_around(timezone: str, now: datetime) -> str:
    """`UTC-6:30..-3:30` style: BAND_HALF_MINUTES either side of the zone's offset now."""
    offset = round(utc_offset_hours(timezone, now) * 60)
    low, high = max(offset - BAND_HALF_MINUTES, -12 * 60), min(offset + BAND_HALF_MINUTES, 14 * 60)
    return f"UTC{_signed(low)}..{_signed(high)}"


def _signed(minutes: int) -> str:
    hours, rest = divmod(abs(minutes), 60)
    return ("-" if minutes < 0 else "+") + f"{hours}:{rest:02d}"


async def maybe_host(sim: Simulation, user_id: int, timezone: str, now: datetime, rng: random.Random) -> None:
    if rng.random() >= HOST_SHARE:
        return
    async with sim.sessions() as s, s.begin():
        await welcome_calls.host(
            session=s,
            guild_id=sim.guild_id,
            user_id=user_id,
            band=band_around(timezone, now),
            weekday=rng.randrange(7),
            at="18:00",
            now=now,
            location=f"https://meet.example.org/{user_id}",
        )
    sim.counts["welcome calls hosted"] += 1


async def tick(sim: Simulation, now: datetime) -> None:
    """The welcome-call ticks of one simulated day, in the order the bot's would meet them."""
    async with sim.sessions() as s, s.begin():
        ended = await welcome_calls.ends_due(session=s, now=now)
    for end in ended:
        if end.ask_host is None:
            continue
        came = [user_id for user_id, interested in end.ask_host.invitees if interested]
        async with sim.sessions() as s, s.begin():
            closed = await welcome_calls.host_attendance(
                session=s,
                occurrence_id=end.call.occurrence_id,
                user_id=end.call.host_user_id,
                attended_user_ids=came,
                now=now,
            )
        sim.counts["welcome call attendances"] += len(closed.attendees)
        sim.counts["welcome calls held"] += 1
    async with sim.sessions() as s, s.begin():
        for event in await welcome_calls.events_due(session=s, now=now):
            sim.next_event_id += 1
            await welcome_calls.record_event(
                session=s, occurrence_id=event.occurrence_id, event_id=sim.next_event_id
            )
    async with sim.sessions() as s, s.begin():
        invites = await welcome_calls.invites_due(session=s, now=now)
    sim.counts["welcome call invitations"] += len(invites)
    for invite in invites:
        if sim.answers(invite.user_id):
            async with sim.sessions() as s, s.begin():
                await welcome_calls.answer(
                    session=s, invite_id=invite.invite_id, user_id=invite.user_id, interested=True, now=now
                )
    async with sim.sessions() as s, s.begin():
        await welcome_calls.reminders_due(session=s, now=now)
        await welcome_calls.starts_due(session=s, now=now)

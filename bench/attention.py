"""A simulated year of a growing organization: how soon each member meets a human (issue 17).

    .venv/bin/python bench/attention.py            # 20,000 members over 12 months (long, see below)
    .venv/bin/python bench/attention.py --quick    # 2,000 members (about 70 s here)
    .venv/bin/python bench/attention.py --members 5000 --days 180

Time, on this shared 2-core machine (3 Dec 2026, `uptime` load as said; both behaviours run at
once, one process each): --quick 74 s (load 0.5-0.9; today's behaviour 12 s, the new one 72 s);
the code before the invitations tick was set-based (05c0a1f, run from a git worktree with
PYTHONPATH set to it) took 143 s on the same people (load 0.7-1.0; 12 s and 141 s). The full
year is not yet under 5 minutes: 1,151 s (load 1.1-2.2; today's behaviour 170 s, the new one
1,150 s) before the tick read only the bands of the calls near their start, and 1,229 s after
it (load 1.0-3.1, another benchmark running alongside for part of it; 164 s and 1,227 s), with
the same figures: no gain measurable on a shared machine. The new behaviour's cost grows with
the members waiting: its last 30 simulated days took about 200 s, its first 13 s.
8 Dec 2026 (load 0.2-1.3): the full year in 1,072 s (today's behaviour 245 s, the new one
1,070 s; its last 30 simulated days 190 s), with the same figures and counts, after the rests of
a call's invitations were counted by the database, the organizer pool's sweep read only mentees
with two rated check-ins, an index on members (guild_id, onboarded_at), one statement for an
event's contacts and a neighbour's yes no longer building the introduction the outbox builds
again; 1,198 s (227 s, 1,196 s) after the first three of those. Late in the year a simulated day
is about 9,000 statements at about 0.5 ms of SQLAlchemy and Python each (the SQL a few percent
of it): under 5 minutes needs about four times fewer statements, not faster ones.
Later on 8 Dec (load 0.1-0.9): the full year in 706 s (today's behaviour 187 s, the new one
704 s), and 679 s (233 s, 677 s) before the last three of these changes, which the full year
does not tell apart from noise: a newcomer is offered what both adapters offer
(bot.services.newcomers.offer_nearby: a circle near them first, else their neighbours, nothing
when isolated; the bench used to offer every newcomer both, isolated or not); an introduction
and both its members read in one statement; an outbox task inserted in one; a closed call's next
occurrence given its seats by the invitations tick with every other call's (not a pool read per
closed call); an answer reads whether the member holds another invitation with it; the
invitations of a tick inserted in one flush; audit entries of one action in one statement; the
ended calls read together; and the garbage collector settled as in the bot (bot.collector). The
figures moved with the first of those (it changes who is offered what): 0.1 % with no contact
after 7 days (0.9 % before), 98.7 % met an experienced organizer within 30 days (98.8 %).
Late in the year a simulated day is now about 4,700 statements and 3.8 s (day 300 of this run,
saved and resumed: members joining 1.4 s, the welcome-call ticks 0.9, the pairing batch 0.7,
the weekly circle sweep and wait updates 0.5 s a week each); every step is down to about two
statements per member's click, so what is left is SQLAlchemy's cost per statement (0.7-0.9 ms
with the ORM's rows) and the pairing batch's daily read of the whole waiting list.
The invitations tick used to re-read, for every upcoming call with a free seat, the members
waiting in its band as whole rows with their rests, contacts and invitations (about 60 % of the
new behaviour's time, py-spy); it now reads them once a tick as plain columns
(bot/services/welcome_calls/_pool.py: the fresh newcomers, and everyone waiting in the bands of
the calls less than two days away) and gives every call's seats in Python, the same seats to
the same members (every figure and count of a --quick run unchanged by it). Where the new
behaviour's time goes now (--quick, the new behaviour alone in process, wall time per simulated
step, 71 s in all): members joining 23 s (neighbour introductions 12, a circle for the newcomer
6), the welcome-call ticks 24 (the invitations 9, the answers 6, the hosts' lists 5), the buddy
sweep 10, the pairing batch 7, the organizer pool 4. In the full year's last months, sampled
with py-spy, the ticks are about 40 % of it (reading who waits, the answers), members joining
30 %, the pairing batch's read of the waiting list 11 %.
The pairing batch, the buddy sweep and honest waiting read the waiting list set-based (ids and
columns, whole rows only for the members acted on): over a guild of 10,000 members waiting
(3,000), buddy eligibility takes 130 ms of CPU instead of 13,974 (53 instead of 1,464), the
batch's reads 836 ms instead of 1,512 (199 instead of 302), a day's wait updates with nobody due
1,009 ms instead of 14,409 (144 instead of 1,375).

Meeting an experienced organizer within 30 days: 98.7 % in the full year; --quick 91.8 %, 89.5 %
before the welcome calls' seat order gave the first month its seats first
(bot/services/welcome_calls/_seats.py: before, first-month members and those waiting two months
were one group, longest waiting first, so in a band with a backlog of long waiting members a
newcomer got no seat until they were long waiting themselves; 114 of the 140 who missed it were
first invited on day 30-68). Of the 110 who still missed it on 3 Dec, 47 joined in the simulated
organization's first month, when one organizer had joined (34 % of that month's 71 members meet
one in time; of those who join later, 95.0 %); most others live in a band whose calls are full
with first-month members (months 4-6, 88 %), 4 in a band no call covers. The first month is this
bench's assumption that organizers join at the same rate as everyone from day 0 (a brand-new
organization); a real one adopting the bot would start with its organizers, but the assumption
is kept, not changed to meet the target.

Both behaviours run on the same people, each on its own SQLite database in a temp file, in two
processes side by side: today's (the mentor list only) and the new one (peer buddies, neighbour
introductions, local circles, honest waiting, the organizer pool, welcome calls).

Assumptions (bench/_attention_world.py):
- members join over the year at a rate rising linearly from 1x to 3x (a growing organization),
  each in a town of 500+ people drawn with weight population from the gazetteer (small towns
  included, so most members are alone within the guild's 50 km radius); they share their town;
- 3 % are experienced organizers with capacity 1-5 (uniform), registered as they onboard
  (the guild auto-confirms organizers); each active organizer pauses with chance 1/120 a day,
  for 14-60 days;
- 20 % of the others never answer anything: they never ask for a mentor, never say yes to a
  buddy, a neighbour or a circle; everyone else asks for a mentor when they onboard and says
  yes to every offer within hours; of the neighbours asked to meet a newcomer, the nearest
  three who are not silent say yes (the rest never answer);
- pairing: the real batch (bot.services.pairing.run_batch, its min-cost-flow solver on a
  worker thread) runs daily; the guild auto-approves proposals, and an introduction that is
  due is delivered at once (the outbox worker); a mentorship lasts N(90, 20) days (at least
  30) and is then ended (the mentee is not put back on the list);
- new behaviour: once onboarded, a member (an organizer too) is offered what both adapters
  offer a newcomer (bot.services.newcomers.offer_nearby): an open circle near them, else to meet
  their neighbours, nothing when nobody lives within the radius; the buddy sweep runs daily (the
  pairing batch every day, wait target 7 days), the circle sweep weekly (a moderator opens every
  proposal), waiting members get their honest-waiting updates; a quarter of the mentees who
  answer things see their readiness rise (check-ins of 4-5 on every dimension 30 and 60 days
  into the mentorship, and a logged local activity), the organizer pool's daily sweep suggests
  them, and mentor, member and moderator say yes (graduates: bot.services.organizer_pool);
- welcome calls (bench/_attention_calls.py): half of the organizers (drawn as they join; why
  half: see there) host a weekly external call for the UTC offsets 1 h 30 either side of their
  own, at 18:00 their time, and keep it while paused; the invited who answer things say they're
  interested and attend (the host's list); attending counts as meeting an experienced organizer;
- the ticks (outbox, welcome calls) run once a simulated day, so a day is the finest time;
- Discord is not involved: every delivery succeeds; nobody leaves or deletes their data.

Figures are read from the database: time to first contact from human_contacts rows as the
services recorded them (bench/_attention_figures.py). Members who are organizers are not
counted; "did not go silent" members are the target's population.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _attention_calls import HOST_SHARE
from _attention_figures import NONE_AFTER, Figures, days, figures, pct
from _attention_sim import Load, Simulation
from _attention_world import Person, at, draw

from bot import collector
from bot.services.gazetteer import get_gazetteer
from db.base import CLOCK
from db.engine import create_engine, create_session_maker
from db.migrate import upgrade_sync

SERVICES_DIR = Path(__file__).resolve().parents[1] / "bot" / "services"


@dataclass(frozen=True, slots=True)
class Outcome:
    new: bool
    figures: Figures
    load: Load
    counts: dict[str, int]
    seconds: float


async def simulate(people: list[Person], days: int, *, new: bool, directory: str) -> Outcome:
    """One behaviour over `people`, on a fresh migrated SQLite database in `directory`."""
    started = time.perf_counter()
    url = f"sqlite+aiosqlite:///{directory}/{'new' if new else 'today'}.db"
    await asyncio.to_thread(upgrade_sync, url)  # alembic's env runs its own event loop
    engine = create_engine(url)
    try:
        sessions = create_session_maker(engine)
        mode = "new" if new else "today"

        def progress(day: int) -> None:
            print(f"  [{mode}] day {day}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

        sim = Simulation(sessions=sessions, people=people, days=days, new=new, progress=progress)
        sessions.configure(info={CLOCK: sim.clock})
        # The garbage collector as the bot sets it once started (the gazetteer, the people).
        thresholds = collector.settle_after_startup()
        try:
            await sim.run()
        finally:
            collector.restore(thresholds)
        found = await figures(sessions, people, at(days))
    finally:
        await engine.dispose()
    return Outcome(new, found, sim.load, dict(sim.counts), time.perf_counter() - started)


def _child(people: list[Person], days: int, new: bool, directory: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    logging.disable(logging.WARNING)  # alembic's migration log
    try:
        out.put(asyncio.run(simulate(people, days, new=new, directory=directory)))
    except BaseException as error:
        out.put(f"{'new' if new else 'today'}: {error!r}")
        raise


def table(today: Outcome, new: Outcome) -> str:
    def row(name: str, a: str, b: str) -> str:
        return f"  {name:<52} {a:>18} {b:>18}"

    t, n = today.figures, new.figures
    lines = [
        row("", "today (mentors)", "new"),
        row("members who did not go silent", f"{t.members:,}", f"{n.members:,}"),
    ]
    lines += [
        row("time to first human contact: median", days(t.median_days), days(n.median_days)),
        row("  p90", days(t.p90_days), days(n.p90_days)),
        row("  p99", days(t.p99_days), days(n.p99_days)),
    ]
    for d in NONE_AFTER:
        lines.append(row(f"no human contact after {d} days", pct(t.none_after[d]), pct(n.none_after[d])))
    for d in NONE_AFTER:
        lines.append(
            row(
                f"  ... silent members included, {d} days", pct(t.none_after_all[d]), pct(n.none_after_all[d])
            )
        )
    lines += [
        row(
            "met an experienced organizer within 30 days",
            pct(t.experienced_within_30),
            pct(n.experienced_within_30),
        ),
        row("  ... as their first contact", pct(t.first_was_experienced_30), pct(n.first_was_experienced_30)),
        row(
            "mentor load: most mentees of one (its capacity)",
            f"{today.load.most} ({today.load.most_capacity})",
            f"{new.load.most} ({new.load.most_capacity})",
        ),
        row(
            "  days with an organizer over capacity",
            str(today.load.over_capacity_days),
            str(new.load.over_capacity_days),
        ),
        row("graduates (mentees who went on to mentor)", str(t.graduates), str(n.graduates)),
        row("seconds", f"{today.seconds:.0f}", f"{new.seconds:.0f}"),
    ]
    kinds = sorted(set(t.by_kind) | set(n.by_kind))
    lines.append("  first contact by kind:")
    lines += [row(f"  {k}", str(t.by_kind.get(k, 0)), str(n.by_kind.get(k, 0))) for k in kinds]
    counts = sorted(set(today.counts) | set(new.counts))
    lines.append("  what happened:")
    lines += [row(f"  {k}", str(today.counts.get(k, 0)), str(new.counts.get(k, 0))) for k in counts]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 members")
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    count = args.members or (2_000 if args.quick else 20_000)
    started = time.perf_counter()
    get_gazetteer()  # loaded once, before the two processes fork
    people = draw(count, args.days)
    organizers = sum(1 for p in people if p.organizer_capacity)
    print(
        f"{count:,} members over {args.days} days: {organizers:,} organizers "
        f"({sum(p.organizer_capacity for p in people):,} places), "
        f"{sum(p.silent for p in people):,} silent; drawn in {time.perf_counter() - started:.0f} s"
    )
    if (SERVICES_DIR / "welcome_calls.py").exists() or (SERVICES_DIR / "welcome_calls").exists():
        print(
            f"welcome calls: simulated (bench/_attention_calls.py, {HOST_SHARE:.0%} of organizers host one)"
        )
    else:
        print("welcome calls: bot/services/welcome_calls does not exist yet; not simulated")
    fork = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = fork.Queue()  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory(prefix="attention-") as directory:
        children = [
            fork.Process(target=_child, args=(people, args.days, new, directory, out))
            for new in (False, True)
        ]
        for child in children:
            child.start()
        got = [out.get() for _ in children]
        for child in children:
            child.join()
    failed = [o for o in got if not isinstance(o, Outcome)]
    if failed:
        raise SystemExit(f"a simulation failed: {failed}")
    results = {o.new: o for o in got if isinstance(o, Outcome)}
    print(table(results[False], results[True]))
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

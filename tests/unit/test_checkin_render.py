"""The check-in messages within Discord's limits, member text made safe, errors mapped, the pace kept."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.services.charts import readiness_chart, render_readiness_chart
from bot.services.checkins import (
    DIMENSIONS,
    Alert,
    AlertKind,
    CheckInState,
    CompletedCheckIn,
    DeliveryStatus,
    Drop,
    Pacer,
    Suggestion,
    Trend,
    TrendPoint,
)
from bot.texts import checkins as texts
from cogs.checkins import _render as render
from cogs.checkins._cog import CONTROLS
from cogs.checkins._messenger import outcome_of
from db.enums import CheckInKind, CheckInStatus, OrganizingPath, ReadinessDimension

LONG_ID = 2**53  # a check-in id far larger than any real one


def payload(view: discord.ui.View | None) -> list[dict[str, Any]]:
    return view.to_components() if view is not None else []


def state(**overrides: Any) -> CheckInState:
    values: dict[str, Any] = {
        "checkin_id": LONG_ID,
        "member_id": 1,
        "guild_id": 1,
        "user_id": 5001,
        "kind": CheckInKind.SCHEDULED,
        "status": CheckInStatus.SENT,
        "scores": {},
        "previous": dict.fromkeys(DIMENSIONS, 3),
        "note": None,
    }
    values.update(overrides)
    return CheckInState(**values)


@pytest.mark.parametrize("page", [1, 2])
def test_each_page_fits_discords_component_limits(page: int) -> None:
    rendered = render.state_form(
        CONTROLS, state(scores={"time": 2}, note="x"), "A" * 100, page, notice="n" * 200
    )
    rows = payload(rendered.view)
    assert len(rows) == 4 <= 5
    for row in rows[:3]:
        [select_menu] = row["components"]  # a select alone in its row
        assert select_menu["type"] == 3 and len(select_menu["options"]) == 5 <= 25
        assert len(select_menu["placeholder"]) <= 150
    assert 3 <= len(rows[3]["components"]) <= 5
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    assert all(len(cid) <= 100 for cid in ids) and len(set(ids)) == len(ids)
    assert len(rendered.content) <= 2000
    dims = [cid.rsplit(":", 1)[1] for cid in ids if cid.startswith("gw:cis:")]
    assert dims == [d.value for d in render.PAGES[page - 1]]


def test_the_custom_ids_route_back_to_the_check_in() -> None:
    import re

    rows = payload(render.state_form(CONTROLS, state(), "Org", 2).view)
    ids = [c["custom_id"] for row in rows for c in row["components"]]
    for cid in ids:
        assert re.fullmatch(CONTROLS.score.template, cid) or re.fullmatch(CONTROLS.button.template, cid), cid
        assert CONTROLS.owns(cid, LONG_ID) and not CONTROLS.owns(cid, LONG_ID + 1)
    assert any(cid.endswith(":done:2") for cid in ids) and any(cid.endswith(":back:2") for cid in ids)


def test_chosen_scores_show_as_defaults_and_last_time_in_the_placeholder() -> None:
    rows = payload(render.state_form(CONTROLS, state(scores={"resources": 4}), "Org", 1).view)
    resources = rows[0]["components"][0]
    assert [o["value"] for o in resources["options"] if o.get("default")] == ["4"]
    assert "last time 3" in resources["placeholder"]


def completed(note: str | None = None, **suggestion: Any) -> CompletedCheckIn:
    values: dict[str, Any] = {
        "dimension": ReadinessDimension.SPEAKING_CONFIDENCE,
        "path": OrganizingPath.RUN_FOR_OFFICE,
        "score": 2,
        "needed": 5,
        "remote_offer": False,
        "ready": False,
    }
    values.update(suggestion)
    return CompletedCheckIn(
        state=state(status=CheckInStatus.ANSWERED, scores=dict.fromkeys(DIMENSIONS, 2), note=note),
        suggestion=Suggestion(**values),
        paths=(OrganizingPath.RUN_FOR_OFFICE,),
        drops=(),
        mentor_user_id=9,
        next_due=datetime(2026, 12, 9, 18, tzinfo=UTC),
    )


def test_the_reply_names_the_weakest_dimension_and_one_step() -> None:
    text = render.reply(completed()).content
    assert "speaking confidence" in text and "Run for local office" in text and "why I'm running" in text
    assert "<t:" in text  # the next check-in in the reader's own time zone
    remote = render.reply(completed(remote_offer=True, dimension=ReadinessDimension.TIME)).content
    assert "Time is tight" in remote and "One small next step" not in remote


def test_the_mentor_summary_quotes_the_note_safely_and_fits() -> None:
    note = "line one @everyone <@&42> **bold**\nline two " + "x" * 3000
    text = render.mentor_summary(completed(note=note), "Org", [])
    assert len(text) <= 2000
    assert "@everyone" not in text.replace("@\u200beveryone", "") and "<@&42>" not in text
    assert "> line one" in text and "> line two" in text


def test_alerts_read_differently_for_the_mentor_and_the_moderators() -> None:
    drop = Alert(
        kind=AlertKind.DROP,
        guild_id=1,
        member_user_id=5001,
        mentor_user_id=None,
        alerts_channel_id=7,
        drops=(Drop(ReadinessDimension.TIME, 4, 1),),
    )
    assert "no mentor yet" in render.alert_text(drop, to_mentor=False)
    assert "time (4 \N{RIGHTWARDS ARROW} 1)" in render.alert_text(drop)
    missed = Alert(AlertKind.MISSED, 1, 5001, 9, None, missed=2)
    assert "couldn't reach their mentor <@9>" in render.alert_text(missed, to_mentor=False)
    assert "missed 2 check-ins" in render.alert_text(missed)
    closed = Alert(AlertKind.DMS_CLOSED, 1, 5001, None, 7)
    assert "DMs are closed" in render.alert_text(closed, to_mentor=False)


def test_the_history_text_lists_each_dimension_oldest_first() -> None:
    points = [
        TrendPoint(datetime(2026, 11, d, tzinfo=UTC), {d2.value: d % 5 + 1 for d2 in DIMENSIONS})
        for d in range(1, 30)
    ]
    trend = Trend(user_id=5, own=False, points=points, missed=1, skipped=2, next_due=None, paused=True)
    text = render.history_text(trend)
    assert "<@5>" in text and "paused" in text and "29 answered · 2 skipped · 1 missed" in text
    assert text.count("\N{RIGHTWARDS ARROW}") == 6 * (render.HISTORY_VALUES - 1)
    assert len(text) <= 2000
    empty = render.history_text(Trend(5, True, [], 0, 0, None, False))
    assert texts.HISTORY_EMPTY in empty


class _Error(discord.HTTPException):
    def __init__(self, status: int, code: int) -> None:
        self.status, self.code, self.text = status, code, "x"


@pytest.mark.parametrize(
    ("status", "code", "outcome", "slow"),
    [
        (403, 50007, DeliveryStatus.CLOSED, False),
        (403, 50278, DeliveryStatus.CLOSED, False),
        (400, 40003, DeliveryStatus.RETRY, True),
        (503, 0, DeliveryStatus.RETRY, False),
        (404, 10013, DeliveryStatus.FAILED, False),
        (403, 50013, DeliveryStatus.FAILED, False),
    ],
)
def test_discord_errors_become_outcomes(status: int, code: int, outcome: DeliveryStatus, slow: bool) -> None:
    delivery = outcome_of(_Error(status, code))
    assert delivery.status == outcome and delivery.slow_down is slow


async def test_the_pacer_spaces_starts_and_slows_down() -> None:
    pacer = Pacer(50.0)
    started = time.perf_counter()
    for _ in range(11):
        await pacer.wait()
    assert time.perf_counter() - started >= 0.19  # ten intervals of 20 ms
    pacer.slow_down()
    assert pacer.interval == pytest.approx(0.04)
    await asyncio.sleep(0.1)  # an idle pacer does not let a burst through afterwards
    started = time.perf_counter()
    for _ in range(3):
        await pacer.wait()
    assert time.perf_counter() - started >= 0.07


async def test_the_chart_is_a_png_rendered_off_the_loop() -> None:
    points = [(datetime(2026, 11, d, tzinfo=UTC), {"time": d % 5 + 1, "resources": 3}) for d in (1, 8, 15)]
    png = await readiness_chart(points, dimensions=["resources", "time"], labels={"time": "Time"}, title="T")
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    single = render_readiness_chart(
        points[:1], dimensions=[d.value for d in DIMENSIONS], labels={}, title="T"
    )
    assert single.startswith(b"\x89PNG")


def test_the_chart_draws_gaps_and_names_the_scale() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.services.charts import render_readiness_chart

    start = datetime(2026, 1, 1, tzinfo=UTC)
    points = [
        (start, dict.fromkeys(DIMENSIONS, 3)),
        (start + timedelta(weeks=3), dict.fromkeys(DIMENSIONS, 4)),
    ]
    png = render_readiness_chart(
        points,
        dimensions=list(DIMENSIONS),
        labels=texts.SHORT_NAMES,
        title=texts.CHART_TITLE,
        scale=texts.SCORE_LABELS,
        gaps=[start + timedelta(weeks=1)],
    )
    assert png.startswith(b"\x89PNG")


def test_the_charts_alt_text_says_what_it_shows() -> None:
    from datetime import UTC, datetime

    trend = Trend(
        5001,
        False,
        [
            TrendPoint(datetime(2026, 1, 1, tzinfo=UTC), {"time": 2}),
            TrendPoint(datetime(2026, 2, 1, tzinfo=UTC), {"time": 4}),
        ],
        1,
        0,
        None,
        False,
        gaps=[datetime(2026, 1, 15, tzinfo=UTC)],
    )
    alt = render.chart_alt_text(trend, "Alice")
    assert (
        "Alice's readiness" in alt
        and "2 check-in(s)" in alt
        and "Time 4" in alt
        and "1 skipped or missed" in alt
    )
    assert len(alt) <= 1024


def test_a_closed_form_says_why_in_one_sentence_once() -> None:
    message = texts.CLOSED[CheckInStatus.MISSED]
    closed = render.closed(message)
    assert closed.content == message and closed.view is None
    assert closed.content.count("closed") == 1

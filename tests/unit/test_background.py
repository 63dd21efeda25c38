"""Background tasks: referenced while they run, their failures logged, cancellable together."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.background import BackgroundTasks


async def test_a_failing_task_is_logged_and_forgotten(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks()

    async def fail() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="bot.background"):
        task = tasks.spawn(fail(), name="failing-job")
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)
    assert len(tasks) == 0
    assert "failing-job" in caplog.text
    assert "boom" in caplog.text


async def test_cancel_all_stops_running_tasks() -> None:
    tasks = BackgroundTasks()
    started = asyncio.Event()

    async def forever() -> None:
        started.set()
        await asyncio.sleep(3600)

    task = tasks.spawn(forever(), name="forever")
    await started.wait()
    assert len(tasks) == 1
    await tasks.cancel_all()
    assert task.cancelled()
    assert len(tasks) == 0

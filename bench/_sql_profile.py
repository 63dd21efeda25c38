"""Where a bench's database time goes: every statement the engine runs, timed from the cursor's
execute to its end, summed by statement (its first line, numbers and parameters aside).

On SQLite the bot's statements run on its event loop (db/sqlite_driver.py), so a statement's
time here is time the loop could not answer anyone."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

_SPACE = re.compile(r"\s+")
_NUMBERS = re.compile(r"\b\d+\b")
_PLACEHOLDERS = re.compile(r"(\?\s*,\s*)+\?")  # IN (?, ?, ...) of any length: one statement


def statement_key(statement: str, width: int = 150) -> str:
    """The statement's shape: whitespace folded, numbers and placeholder lists made one."""
    text = _PLACEHOLDERS.sub("?…", _NUMBERS.sub("N", _SPACE.sub(" ", statement).strip()))
    return text[:width]


@dataclass
class SqlProfile:
    """Attach to an engine, run the bench, print `lines()`."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    slowest: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def attach(self, engine: AsyncEngine) -> None:
        def before(
            conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any, _many: bool
        ) -> None:
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

        def after(conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
            took = time.perf_counter() - conn.info["bench_started"].pop()
            key = statement_key(statement)
            self.seconds[key] += took
            self.counts[key] += 1
            self.slowest[key] = max(self.slowest[key], took)

        event.listen(engine.sync_engine, "before_cursor_execute", before)
        event.listen(engine.sync_engine, "after_cursor_execute", after)

    def lines(self, top: int = 12) -> list[str]:
        total = sum(self.seconds.values())
        out = [f"database time: {total:.1f} s in {sum(self.counts.values()):,} statements; the most:"]
        for key in sorted(self.seconds, key=self.seconds.__getitem__, reverse=True)[:top]:
            out.append(
                f"  {self.seconds[key]:7.2f} s  {self.counts[key]:6,}x  max {self.slowest[key] * 1000:6.0f} ms  {key}"
            )
        return out

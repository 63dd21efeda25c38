"""The batch solve in a process of its own: `python -m bot.services.pairing._solve` reads the
pickled seekers, mentors and weights on stdin and writes the pickled `BatchResult` on stdout.

On a worker thread the solve would still stop the event loop: the min-cost-flow solve holds
the GIL while it runs (1.4 s of a 2.3 s solve over 2,000 members and 1,000 organizers, during
which no interaction is answered). A child started with asyncio's subprocess support needs
no process pool, and nothing of the parent's `__main__` is imported again.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from bot.services.matching import BatchResult, CostWeights, Mentor, Seeker, batch_match

_SEEKER = tuple(field.name for field in fields(Seeker))
_MENTOR = tuple(field.name for field in fields(Mentor))


def _rows(items: Sequence[Any], names: tuple[str, ...]) -> list[tuple[Any, ...]]:
    # Plain tuples: the C pickler writes them in milliseconds, holding the GIL that long only;
    # the dataclasses themselves take a fifth of a second for 3,000 and hold it all along.
    return [tuple(getattr(item, name) for name in names) for item in items]


async def solve_in_another_process(
    sought: Sequence[Seeker], candidates: Sequence[Mentor], weights: CostWeights
) -> BatchResult:
    """`batch_match(sought, candidates, weights)`, computed by a child process."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    given = pickle.dumps((_rows(sought, _SEEKER), _rows(candidates, _MENTOR), weights))
    out, err = await child.communicate(given)
    if child.returncode != 0:
        raise RuntimeError(
            f"the batch solve failed ({child.returncode}): {err.decode(errors='replace')[-2000:]}"
        )
    result = pickle.loads(out)  # noqa: S301  # written by our own child, from our own input
    assert isinstance(result, BatchResult)
    return result


def main() -> None:
    seeker_rows, mentor_rows, weights = pickle.load(sys.stdin.buffer)  # noqa: S301  # from our parent
    sought = [Seeker(**dict(zip(_SEEKER, row, strict=True))) for row in seeker_rows]
    candidates = [Mentor(**dict(zip(_MENTOR, row, strict=True))) for row in mentor_rows]
    sys.stdout.buffer.write(pickle.dumps(batch_match(sought, candidates, weights)))


if __name__ == "__main__":
    main()

"""``python -m bot.services.gazetteer build [--min-population N] [--out PATH]``: write the
prebuilt index (the bot runs this itself, once, when the installed data has none yet)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.services.gazetteer._gazetteer import build_index
from bot.services.gazetteer._prebuilt import index_path
from bot.services.gazetteer._sources import DATASETS, DEFAULT_MIN_POPULATION


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.services.gazetteer")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the prebuilt gazetteer index")
    build.add_argument("--min-population", type=int, choices=DATASETS, default=DEFAULT_MIN_POPULATION)
    build.add_argument("--out", type=Path, help="the index file (default: where the bot looks for it)")
    args = parser.parse_args()
    path = args.out or index_path(args.min_population)
    started = time.perf_counter()
    build_index(path, args.min_population)
    took = time.perf_counter() - started
    print(f"gazetteer index (cities{args.min_population}) written to {path} in {took:.1f} s")  # noqa: T201


if __name__ == "__main__":
    main()

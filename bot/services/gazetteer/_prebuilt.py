"""The prebuilt index: the gazetteer built once into a file, then loaded in well under a second.

Building reads every town of 500+ people with its alternate names, districts and postal
codes (about a minute's worth of Python objects, several hundred MiB while it runs), so it
runs once, in a child process, and writes plain numpy arrays (no pickles) to a file named
after the data it was built from and the code that built it. Every later start only loads
the arrays.

Where: ``$GROUNDWORK_GAZETTEER_DIR`` if set, else ``$XDG_CACHE_HOME/groundwork`` or
``~/.cache/groundwork``. ``groundwork gazetteer build`` builds it ahead of time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from bot.config import GAZETTEER_DIR_VARIABLE
from bot.services.gazetteer._sources import DEFAULT_MIN_POPULATION, source_version

DIRECTORY_VARIABLE: Final = GAZETTEER_DIR_VARIABLE
# The code that decides what goes into the index: a change to any of it is a new index.
BUILT_BY: Final = ("_aliases.py", "_index.py", "_normalize.py", "_postal.py", "_sources.py", "_tables.py")

log = logging.getLogger(__name__)

Arrays = Mapping[str, npt.NDArray[Any]]


def index_dir() -> Path:
    if configured := os.environ.get(DIRECTORY_VARIABLE):
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "groundwork"


def index_path(dataset: int = DEFAULT_MIN_POPULATION, directory: Path | None = None) -> Path:
    """The file the index of this dataset, as built from the installed data, lives in."""
    digest = hashlib.sha256(source_version(dataset).encode())
    for module in BUILT_BY:
        digest.update((Path(__file__).parent / module).read_bytes())
    return (directory or index_dir()) / f"gazetteer-cities{dataset}-{digest.hexdigest()[:12]}.npz"


def write_arrays(path: Path, arrays: Arrays) -> None:
    """Write atomically: a reader never sees half a file, two builders never clash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, allow_pickle=False, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_arrays(path: Path) -> dict[str, npt.NDArray[Any]]:
    with np.load(path, allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def build_in_child(dataset: int, path: Path) -> None:
    """Build the index file in a child process, so this process never holds the sources;
    older index files of the dataset (other data or code) are removed."""
    log.info("building the gazetteer index (cities%d) into %s, once", dataset, path)
    command = [sys.executable, "-m", "bot.services.gazetteer", "build", "--min-population", str(dataset)]
    subprocess.run([*command, "--out", str(path)], check=True)  # noqa: S603 - our own module
    for old in path.parent.glob(f"gazetteer-cities{dataset}-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)

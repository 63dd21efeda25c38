"""Finding the cogs: every public module under `cogs/` that defines `setup`."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import cogs


def discover_extensions() -> Iterator[str]:
    """Dotted names of the extensions to load, skipping private (`_name`) modules."""
    for module in pkgutil.walk_packages(cogs.__path__, prefix=f"{cogs.__name__}."):
        if any(part.startswith("_") for part in module.name.split(".")):
            continue
        imported = importlib.import_module(module.name)
        if inspect.iscoroutinefunction(getattr(imported, "setup", None)):
            yield module.name

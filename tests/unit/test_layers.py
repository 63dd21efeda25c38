"""The layers, checked from the source (DESIGN.md): cogs -> bot/services -> db, one way only.

* nothing under bot/services, bot/texts, db or matrix_adapter imports discord;
* nothing imports ``pkg._module`` from outside ``pkg`` (a package's underscore modules are its
  own business; it exports what others may use);
* cogs do not import db.models (they get values and enums from services and db.enums);
* services write no chat markup (``<@id>``, ``<#id>``, ``<t:...>``): the adapter renders it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "cogs", "db", "matrix_adapter")
NO_DISCORD = ("bot/services", "bot/texts", "db", "matrix_adapter")
MARKUP = re.compile(r"<(?:@!?|#|@&|t:)[{\d]")


def _modules() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in the file, relative ones made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            yield node.lineno, base
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def _private_part(module: str) -> str | None:
    """The package owning the first underscore module in a dotted name ("a.b" for "a.b._c.d")."""
    parts = module.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def _violations() -> Iterator[str]:
    for path in _modules():
        where = path.relative_to(ROOT).as_posix()
        me = _name(path)
        for line, module in _imports(path):
            if (module == "discord" or module.startswith("discord.")) and where.startswith(NO_DISCORD):
                yield f"{where}:{line} imports {module} (below the adapter)"
            owner = _private_part(module)
            if (
                owner is not None
                and owner.split(".")[0] in PACKAGES
                and not (me + ".").startswith(owner + ".")
            ):
                yield f"{where}:{line} imports {module}, private to {owner}"
            if where.startswith("cogs/") and (module == "db.models" or module.startswith("db.models.")):
                yield f"{where}:{line} imports {module} (cogs get values from services)"
        if where.startswith("bot/services/"):
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if MARKUP.search(text):
                    yield f"{where}:{number} writes chat markup: {text.strip()[:80]}"


def test_the_layers_hold() -> None:
    found = sorted(set(_violations()))
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("module", "owner"), [("bot.services.gazetteer._index", "bot.services.gazetteer"), ("db.models", None)]
)
def test_private_parts_are_found(module: str, owner: str | None) -> None:
    assert _private_part(module) == owner

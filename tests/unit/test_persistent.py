"""One declaration per persistent interaction (cogs/_persistent.py): the custom_id and template are
derived from it, what comes back is checked, and the click reaches the declared method."""

from __future__ import annotations

import ast
import enum
import re
from pathlib import Path
from typing import Any, cast

import discord
import pytest
from discord.ext import commands

from bot.errors import GroundworkError
from bot.texts import errors as texts
from cogs._interactions import ROW_ID_MAX, SNOWFLAKE_MAX, snowflake
from cogs._persistent import Clicked, Persistent, PersistentItem

COGS = Path(__file__).resolve().parents[2] / "cogs"


class Answer(enum.StrEnum):
    YES = "yes"
    NOT_NOW = "not_now"


class Only(enum.StrEnum):
    GO = "go"


class Owner(commands.Cog):
    def __init__(self) -> None:
        self.clicks: list[Clicked[Any]] = []

    async def on_answer(self, interaction: discord.Interaction[Any], clicked: Clicked[Answer]) -> None:
        self.clicks.append(clicked)

    async def on_go(self, interaction: discord.Interaction[Any], clicked: Clicked[Only]) -> None:
        self.clicks.append(clicked)


ANSWER = Persistent("t:a", owner=Owner, answers=Answer, handler=Owner.on_answer, arg="[12]")
GO = Persistent("t:go", owner=Owner, answers=Only, handler=Owner.on_go, ids=snowflake)


class Interaction:
    """What a dispatched item reads of an interaction."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client


async def _rebuilt(declaration: Persistent[Any, Any], custom_id: str) -> PersistentItem:
    """The item discord.py would make from a click on `custom_id`."""
    match = re.match(declaration.template, custom_id)
    assert match is not None, custom_id
    button: discord.ui.Button[Any] = discord.ui.Button(label="x", custom_id=custom_id)
    interaction = cast(discord.Interaction[Any], Interaction(discord.Client(intents=discord.Intents.none())))
    return await declaration.item.from_custom_id(interaction, button, match)


def test_the_custom_id_is_derived_and_matches_its_own_template_only() -> None:
    assert ANSWER.custom_id(42, Answer.NOT_NOW, "2") == "t:a:42:not_now:2"
    assert ANSWER.custom_id(42, Answer.YES) == "t:a:42:yes"
    assert GO.custom_id(7) == "t:go:7"  # one possible answer: nothing to write
    assert re.match(ANSWER.template, "t:a:42:yes")
    assert not re.match(ANSWER.template, "t:a:42:yes:3")  # the extra part has its own pattern
    assert not re.match(ANSWER.template, "t:a:42:yes:2:more")
    assert not re.match(GO.template, "t:go:7:go")
    assert not re.match(ANSWER.template, GO.custom_id(7))


def test_each_declaration_makes_its_own_item_class() -> None:
    assert ANSWER.item is not GO.item
    assert issubclass(ANSWER.item, discord.ui.DynamicItem)
    assert ANSWER.item.declaration is ANSWER


async def test_a_click_comes_back_typed() -> None:
    clicked = ANSWER.clicked(await _rebuilt(ANSWER, "t:a:42:not_now:2"))
    assert clicked == Clicked(42, Answer.NOT_NOW, "2")
    assert isinstance(clicked.answer, Answer)
    assert ANSWER.clicked(await _rebuilt(ANSWER, "t:a:42:yes")).arg is None
    assert GO.clicked(await _rebuilt(GO, f"t:go:{SNOWFLAKE_MAX}")) == Clicked(SNOWFLAKE_MAX, Only.GO)


@pytest.mark.parametrize("digits", [str(ROW_ID_MAX + 1), "9" * 40])
async def test_an_id_out_of_range_is_refused_with_a_reply(digits: str) -> None:
    item = await _rebuilt(ANSWER, f"t:a:{digits}:yes")
    with pytest.raises(GroundworkError) as refused:
        ANSWER.clicked(item)
    assert refused.value.render(str) == texts.STALE_BUTTON


async def test_an_answer_this_version_does_not_know_is_refused_with_a_reply() -> None:
    item = await _rebuilt(ANSWER, "t:a:42:maybe")
    with pytest.raises(GroundworkError) as refused:
        ANSWER.clicked(item)
    assert refused.value.render(str) == texts.STALE_BUTTON


async def test_the_click_reaches_the_declared_method_of_the_loaded_cog() -> None:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    owner = Owner()
    await bot.add_cog(owner)
    item = await _rebuilt(ANSWER, "t:a:5:yes:1")
    await ANSWER.dispatch(Interaction(bot), item)  # type: ignore[arg-type]
    assert owner.clicks == [Clicked(5, Answer.YES, "1")]
    await bot.remove_cog(owner.qualified_name)
    with pytest.raises(GroundworkError):  # the feature is off: a reply, not silence
        await ANSWER.dispatch(Interaction(bot), item)  # type: ignore[arg-type]


def _sources() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text())) for path in sorted(COGS.rglob("*.py"))]


def test_every_persistent_item_is_declared_through_persistent() -> None:
    """No hand-written DynamicItem (template, parser and handler written three times)."""
    offenders = [
        f"{path.relative_to(COGS.parent)}:{node.lineno}"
        for path, tree in _sources()
        if path.name != "_persistent.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and "DynamicItem" in ast.unparse(node)
    ]
    assert offenders == []


def test_every_modal_is_a_form() -> None:
    """No other Modal: discord.py answers a modal only from the object it stored, which a quick
    submission or a restart finds missing (cogs/_forms.py)."""
    offenders = [
        f"{path.relative_to(COGS.parent)}:{node.lineno}"
        for path, tree in _sources()
        if path.name != "_forms.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and any("Modal" in ast.unparse(base) for base in node.bases)
    ]
    assert offenders == []


def test_no_cog_is_found_by_its_name() -> None:
    """Handlers are method references; cogs never look each other up by a string."""
    offenders = [
        f"{path.relative_to(COGS.parent)}:{node.lineno}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_cog"
    ]
    assert offenders == []


async def test_a_reloaded_cog_still_gets_the_clicks_of_views_made_before() -> None:
    """discord.py's unload/reload imports a cog's module again: a view made before holds items of
    the old declaration, whose owner class is not the loaded cog's class, only its namesake."""
    before_reload = type(
        "Owner",
        (commands.Cog,),
        {"__module__": Owner.__module__, "__qualname__": Owner.__qualname__, "on_answer": Owner.on_answer},
    )
    assert before_reload is not Owner
    stale = Persistent("t:r", owner=cast(type[Owner], before_reload), answers=Answer, handler=Owner.on_answer)
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none())
    cog = Owner()  # the class the extension's module defines now
    await bot.add_cog(cog)
    await stale.dispatch(Interaction(bot), await _rebuilt(stale, "t:r:9:yes"))  # type: ignore[arg-type]
    assert cog.clicks == [Clicked(9, Answer.YES)]

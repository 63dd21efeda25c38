"""What people read comes from bot/texts, checked from the source (ast).

Under cogs/ and bot/services/, a string literal with a word in it (two letters or more in a row)
fails when it is
  * passed as ``content=``, ``label=``, ``placeholder=``, ``title=``, ``description=``, ``name=``,
    ``value=`` or ``text=`` to any call (a select option's ``value=`` is a machine value: allowed);
  * passed positionally to ``reply``, ``send``, ``send_message``, ``add_field``, ``set_footer``,
    ``Embed``, ``Button``, ``SelectOption``, ``TextInput``, ``Modal`` or ``GroundworkError``;
  * passed as a keyword to ``<something>texts.NAME.format(...)`` (the words filled into a text).
A literal counts when it is the argument itself, a branch of ``a if c else b``, a side of ``+``
or ``or``, a slice of it, an f-string's fixed parts, or the string ``.format``/``.join`` is called on.
Slash commands' metadata counts too: a ``description=`` of ``command``/``Group``, every help
text given to ``describe``, and a ``Choice``'s ``name=`` (what Discord shows in the menu).
Not checked: slash command names (``name=`` of ``command``/``Group``), audit-log ``reason=``, log messages,
task names, custom_ids; strings with no word outside ``{placeholders}`` (emoji, "—", "{}, {}",
"{who}") pass.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("cogs", "bot/services")
TEXT_KEYWORDS = {"content", "label", "placeholder", "title", "description", "name", "value", "text"}
TEXT_POSITIONAL = {
    "reply",
    "send",
    "send_message",
    "add_field",
    "set_footer",
    "Embed",
    "Button",
    "SelectOption",
    "TextInput",
    "Modal",
    "GroundworkError",
}
NOT_TEXT = {("SelectOption", "value"), ("spawn", "name"), ("create_task", "name")}
COMMAND_METADATA = {"command", "Group", "describe", "Choice"}
WORD = re.compile(r"[A-Za-z]{2,}")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")

# Literals allowed while their text moves to bot/texts (none left).
PENDING: set[tuple[str, str]] = set()


def _has_words(text: str) -> bool:
    """Words outside ``{placeholders}``: "{who}" and "{}, {}" have none."""
    return WORD.search(PLACEHOLDER.sub("", text)) is not None


def _called(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _literals(expr: ast.expr) -> Iterator[tuple[int, str]]:
    """(line, text) of every string literal that ends up as (part of) this argument."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        yield expr.lineno, expr.value
    elif isinstance(expr, ast.JoinedStr):
        fixed = "".join(
            v.value for v in expr.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        yield expr.lineno, fixed
    elif isinstance(expr, ast.IfExp):
        yield from _literals(expr.body)
        yield from _literals(expr.orelse)
    elif isinstance(expr, ast.BinOp):
        yield from _literals(expr.left)
        yield from _literals(expr.right)
    elif isinstance(expr, ast.Subscript):
        yield from _literals(expr.value)
    elif isinstance(expr, ast.BoolOp):
        for value in expr.values:
            yield from _literals(value)
    elif (
        isinstance(expr, ast.Call)
        and isinstance(expr.func, ast.Attribute)
        and expr.func.attr in ("format", "join")
    ):
        yield from _literals(expr.func.value)


def _fills_a_text(call: ast.Call) -> bool:
    """``texts.NAME.format(...)`` (or ``pairing_texts.NAME.format``...)."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "format"
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id.endswith("texts")
    )


def _shown_literals(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _called(node.func)
        if called in COMMAND_METADATA:
            shown = {"describe": None, "Choice": {"name"}}.get(called, {"description"})
            for keyword in node.keywords:
                if shown is None or keyword.arg in shown:
                    yield from _literals(keyword.value)
            continue
        arguments = [
            k.value for k in node.keywords if k.arg in TEXT_KEYWORDS and (called, k.arg) not in NOT_TEXT
        ]
        if called in TEXT_POSITIONAL:
            arguments += node.args
        if _fills_a_text(node):
            arguments += [k.value for k in node.keywords]
        for argument in arguments:
            yield from _literals(argument)


def _offences() -> list[str]:
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
            for line, text in _shown_literals(tree):
                if _has_words(text) and (relative, text) not in PENDING:
                    found.append(f"{relative}:{line}: {text!r}")
    return found


def test_user_facing_words_come_from_bot_texts() -> None:
    offences = _offences()
    assert not offences, "words people read belong in bot/texts:\n" + "\n".join(offences)


def test_the_check_sees_what_it_should() -> None:
    """The rule catches each form it names, and lets machine values and word-less strings pass."""
    caught = """
await reply(interaction, "Thanks!")
embed.add_field(name=texts.X, value="yes" if ok else "no")
discord.ui.Button(label=f"Open {n}")
channel.create_thread(name=f"Welcome, {who}"[:100])
texts.BODY.format(languages=", ".join(xs) or "none")
app_commands.command(name="about", description="What groundwork does")
app_commands.describe(member="Whose log")
app_commands.Choice(name="Every week", value=7)
"""
    assert {text for _, text in _shown_literals(ast.parse(caught)) if _has_words(text)} == {
        "Thanks!",
        "yes",
        "no",
        "Open ",
        "Welcome, ",
        "none",
        "What groundwork does",
        "Whose log",
        "Every week",
    }
    allowed = """
discord.SelectOption(label=texts.NONE, value="none")
embed.add_field(name=texts.X, value="—")
await reply(interaction, "{}, {}".format(a, b))
channel.create_thread(name=name, reason="groundwork: introducing two neighbours")
app_commands.command(name="about", description=command_texts.ABOUT)
app_commands.Group(name="mod", description=command_texts.MOD)
app_commands.Choice(name=texts.WEEKLY, value="weekly")
log.info("sent %s check-ins", n)
"""
    assert not [text for _, text in _shown_literals(ast.parse(allowed)) if _has_words(text)]


def test_pending_entries_are_still_there() -> None:
    """An allowed literal that was moved out must leave the allow-list too."""
    present = set()
    for relative, _ in PENDING:
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
        present |= {(relative, text) for _, text in _shown_literals(tree)}
    assert not PENDING - present, sorted(PENDING - present)

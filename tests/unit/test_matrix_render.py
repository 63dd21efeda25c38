"""Matrix messages from bot/texts: `!gw` commands parsed, emphasis as HTML, everything else escaped."""

from __future__ import annotations

import pytest

from matrix_adapter import commands, render

NAMES = ("help", "privacy show", "privacy")


@pytest.mark.parametrize(
    ("body", "name", "args"),
    [
        ("!gw help", "help", ""),
        ("  !GW   Help  ", "help", ""),
        ("!gw", "", ""),
        ("!gw privacy show", "privacy show", ""),
        ("!gw privacy showing", "privacy", "showing"),
        ("!gw privacy show  me ", "privacy show", "me"),
        ("!gw frobnicate now", "frobnicate", ""),
    ],
)
def test_a_command_is_parsed(body: str, name: str, args: str) -> None:
    assert commands.parse(body, NAMES) == commands.Command(name=name, args=args)


@pytest.mark.parametrize("body", ["hello", "!gwhelp", "please !gw help", ""])
def test_other_messages_are_not_commands(body: str) -> None:
    assert commands.parse(body, NAMES) is None


def test_help_lists_every_command_in_order() -> None:
    text = commands.help_text([("help", "This list"), ("privacy show", "What I keep")])
    assert text.splitlines()[1:] == ["!gw help — This list", "!gw privacy show — What I keep"]


def test_emphasis_becomes_html_and_typed_text_stays_text() -> None:
    typed = '<a href="https://evil.example">click</a> & @room <b>hi</b>'
    text = f"**Profile:** lives in {typed}\nsecond line"
    assert render.plain(text) == f"Profile: lives in {typed}\nsecond line"
    html = render.formatted(text)
    assert html.startswith("<strong>Profile:</strong> lives in &lt;a href=")
    assert "<a " not in html and "<b>" not in html
    assert "&amp; @room" in html
    assert html.endswith("<br>second line")

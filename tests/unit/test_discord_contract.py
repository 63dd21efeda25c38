"""The fake Discord's contract check (issue 9): Discord's OpenAPI spec plus the rules it does not
encode. Pure: request bodies are built by discord.py's own code where it can build them (a
recording ``HTTPClient`` captures what it would send), by hand where discord.py refuses."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import discord
import pytest
from discord.http import HTTPClient, Route, handle_message_parameters
from discord.webhook.async_ import interaction_message_response_params, interaction_response_params

from tests.fake_discord.contract import (
    ContractChecker,
    Violation,
    default_checker,
    discord_errors,
    format_violations,
    load_spec,
)

CHANNEL = "/channels/111/messages"
CALLBACK = "/interactions/222/tok/callback"
FOLLOWUP = "/webhooks/333/tok"


def check(method: str, path: str, body: Any = None, *, has_body: bool = True) -> list[str]:
    """``"$.path: message"`` for each violation."""
    _, found = default_checker().check(method, path, body, has_body=has_body)
    return [f"{v.path}: {v.message}" for v in found]


def row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def button(custom_id: str = "b", label: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label, **extra}


def string_select(n: int, custom_id: str = "s", **extra: Any) -> dict[str, Any]:
    options = [{"label": f"o{i}", "value": f"v{i}"} for i in range(n)]
    return {"type": 3, "custom_id": custom_id, "options": options, **extra}


class Recorder(HTTPClient):
    """discord.py's real HTTPClient, with ``request`` recording instead of sending."""

    def __init__(self) -> None:
        super().__init__(loop=None)  # type: ignore[arg-type]  # never sends
        self.calls: list[tuple[str, str, Any]] = []

    async def request(self, route: Route, *, files: Any = None, form: Any = None, **kwargs: Any) -> Any:
        body = kwargs.get("json")
        for part in form or []:
            if part["name"] == "payload_json":
                body = json.loads(part["value"])
        path = urlsplit(route.url).path.removeprefix("/api/v10")
        self.calls.append((route.method, path, body))
        return {}


class JoinModal(discord.ui.Modal, title="Join"):
    city: discord.ui.TextInput[JoinModal] = discord.ui.TextInput(label="City", custom_id="city")


def view_with(*items: discord.ui.Item[discord.ui.View]) -> discord.ui.View:
    view = discord.ui.View()
    for item in items:
        view.add_item(item)
    return view


# -- what the checker flags ----------------------------------------------------------------


def test_flags_a_2001_character_message_built_by_discord_py() -> None:
    body = handle_message_parameters(content="x" * 2001).payload
    assert check("POST", CHANNEL, body) == ["$.content: 2001 characters, at most 2000"]
    assert check("POST", CHANNEL, {"content": "x" * 2000}) == []


def test_flags_six_action_rows() -> None:
    body = {"content": "hi", "components": [row(button(f"b{i}")) for i in range(6)]}
    assert check("POST", CHANNEL, body) == ["$.components: 6 action rows, at most 5"]


def test_flags_a_select_with_26_options() -> None:
    body = {"content": "pick", "components": [row(string_select(26))]}
    assert "$.components[0].components[0].options: 26 items, at most 25" in check("POST", CHANNEL, body)


def test_flags_a_101_character_custom_id() -> None:
    body = {"type": 4, "data": {"content": "hi", "components": [row(button("c" * 101))]}}
    assert check("POST", CALLBACK, body) == [
        "$.data.components[0].components[0].custom_id: 101 characters, at most 100"
    ]


def test_flags_an_81_character_button_label_built_by_discord_py() -> None:
    view = view_with(discord.ui.Button(label="L" * 81, custom_id="ok"))
    body = interaction_message_response_params(type=4, content="hi", view=view).payload
    assert check("POST", CALLBACK, body) == [
        "$.data.components[0].components[0].label: 81 characters, at most 80"
    ]


def test_flags_a_46_character_modal_title() -> None:
    data = {**JoinModal().to_dict(), "title": "T" * 46}
    assert check("POST", CALLBACK, {"type": 9, "data": data}) == ["$.data.title: 46 characters, at most 45"]


def test_flags_a_4097_character_embed_description_built_by_discord_py() -> None:
    body = handle_message_parameters(embed=discord.Embed(description="d" * 4097)).payload
    assert check("POST", CHANNEL, body) == ["$.embeds[0].description: 4097 characters, at most 4096"]


def test_flags_an_unknown_route() -> None:
    match, found = default_checker().check("POST", "/channels/111/not-a-thing", {})
    assert match is None
    assert [str(v) for v in found] == ["POST /channels/111/not-a-thing: $: no such route in Discord's API"]
    assert check("PATCH", "/users/@me/channels", {}) == ["$: no such route in Discord's API"]  # wrong method


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": "a", "components": [row(button("a"), string_select(2))]}, "select menu must be alone"),
        ({"content": "a", "components": [row(button("a"), button("a"))]}, "custom_id 'a' already used"),
        (
            {"content": "a", "components": [row({"type": 2, "style": 5, "label": "x"})]},
            "link button needs a url",
        ),
        (
            {
                "content": "a",
                "components": [
                    row({"type": 2, "style": 5, "label": "x", "url": "https://x.org", "custom_id": "l"})
                ],
            },
            "link button must not have a custom_id",
        ),
        (
            {"content": "a", "components": [row({"type": 2, "style": 1, "label": "x"})]},
            "non-link button needs a custom_id",
        ),
        (
            {"content": "a", "components": [row(string_select(3, min_values=3, max_values=2))]},
            "min_values 3 is greater",
        ),
        (
            {"content": "a", "components": [row(string_select(2, max_values=3))]},
            "max_values 3 is greater than the number",
        ),
        (
            {"embeds": [{"title": "t" * 256, "description": "d" * 4000}, {"description": "e" * 2000}]},
            "6256 characters",
        ),
        ({"content": "   "}, "empty message"),
        ({}, "empty message"),
    ],
)
def test_flags_the_rules_the_spec_does_not_encode(body: dict[str, Any], expected: str) -> None:
    assert any(expected in found for found in check("POST", CHANNEL, body)), check("POST", CHANNEL, body)


def test_flags_a_modal_with_six_components_and_a_followup_over_2000() -> None:
    fields = [row({"type": 4, "custom_id": f"f{i}", "style": 1, "label": "x"}) for i in range(6)]
    modal = {"type": 9, "data": {"custom_id": "m", "title": "t", "components": fields}}
    assert check("POST", CALLBACK, modal) == ["$.data.components: 6 components, at most 5"]
    assert check("POST", FOLLOWUP, {"content": "z" * 2001}) == ["$.content: 2001 characters, at most 2000"]


def test_flags_a_non_snowflake_path_and_a_bad_callback_type() -> None:
    assert check("POST", "/channels/None/messages", {"content": "x"}) == [
        "path {channel_id}: 'None' is not a snowflake"
    ]
    assert check("POST", CALLBACK, {"type": 3}) == ["$.type: 3 is not one of [8, 4, 5, 12, 9, 1, 13, 6, 7]"]


# -- what it lets through: the ordinary requests discord.py makes -----------------------------


async def test_passes_ordinary_requests_built_by_discord_py() -> None:
    http = Recorder()
    view = view_with(
        discord.ui.Button(label="Join", custom_id="join"),
        discord.ui.Button(label="Docs", url="https://x.org"),
    )
    await http.start_private_message(5000)  # an int recipient id
    await http.send_message(
        111,
        params=handle_message_parameters(
            content="hi", view=view, allowed_mentions=discord.AllowedMentions.none()
        ),
    )
    reply = discord.MessageReference(message_id=9, channel_id=111, guild_id=1)
    await http.send_message(
        111,
        params=handle_message_parameters(content="re", message_reference=reply.to_message_reference_dict()),
    )
    forward = discord.MessageReference(
        message_id=9, channel_id=111, type=discord.MessageReferenceType.forward
    )
    await http.send_message(
        112, params=handle_message_parameters(message_reference=forward.to_message_reference_dict())
    )
    await http.send_message(111, params=handle_message_parameters(content="csv", file=discord.File(__file__)))
    await http.start_thread_without_message(
        111, name="intro", auto_archive_duration=1440, type=12, invitable=False
    )
    await http.add_user_to_thread(113, 5000)
    await http.add_role(1, 5000, 7, reason="onboarded")
    await http.create_role(1, reason=None, name="member", permissions="268435456", color=0)
    await http.edit_channel_permissions(111, 7, "1024", "2048", 0)
    await http.ban(5000, 1)  # no body at all: validated as {}
    assert [c[0] + " " + c[1] for c in http.calls][:2] == [
        "POST /users/@me/channels",
        "POST /channels/111/messages",
    ]
    assert http.calls[0][2] == {"recipient_id": 5000}
    for method, path, body in http.calls:
        assert check(method, path, body, has_body=body is not None) == [], (method, path, body)


def test_passes_interaction_answers_built_by_discord_py() -> None:
    ephemeral = discord.MessageFlags(ephemeral=True)
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id="s", options=[discord.SelectOption(label="A", value="a")]
    )
    answers = [
        interaction_response_params(5, {"flags": 64}).payload,  # defer, ephemeral and thinking
        interaction_response_params(6).payload,  # deferred update
        interaction_response_params(9, JoinModal().to_dict()).payload,  # a modal
        interaction_message_response_params(
            type=4, content="hi", view=view_with(select), flags=ephemeral
        ).payload,
        interaction_message_response_params(type=7, content="updated", view=None).payload,
    ]
    for body in answers:
        assert check("POST", CALLBACK, body) == [], body
    followup = handle_message_parameters(
        content="done", flags=ephemeral, embed=discord.Embed(title="t")
    ).payload
    assert check("POST", FOLLOWUP, followup) == []
    assert (
        check("PATCH", FOLLOWUP + "/messages/@original", handle_message_parameters(content="edited").payload)
        == []
    )


# -- the machinery -------------------------------------------------------------------------


def test_violation_report_and_discord_error_body() -> None:
    found = [
        Violation("POST", "/channels/{channel_id}/messages", "$.content", "2001 characters, at most 2000"),
        Violation(
            "POST",
            "/channels/{channel_id}/messages",
            "$.components[0].components[1].label",
            "81 characters, at most 80",
        ),
    ]
    report = format_violations(found)
    assert report.splitlines() == [
        "2 Discord API contract violations:",
        "  POST /channels/{channel_id}/messages: $.content: 2001 characters, at most 2000",
        "  POST /channels/{channel_id}/messages: $.components[0].components[1].label: 81 characters, at most 80",
    ]
    errors = discord_errors(found)
    assert errors["content"]["_errors"][0]["message"] == "2001 characters, at most 2000"
    assert "_errors" in errors["components"]["0"]["components"]["1"]["label"]


def test_spec_is_patched_narrowly() -> None:
    spec = load_spec()
    snowflake = spec["components"]["schemas"]["SnowflakeType"]["anyOf"]
    assert snowflake == [
        {"type": "string", "pattern": "^(0|[1-9][0-9]*)$", "format": "snowflake"},
        {"type": "integer", "minimum": 0},
    ]
    assert check("POST", "/users/@me/channels", {"recipient_id": "5000"}) == []
    assert check("POST", "/users/@me/channels", {"recipient_id": -1}) != []
    assert check("POST", "/users/@me/channels", {"recipient_id": "abc"}) != []
    assert check("POST", "/guilds/1/roles", {"permissions": "8"}) == []
    assert check("POST", "/guilds/1/roles", {"permissions": "eight"}) != []


def test_indexed_unions_accept_exactly_what_the_plain_spec_accepts() -> None:
    plain = ContractChecker(load_spec.__wrapped__(index_unions=False))
    samples: list[dict[str, Any]] = [
        {"type": 4, "data": {"content": "hi", "components": [row(button())]}},
        {"type": 4, "data": {"content": "hi", "components": [row(button(label="x" * 81))]}},
        {"type": 4, "data": {"components": [row({"type": 99})]}},
        {"type": 7, "data": {"components": [{"type": 17, "components": [{"type": 10, "content": "x"}]}]}},
        {
            "type": 9,
            "data": {
                "custom_id": "m",
                "title": "t",
                "components": [{"type": 18, "label": "L", "component": string_select(2)}],
            },
        },
        {"type": 9, "data": {"custom_id": "m", "title": "t"}},
        {"type": 5},
        {"type": 42},
        {"data": {}},
    ]
    for body in samples:
        fast = default_checker().check_body(
            "POST", "/interactions/{interaction_id}/{interaction_token}/callback", body
        )
        slow = plain.check_body("POST", "/interactions/{interaction_id}/{interaction_token}/callback", body)
        assert bool([v for v in fast if v.kind == "schema"]) == bool(
            [v for v in slow if v.kind == "schema"]
        ), body


def test_repeated_bodies_reuse_the_verdict() -> None:
    checker = default_checker()
    raw = json.dumps({"content": "x" * 2001}).encode()
    first = checker.check("POST", CHANNEL, json.loads(raw), raw=raw)[1]
    again = checker.check("POST", "/channels/999/messages", json.loads(raw), raw=raw)[1]
    assert first == again and len(first) == 1

"""Changing where a member lives outside onboarding (/locale set, the town offer DM): the
answer resolved, then always confirmed before it is saved.

Resolve -> "Is this right?" (Yes / Pick another / None of these), or a pick list that ends
with "None of these" ("Did you mean ...?" when the names only resemble the answer), or the
not-found path: the county/region button first, type again, or the area the answer named.
These views live as long as the ephemeral reply (ten minutes); nothing is saved before "Yes".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import GroundworkError
from bot.services import profile
from bot.services.gazetteer import Place
from bot.services.home_countries import HomeCountries
from bot.services.place_answers import PlaceLookup, locale_hint, look_up
from bot.services.time_zones import zone_name
from bot.texts import onboarding as onboarding_texts
from bot.texts import profile as texts
from cogs._forms import Form, FormRoute, Submitted
from cogs._interactions import GroundworkView, reply, snowflake
from cogs._text import member_text

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

Save = Callable[[discord.Interaction[Any], int, Place], Awaitable[None]]
VIEW_TIMEOUT = 600
# The place form: gw:loc:<guild id>:<town|area>_<new|edit> (edit: the answer replaces the message
# the form was opened from).
PLACE_FORMS = FormRoute("gw:loc", ids=snowflake, arg=r"(?:town|area)_(?:new|edit)")
PLACE_FIELD = "place"
MAX_OPTIONS = 25
_PICK_PROMPTS = {
    "near_names": texts.LOCALE_PICK_NEAR,
    "postal": texts.LOCALE_PICK_POSTAL,
    "postal_countries": texts.LOCALE_PICK_POSTAL_COUNTRIES,
}


def not_found_text(found: PlaceLookup) -> str:
    """What a not-found (or unknown postal code) answer is told: what was understood, and the ways on."""
    echo = member_text(found.echo, limit=100) if found.echo else None
    if found.kind == "postal_unknown":
        return onboarding_texts.POSTAL_UNKNOWN
    if found.understood is not None:
        area = member_text(found.understood.area_name, limit=100)
        if echo:
            return onboarding_texts.PLACE_NOT_FOUND_IN_AREA.format(area=area, echo=echo)
        return onboarding_texts.PLACE_NOT_FOUND_IN_AREA_PLAIN.format(area=area)
    return (
        onboarding_texts.PLACE_NOT_FOUND.format(echo=echo) if echo else onboarding_texts.PLACE_NOT_FOUND_PLAIN
    )


def confirm_text(place: Place, *, postal: bool) -> str:
    lines = [texts.LOCALE_CONFIRM.format(place=place.label, timezone=zone_name(place.timezone))]
    if postal:
        lines.append(texts.LOCALE_CONFIRM_POSTAL)
    if place.precision in texts.LOCALE_AREA_WHAT:
        lines.append(texts.LOCALE_CONFIRM_AREA.format(what=texts.LOCALE_AREA_WHAT[place.precision]))
    return "\n".join(lines)


class PlaceFlow:
    """The resolve-confirm flow for one bot; `save` stores a confirmed place and answers."""

    def __init__(self, bot: GroundworkBot, save: Save) -> None:
        self.bot = bot
        self.save = save
        self.home = HomeCountries()

    def cached_home(self, guild_id: int) -> tuple[str, ...]:
        return self.home.cached(guild_id, self.bot.clock())

    async def look_up(
        self, interaction: discord.Interaction[Any], guild_id: int, text: str, *, areas_only: bool = False
    ) -> PlaceLookup:
        async with self.bot.sessions() as session, session.begin():
            # Only a member who finished onboarding has a place to change.
            await profile.active_member(session=session, guild_id=guild_id, user_id=interaction.user.id)
            home = await self.home.get(session=session, guild_id=guild_id, now=self.bot.clock())
        return look_up(
            self.bot.gazetteer,
            text,
            areas_only=areas_only,
            country_hint=locale_hint(str(interaction.locale)),
            home_countries=home,
        )

    async def answer(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        text: str,
        *,
        areas_only: bool = False,
        edit: bool = False,
    ) -> None:
        """Resolve a typed answer and show what comes next; refuse what is no place at all."""
        found = await self.look_up(interaction, guild_id, text, areas_only=areas_only)
        if found.kind == "invalid":
            raise GroundworkError(onboarding_texts.PLACE_INVALID[found.reason or "no_letters"])
        user_id = interaction.user.id
        if found.kind in ("not_found", "postal_unknown"):
            view: GroundworkView = RetryView(self, guild_id, user_id, found.understood)
            await self._show(interaction, not_found_text(found), view, edit=edit)
        elif found.kind == "confirm" and found.best is not None:
            await self.confirm(
                interaction, guild_id, found.best, found.candidates, postal=found.postal, edit=edit
            )
        else:
            await self.pick(
                interaction, guild_id, found.candidates, found.reason, postal=found.postal, edit=edit
            )

    async def confirm_key(self, interaction: discord.Interaction[Any], guild_id: int, place: Place) -> None:
        """A place chosen by its key (an autocomplete choice): confirmed like a typed one."""
        async with self.bot.sessions() as session:
            await profile.active_member(session=session, guild_id=guild_id, user_id=interaction.user.id)
        await self.confirm(interaction, guild_id, place)

    async def confirm(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        place: Place,
        alternatives: tuple[Place, ...] = (),
        *,
        postal: bool = False,
        edit: bool = False,
    ) -> None:
        view = ConfirmView(self, guild_id, interaction.user.id, place, alternatives, postal=postal)
        await self._show(interaction, confirm_text(place, postal=postal), view, edit=edit)

    async def pick(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        candidates: tuple[Place, ...],
        reason: str | None,
        *,
        postal: bool = False,
        edit: bool = False,
    ) -> None:
        view = PickView(self, guild_id, interaction.user.id, candidates, postal=postal)
        await self._show(interaction, _PICK_PROMPTS.get(reason or "", texts.LOCALE_PICK), view, edit=edit)

    async def none_of_these(self, interaction: discord.Interaction[Any], guild_id: int) -> None:
        view = RetryView(self, guild_id, interaction.user.id, None)
        await self._show(interaction, texts.LOCALE_NONE_CHOSEN, view, edit=True)

    def modal(self, guild_id: int, *, areas_only: bool, edit: bool) -> Form:
        return place_form(guild_id, areas_only=areas_only, edit=edit)

    async def on_form(self, interaction: discord.Interaction[Any], submitted: Submitted) -> None:
        """The typed place (the owner's `on_interaction` hands it here: PLACE_FORMS)."""
        kind, _, opened = submitted.arg.partition("_")
        await self.answer(
            interaction,
            submitted.id,
            submitted.text(PLACE_FIELD),
            areas_only=kind == "area",
            edit=opened == "edit",
        )

    async def _show(
        self, interaction: discord.Interaction[Any], content: str, view: discord.ui.View, *, edit: bool
    ) -> None:
        if edit and interaction.message is not None:
            await interaction.response.edit_message(
                content=content, view=view, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await reply(interaction, content, view=view)


class _MemberView(GroundworkView):
    """A view only the member it was shown to can use."""

    def __init__(self, flow: PlaceFlow, guild_id: int, user_id: int) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.flow = flow
        self.guild_id = guild_id
        self.user_id = user_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return interaction.user.id == self.user_id


class ConfirmView(_MemberView):
    """Is this right? Yes / Pick another / None of these."""

    def __init__(
        self,
        flow: PlaceFlow,
        guild_id: int,
        user_id: int,
        place: Place,
        alternatives: tuple[Place, ...],
        *,
        postal: bool,
    ) -> None:
        super().__init__(flow, guild_id, user_id)
        self.place = place
        self.alternatives = tuple(p for p in alternatives if p != place)
        self.postal = postal
        yes = discord.ui.Button[ConfirmView](label=texts.LOCALE_YES, style=discord.ButtonStyle.success)
        yes.callback = self.yes  # type: ignore[method-assign]
        self.add_item(yes)
        if self.alternatives:
            another = discord.ui.Button[ConfirmView](
                label=texts.LOCALE_PICK_ANOTHER, style=discord.ButtonStyle.secondary
            )
            another.callback = self.another  # type: ignore[method-assign]
            self.add_item(another)
        none = discord.ui.Button[ConfirmView](label=texts.LOCALE_NONE, style=discord.ButtonStyle.secondary)
        none.callback = self.none  # type: ignore[method-assign]
        self.add_item(none)

    async def yes(self, interaction: discord.Interaction[Any]) -> None:
        self.stop()
        await self.flow.save(interaction, self.guild_id, self.place)

    async def another(self, interaction: discord.Interaction[Any]) -> None:
        await self.flow.pick(
            interaction,
            self.guild_id,
            (self.place, *self.alternatives),
            "postal" if self.postal else None,
            postal=self.postal,
            edit=True,
        )

    async def none(self, interaction: discord.Interaction[Any]) -> None:
        self.stop()
        await self.flow.none_of_these(interaction, self.guild_id)


class PickSelect(discord.ui.Select["PickView"]):
    def __init__(self, candidates: tuple[Place, ...]) -> None:
        options = [
            discord.SelectOption(label=p.label, value=p.key, description=p.description)
            for p in candidates[: MAX_OPTIONS - 1]
        ]
        options.append(
            discord.SelectOption(label=texts.LOCALE_NONE, value="none", emoji="\N{LEFTWARDS ARROW WITH HOOK}")
        )
        super().__init__(placeholder=texts.LOCALE_PICK_PLACEHOLDER, options=options)
        self.keys = {p.key: p for p in candidates[: MAX_OPTIONS - 1]}

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        assert self.view is not None
        view = self.view
        if self.values == ["none"]:
            await view.flow.none_of_these(interaction, view.guild_id)
            return
        place = self.keys.get(self.values[0])
        if place is None:
            raise GroundworkError(onboarding_texts.INVALID_ANSWER)
        await view.flow.confirm(interaction, view.guild_id, place, postal=view.postal, edit=True)


class PickView(_MemberView):
    """Which of these? The list always ends with "None of these"."""

    def __init__(
        self, flow: PlaceFlow, guild_id: int, user_id: int, candidates: tuple[Place, ...], *, postal: bool
    ) -> None:
        super().__init__(flow, guild_id, user_id)
        self.postal = postal
        self.add_item(PickSelect(candidates))


class RetryView(_MemberView):
    """After a miss: the county/region button first, then type again, then the area understood."""

    def __init__(self, flow: PlaceFlow, guild_id: int, user_id: int, understood: Place | None) -> None:
        super().__init__(flow, guild_id, user_id)
        self.understood = understood if understood is not None and not understood.has_point else None
        area = discord.ui.Button[RetryView](label=texts.LOCALE_AREA_BUTTON, style=discord.ButtonStyle.primary)
        area.callback = self.ask_area  # type: ignore[method-assign]
        self.add_item(area)
        again = discord.ui.Button[RetryView](
            label=texts.LOCALE_AGAIN_BUTTON, style=discord.ButtonStyle.secondary
        )
        again.callback = self.ask_town  # type: ignore[method-assign]
        self.add_item(again)
        if self.understood is not None:
            use = discord.ui.Button[RetryView](
                label=texts.LOCALE_USE_AREA_BUTTON.format(area=self.understood.area_name)[:80],
                style=discord.ButtonStyle.secondary,
            )
            use.callback = self.use_understood  # type: ignore[method-assign]
            self.add_item(use)

    async def ask_area(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(self.flow.modal(self.guild_id, areas_only=True, edit=True))

    async def ask_town(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(self.flow.modal(self.guild_id, areas_only=False, edit=True))

    async def use_understood(self, interaction: discord.Interaction[Any]) -> None:
        assert self.understood is not None
        await self.flow.confirm(interaction, self.guild_id, self.understood, edit=True)


def place_form(guild_id: int, *, areas_only: bool, edit: bool) -> Form:
    """Type a town (or a postal code), or, on the area path, a county, region or country."""
    form = Form(
        PLACE_FORMS,
        guild_id,
        f"{'area' if areas_only else 'town'}_{'edit' if edit else 'new'}",
        title=texts.LOCALE_AREA_MODAL_TITLE if areas_only else texts.LOCALE_MODAL_TITLE,
    )
    form.add_item(
        discord.ui.TextInput(
            custom_id=PLACE_FIELD,
            label=texts.LOCALE_AREA_MODAL_LABEL if areas_only else texts.LOCALE_MODAL_LABEL,
            placeholder=texts.LOCALE_AREA_MODAL_PLACEHOLDER if areas_only else texts.LOCALE_MODAL_PLACEHOLDER,
            max_length=100,
        )
    )
    return form

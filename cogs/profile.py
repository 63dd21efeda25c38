"""/profile, /locale set and /nearby: a member's own view of what the bot knows and who is near."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import GroundworkError
from bot.services import onboarding, profile
from bot.services.gazetteer import Place
from bot.services.nearby import NearbySummary, summarize
from bot.services.place_answers import check, locale_hint
from bot.services.time_zones import zone_name
from bot.texts import commands as command_texts
from bot.texts import onboarding as onboarding_texts
from bot.texts import profile as texts
from bot.texts import town_offers as town_texts
from cogs._interactions import GroundworkView, reply, snowflake
from cogs._locale_flow import PLACE_FORMS, PlaceFlow
from cogs._persistent import Clicked, Persistent
from cogs._text import member_text, mention
from cogs.onboarding import CONTROLS, answers_embed, render_step

if TYPE_CHECKING:
    from bot.bot import GroundworkBot

MAX_AUTOCOMPLETE = 25
MAX_NAMED = 15


def profile_embed(p: profile.Profile) -> discord.Embed:
    answers: onboarding.Answers = {
        "languages": p.languages,
        "paths": p.paths,
        "readiness": p.latest_readiness,
        "locale_sharing": p.locale_sharing,
        "organizer_contact_ok": p.organizer_contact_ok,
    }
    if p.timezone is not None:
        answers["timezone"] = p.timezone
    if p.experience is not None:
        answers["experience"] = p.experience
    if p.experience_note is not None:
        answers["experience_note"] = p.experience_note
    if p.mentor_capacity is not None:
        answers["mentor_capacity"] = p.mentor_capacity
    embed = answers_embed(answers, p.place_label, title=texts.PROFILE_TITLE)
    if p.is_isolated:
        embed.set_footer(text=texts.PROFILE_ISOLATED)
    return embed


def nearby_message(summary: NearbySummary) -> str:
    """/nearby: counts by distance band for a town, by area for a member who gave only a county,
    region or country (they have no point, so never a radius)."""
    lines = [f"**{texts.NEARBY_TITLE}**"]
    coarse = summary.area_precision is not None
    area = member_text(summary.area_name or "", limit=100)
    if coarse:
        lines.append(texts.NEARBY_AREA_ONLY_IN.format(area=area))
        lines.append(f"· {texts.NEARBY_IN_AREA.format(area=area, count=summary.same_area)}")
    else:
        lines += [f"· {texts.NEARBY_BAND.format(km=km, count=count)}" for km, count in summary.bands]
    if summary.area_precision in (None, "district"):
        lines.append(f"· {texts.NEARBY_REGION.format(count=summary.same_region)}")
    if summary.area_precision != "country":
        lines.append(f"· {texts.NEARBY_COUNTRY.format(count=summary.same_country)}")
    lines += [
        f"· {texts.NEARBY_NEAR_AREA.format(area=member_text(name, limit=100), count=count)}"
        for name, count in summary.near_areas
    ]
    if summary.isolated and coarse:
        far = summary.same_area > 0
        lines.append(texts.NEARBY_AREA_FAR if far else texts.NEARBY_AREA_ISOLATED.format(area=area))
    elif summary.isolated:
        lines.append(texts.NEARBY_ISOLATED.format(radius=summary.radius_km))
    named = [
        texts.NEARBY_NAMED_LINE.format(who=mention(n.user_id), km=n.distance_km)
        for n in summary.named[:MAX_NAMED]
        if n.distance_km is not None
    ]
    if not coarse:
        lines.append(f"**{texts.NEARBY_NAMED}**: " + (", ".join(named) if named else texts.NEARBY_NONE_NAMED))
    return "\n".join(lines)


def moved_lines(summary: NearbySummary) -> list[str]:
    """After /locale set: who is near the new place (for an area: who is in it, no radius)."""
    if summary.area_precision is not None:
        area = member_text(summary.area_name or "", limit=100)
        if summary.same_area:
            lines = [texts.LOCALE_CHANGED_AREA_OTHERS.format(count=summary.same_area, area=area)]
            if summary.isolated:
                lines.append(texts.LOCALE_CHANGED_AREA_FAR)
        else:
            lines = [] if not summary.isolated else [texts.LOCALE_CHANGED_AREA_ALONE.format(area=area)]
    elif summary.isolated:
        lines = [texts.LOCALE_CHANGED_ISOLATED.format(radius=summary.radius_km)]
    elif summary.within_radius:
        lines = [texts.LOCALE_CHANGED_NEAR.format(count=summary.within_radius, radius=summary.radius_km)]
    else:
        lines = []  # near only members who gave a small area around the town: said below
    return lines + [
        texts.LOCALE_CHANGED_NEAR_AREA.format(count=count, area=member_text(name, limit=100))
        for name, count in summary.near_areas
    ]


class ProfileChange(enum.StrEnum):
    """/profile's select has one answer: the part chosen (the select's value) to change."""

    PICK = "pick"


def profile_view(guild_id: int) -> discord.ui.View:
    """ "Change something": a select of the parts of the profile; it keeps working after a restart."""
    view = GroundworkView(timeout=None)
    options = [
        discord.SelectOption(label=label, value=value)
        for value, label in onboarding_texts.SUMMARY_CHANGE_LABELS.items()
    ]
    view.add_item(PROFILE_CHANGE.select(guild_id, options=options, placeholder=texts.CHANGE_PLACEHOLDER))
    return view


class TownOfferAnswer(enum.StrEnum):
    """The town offer DM has one button: "Tell you my town"."""

    TELL = "tell"


class Profile(commands.Cog):
    """A member's own profile and neighbourhood."""

    locale = app_commands.Group(name="locale", description=command_texts.LOCALE, guild_only=True)

    def __init__(self, bot: GroundworkBot) -> None:
        self.bot = bot
        self.flow = PlaceFlow(bot, self._save)

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(TOWN_OFFER.item, PROFILE_CHANGE.item)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await PLACE_FORMS.answer(interaction, self.flow.on_form)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(TOWN_OFFER.item, PROFILE_CHANGE.item)

    async def on_change(self, interaction: discord.Interaction[Any], clicked: Clicked[ProfileChange]) -> None:
        """The part of their profile a member chose to change (only ever their own)."""
        try:
            step = onboarding.Step(clicked.values[0])
        except (IndexError, ValueError):
            raise GroundworkError(onboarding_texts.INVALID_ANSWER) from None
        await self.edit(interaction, clicked.id, step)

    @app_commands.command(name="profile", description=command_texts.PROFILE)
    @app_commands.guild_only()
    async def show_profile(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            p = await profile.show(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
        await reply(
            interaction,
            embed=profile_embed(p),
            view=profile_view(interaction.guild_id),
        )

    async def edit(self, interaction: discord.Interaction[Any], guild_id: int, step: onboarding.Step) -> None:
        """Open the onboarding conversation at one question; it returns to the summary to confirm."""
        async with self.bot.sessions() as session, session.begin():
            conversation = await onboarding.edit_answers(
                session=session,
                guild_id=guild_id,
                user_id=interaction.user.id,
                step=step,
                now=self.bot.clock(),
                settings=self.bot.settings.onboarding,
                resolver=self.bot.gazetteer,
            )
        rendered = render_step(CONTROLS, conversation, self.bot.gazetteer, self.bot.clock())
        await interaction.response.edit_message(**rendered.kwargs())

    @locale.command(name="set", description=command_texts.LOCALE_SET)
    @app_commands.describe(place=command_texts.LOCALE_SET__PLACE)
    async def locale_set(
        self, interaction: discord.Interaction[Any], place: app_commands.Range[str, 1, 100]
    ) -> None:
        """Resolve the answer and ask "Is this right?"; nothing is saved before the member says yes."""
        assert interaction.guild_id is not None
        chosen = self.bot.gazetteer.place_by_key(place)  # an autocomplete choice is a place key
        if chosen is not None:
            await self.flow.confirm_key(interaction, interaction.guild_id, chosen)
            return
        await self.flow.answer(interaction, interaction.guild_id, place)

    @locale_set.autocomplete("place")
    async def place_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if len(current.strip()) < 2 or interaction.guild_id is None or check(current) is not None:
            return []
        resolution = self.bot.gazetteer.resolve(
            current[:100],
            country_hint=locale_hint(str(interaction.locale)),
            home_countries=self.flow.cached_home(interaction.guild_id),
        )
        return [
            app_commands.Choice(name=p.label, value=p.key) for p in resolution.candidates[:MAX_AUTOCOMPLETE]
        ]

    async def ask_place(
        self, interaction: discord.Interaction[Any], clicked: Clicked[TownOfferAnswer]
    ) -> None:
        """The town offer DM's button: the "where do you live?" form of /locale set, for the
        server the offer came from."""
        guild = self.bot.get_guild(clicked.id)
        if guild is None:
            raise GroundworkError(town_texts.UNKNOWN_SERVER)
        if guild.get_member(interaction.user.id) is None:
            raise GroundworkError(town_texts.NOT_IN_SERVER)
        await interaction.response.send_modal(self.flow.modal(guild.id, areas_only=False, edit=False))

    async def _save(self, interaction: discord.Interaction[Any], guild_id: int, place: Place) -> None:
        await self.move(interaction, guild_id, place, edit=True)

    async def move(
        self, interaction: discord.Interaction[Any], guild_id: int, place: Place, *, edit: bool
    ) -> None:
        async with self.bot.sessions() as session, session.begin():
            summary = await profile.set_locale(
                session=session,
                guild_id=guild_id,
                user_id=interaction.user.id,
                place=place,
                now=self.bot.clock(),
            )
        lines = [texts.LOCALE_CHANGED.format(place=place.label, timezone=zone_name(place.timezone))]
        lines += moved_lines(summary)
        if edit:
            await interaction.response.edit_message(content="\n".join(lines), view=None)
        else:
            await reply(interaction, "\n".join(lines))

    @app_commands.command(name="nearby", description=command_texts.NEARBY)
    @app_commands.guild_only()
    async def nearby(self, interaction: discord.Interaction[Any]) -> None:
        assert interaction.guild_id is not None
        async with self.bot.sessions() as session:
            member = await profile.active_member(
                session=session, guild_id=interaction.guild_id, user_id=interaction.user.id
            )
            summary = await summarize(session=session, member_id=member.id)
        await reply(interaction, nearby_message(summary))


async def setup(bot: GroundworkBot) -> None:
    """Load the Profile cog."""
    await bot.add_cog(Profile(bot))


# Sent by the town offers (cogs/town_offers.py) to members who gave only their region.
TOWN_OFFER = Persistent(
    "gw:town", owner=Profile, answers=TownOfferAnswer, handler=Profile.ask_place, ids=snowflake
)
PROFILE_CHANGE = Persistent(
    "gw:pf", owner=Profile, answers=ProfileChange, handler=Profile.on_change, ids=snowflake
)

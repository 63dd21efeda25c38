"""How buddies read on Discord: the offer, the introduction with its icebreaker, the follow-up."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.services import buddies
from bot.services.languages import LANGUAGES
from bot.texts import buddies as texts
from bot.texts import onboarding as onboarding_texts
from cogs._text import mention
from db.enums import OrganizingPath


def _paths(paths: tuple[str, ...]) -> str:
    return ", ".join(onboarding_texts.PATH_LABELS[OrganizingPath(p)].lower() for p in paths)


def _about(buddy: buddies.Buddy, *, named: bool) -> str:
    paths = _paths(buddy.paths) or texts.OFFER_OPEN_PATHS
    if named:
        return texts.ABOUT_LINE.format(
            who=mention(buddy.user_id), area=buddy.area or texts.ABOUT_NOWHERE, paths=paths
        )
    return texts.OFFER_ABOUT.format(area=buddy.area or texts.OFFER_SOMEWHERE, paths=paths)


def offer_text(offer: buddies.Offer) -> str:
    """Who the others are, as far as they share it, and never by name."""
    return texts.OFFER.format(
        count_text=texts.OFFER_ONE if len(offer.others) == 1 else texts.OFFER_TWO,
        about="\n".join(_about(other, named=False) for other in offer.others),
    )


def _when(moment: datetime) -> str:
    """A suggested time; Discord shows it on each reader's own clock."""
    return discord.utils.format_dt(moment, "F")


def _icebreaker(intro: buddies.Introduction) -> str:
    if intro.icebreaker == buddies.Icebreaker.SHARED_PATH:
        return texts.ICEBREAKER_SHARED_PATH.format(
            path=texts.PATH_GOALS[OrganizingPath(intro.shared_paths[0])]
        )
    if intro.icebreaker == buddies.Icebreaker.EXPERIENCE and intro.experienced_user_id is not None:
        return texts.ICEBREAKER_EXPERIENCE.format(who=mention(intro.experienced_user_id))
    return texts.ICEBREAKER_PATHS


def introduction(intro: buddies.Introduction) -> str:
    names = [LANGUAGES[code][1] for code in intro.shared_languages if code in LANGUAGES]
    first, second = intro.suggested_times
    return texts.INTRODUCTION.format(
        who=", ".join(mention(b.user_id) for b in intro.buddies),
        about="\n".join(_about(b, named=True) for b in intro.buddies),
        icebreaker=_icebreaker(intro),
        languages=texts.LANGUAGES.format(languages=", ".join(names)) if names else "",
        first=_when(first),
        second=_when(second),
    )


def followup_text(followup: buddies.FollowUp) -> str:
    return texts.FOLLOWUP.format(others=", ".join(mention(u) for u in followup.other_user_ids))

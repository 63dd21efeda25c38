"""Buttons of local life that keep working after a restart: each custom_id carries the row's id
and the answer, and the click goes to a method of the cog that owns it.

    gw:nb:o:<offer>:yes|later|never        the offer to meet neighbours          Neighbours.on_offer
    gw:nb:i:<introduction>:yes|no|never    a neighbour asked about meeting       Neighbours.on_ask
    gw:cc:r:<circle>:approve|reject        moderators on a proposed circle       Circles.on_review
    gw:cc:o:<membership>:join|no           joining a circle nearby               Circles.on_offer
    gw:cc:l:<circle>:leave                 leaving one's circle                  Circles.on_leave
    gw:pp:c:<request>:stop                 no longer waiting for a partner       Practice.on_stop
    gw:pp:f:<request>:yes|no               "did your practice call happen?"      Practice.on_followup
"""

from __future__ import annotations

from typing import Any

import discord

from cogs._interactions import AnswerButton


class OfferButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:nb:o:(?P<id>[0-9]+):(?P<answer>yes|later|never)",
):
    prefix, cog, method = "gw:nb:o", "Neighbours", "on_offer"


class AskButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:nb:i:(?P<id>[0-9]+):(?P<answer>yes|no|never)",
):
    prefix, cog, method = "gw:nb:i", "Neighbours", "on_ask"


class CircleReviewButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:r:(?P<id>[0-9]+):(?P<answer>approve|reject)",
):
    prefix, cog, method = "gw:cc:r", "Circles", "on_review"


class CircleOfferButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:o:(?P<id>[0-9]+):(?P<answer>join|no)",
):
    prefix, cog, method = "gw:cc:o", "Circles", "on_offer"


class CircleLeaveButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:cc:l:(?P<id>[0-9]+):(?P<answer>leave)",
):
    prefix, cog, method = "gw:cc:l", "Circles", "on_leave"


class PracticeStopButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:pp:c:(?P<id>[0-9]+):(?P<answer>stop)",
):
    prefix, cog, method = "gw:pp:c", "Practice", "on_stop"


class PracticeFollowUpButton(
    AnswerButton,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"gw:pp:f:(?P<id>[0-9]+):(?P<answer>yes|no)",
):
    prefix, cog, method = "gw:pp:f", "Practice", "on_followup"


ITEMS = (
    OfferButton,
    AskButton,
    CircleReviewButton,
    CircleOfferButton,
    CircleLeaveButton,
    PracticeStopButton,
    PracticeFollowUpButton,
)

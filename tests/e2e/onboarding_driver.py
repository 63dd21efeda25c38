"""A member going through the onboarding conversation by clicking, as a person would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.bot import GroundworkBot
from tests.fake_discord import FakeDiscord, Guild, InteractionHandle, Message


def custom_id(message: Message, *, action: str, arg: str | None = None) -> str:
    """The custom_id on `message` of the component doing `action` (with `arg`)."""
    for cid in message.custom_ids:
        parts = cid.split(":")
        if len(parts) >= 5 and parts[4] == action and (arg is None or parts[5:6] == [arg]):
            return cid
    raise KeyError(
        f"no {action}{':' + arg if arg else ''} component on the message; it has {message.custom_ids}"
    )


@dataclass
class Member:
    """One member clicking through their onboarding messages."""

    fake: FakeDiscord
    user_id: int
    message: Message | None = None

    def latest(self) -> Message:
        assert self.message is not None, "no conversation message yet"
        return self.fake.state.messages[self.message.id]

    async def _answered(self, itx: InteractionHandle) -> InteractionHandle:
        answer = await itx.response()
        assert answer.accepted, answer
        # The conversation message is replaced (7) or, when it starts, sent (4); an ephemeral
        # type 4 is a short note beside it (an error, a refusal).
        if answer.message is not None and (answer.type == 7 or (answer.type == 4 and not answer.ephemeral)):
            self.message = answer.message
        return itx

    async def begin(self, welcome: Message) -> InteractionHandle:
        begin_id = next(cid for cid in welcome.custom_ids if cid.startswith("gw:ob:begin:"))
        itx = await self._answered(await self.fake.click(welcome, begin_id, user_id=self.user_id))
        self.message = (await itx.response()).message  # ephemeral when the conversation runs in a thread
        return itx

    async def click(self, action: str, arg: str | None = None) -> InteractionHandle:
        message = self.latest()
        return await self._answered(
            await self.fake.click(message, custom_id(message, action=action, arg=arg), user_id=self.user_id)
        )

    async def choose(self, action: str, *values: str, arg: str | None = None) -> InteractionHandle:
        message = self.latest()
        return await self._answered(
            await self.fake.select(
                message, custom_id(message, action=action, arg=arg), list(values), user_id=self.user_id
            )
        )

    async def type_into(self, action: str, text: str) -> InteractionHandle:
        """Press the button that opens a modal, fill its one field and submit."""
        opened = await self.click(action)
        assert opened.modal is not None, "the button did not open a modal"
        field = next(
            component["custom_id"]
            for row in opened.modal["components"]
            for component in row.get("components", [row.get("component", {})])
            if "custom_id" in component
        )
        return await self._answered(await self.fake.submit_modal(opened, {field: text}))

    async def fill_modal(self, action: str, *choices: str) -> InteractionHandle:
        """Press the button that opens a form of selects, choose one value in each, submit."""
        opened = await self.click(action)
        assert opened.modal is not None, "the button did not open a modal"
        fields = [row["component"]["custom_id"] for row in opened.modal["components"]]
        assert len(fields) == len(choices), fields
        return await self._answered(
            await self.fake.submit_modal(
                opened, {field: [choice] for field, choice in zip(fields, choices, strict=True)}
            )
        )

    async def rate_readiness(self, score: int) -> None:
        """Both pages of the readiness self-assessment, every dimension at `score`."""
        for _page in range(2):
            await self.fill_modal("ask_scores", *[str(score)] * 3)

    async def answer_everything(
        self,
        place: str = "Leeds",
        *,
        experience: str = "new",
        paths: tuple[str, ...] = ("discussion_group",),
        sharing: str = "town",
        contact: str = "yes",
        mentor_capacity: int = 2,
        stop_at_summary: bool = False,
    ) -> InteractionHandle | None:
        """From the first question to the confirmed summary."""
        await self.type_into("ask_place", place)
        if "place_pick" in self.latest().custom_ids[0]:
            first = self.latest().component(self.latest().custom_ids[0])["options"][0]["value"]
            await self.choose("pick", first)
        await self.click("yes")
        await self.choose("pick", "en")
        if experience == "new":
            await self.click("pick", experience)
        else:
            opened = await self.click("ask_note", experience)
            assert opened.modal is not None
            row = opened.modal["components"][0]
            field = (row.get("components") or [row.get("component")])[0]["custom_id"]
            await self._answered(await self.fake.submit_modal(opened, {field: "A union drive at work"}))
            await self.choose("pick", str(mentor_capacity))
        await self.choose("pick", *paths)
        await self.rate_readiness(3)
        await self.fill_modal("ask_consent", sharing, contact)
        if stop_at_summary:
            return None
        return await self.confirm()

    async def confirm(self) -> InteractionHandle:
        """Confirm the summary; returns once the bot replaced it with its closing message."""
        itx = await self.click("confirm")
        await self.fake.wait_for_request("PATCH", lambda request: itx.token in request.path)
        return itx


async def configure(bot: GroundworkBot, guild: Guild, **values: object) -> None:
    """Set guild settings as a moderator would with /mod settings."""
    async with bot.sessions() as session, session.begin():
        settings = await bot.guild_settings(session, guild.id)
        for key, value in values.items():
            setattr(settings, key, value)


async def start_in_dms(fake: FakeDiscord, guild: Guild, user_id: int) -> Member:
    """A member joins and presses "Let's begin" in the welcome DM."""
    await fake.member_join(guild, user_id, name=f"user{user_id}")
    clicker = Member(fake, user_id)
    await clicker.begin(await fake.wait_for_dm(user_id))
    return clicker


async def onboard(
    fake: FakeDiscord, guild: Guild, user_id: int, place: str = "Leeds", **answers: Any
) -> Member:
    """A member joins and answers the whole conversation."""
    clicker = await start_in_dms(fake, guild, user_id)
    await clicker.answer_everything(place, **answers)
    return clicker

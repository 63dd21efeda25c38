"""The shared pager's page-splitting: whole lines only, every page within Discord's limit, all
lines present and in order, the footer's page numbers right."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.services import moderation, outbox
from bot.services.paging import ELLIPSIS, MESSAGE_LIMIT, line_room, split
from cogs._outbox import stuck_pages, stuck_text
from cogs.moderation._render import page_text
from db.enums import ChatTaskKind

FOOTER = "-# Page {page} of {pages}"


def test_a_short_list_is_one_page_without_a_footer() -> None:
    pages = split(["a", "b"], header="**Audit log**", footer=FOOTER)
    assert pages.texts == ("**Audit log**\na\nb",)


def test_an_empty_list_says_so() -> None:
    assert split([], header="**Audit log**", footer=FOOTER, empty="No entries.").texts == (
        "**Audit log**\nNo entries.",
    )


def test_a_long_list_pages_at_whole_lines_with_the_header_on_every_page() -> None:
    lines = [f"entry {n:03d} " + "x" * 90 for n in range(60)]
    pages = split(lines, header="**Audit log**", footer=FOOTER)
    assert len(pages) == 4
    for number, text in enumerate(pages.texts, start=1):
        assert len(text) <= MESSAGE_LIMIT
        assert text.startswith("**Audit log**\n") and text.endswith(f"-# Page {number} of 4")
    assert [line for group in pages.lines for line in group] == lines
    assert pages.page(9) == (3, pages.texts[3]) and pages.page(-1) == (0, pages.texts[0])


def test_a_line_longer_than_a_page_is_shortened_alone_as_a_last_resort() -> None:
    huge = "y" * 5000
    pages = split(["short", huge, "after"], header="T", footer=FOOTER)
    assert [len(t) <= MESSAGE_LIMIT for t in pages.texts] == [True] * len(pages)
    assert pages.lines[1] == (pages.lines[1][0],) and pages.lines[1][0].endswith(ELLIPSIS)
    assert pages.lines[0] == ("short",) and pages.lines[2] == ("after",)


@given(
    lines=st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=400), max_size=120),
    header=st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=120),
    limit=st.integers(min_value=600, max_value=MESSAGE_LIMIT),
)
def test_lines_are_never_split_pages_fit_and_every_line_is_there_in_order(
    lines: list[str], header: str, limit: int
) -> None:
    pages = split(lines, header=header, footer=FOOTER, limit=limit)
    if not lines and not header:
        assert pages.texts == ("",)
        return
    assert all(len(text) <= limit for text in pages.texts)
    assert [line for group in pages.lines for line in group] == lines  # whole, in order, none lost
    for number, (text, group) in enumerate(zip(pages.texts, pages.lines, strict=True), start=1):
        body = text.split("\n")
        if header:
            assert body.pop(0) == header
        if len(pages) > 1:
            assert body.pop() == FOOTER.format(page=number, pages=len(pages))
        assert body == list(group)
        assert group or not lines  # no empty page between others
    # No page could have taken the next page's first line.
    room = line_room(header=header, footer=FOOTER, count=len(lines), limit=limit)
    for group, following in zip(pages.lines, pages.lines[1:], strict=False):
        assert len("\n".join([*group, following[0]])) > room


def test_the_outbox_list_pages_instead_of_overflowing_a_message() -> None:
    rows = [
        outbox.Stuck(
            task_id=n,
            guild_id=1,
            kind=ChatTaskKind.INTRODUCTION,
            subject_id=n,
            user_ids=(310_000_000_000_000_000 + n, 310_000_000_000_100_000 + n),
            attempts=8,
            last_error=f"task-{n:03d}-error " + "503 " * 45,
            since=datetime(2026, 12, 1, tzinfo=UTC),
            failed=True,
        )
        for n in range(100)
    ]
    pages = stuck_pages(rows)
    assert len(pages) > 5 and all(len(text) <= MESSAGE_LIMIT for text in pages.texts)
    found = [int(n) for text in pages.texts for n in re.findall(r"task-(\d{3})-error", text)]
    assert found == list(range(100))
    assert stuck_pages([]).texts == (stuck_text([]),)


def test_the_member_lists_pages_of_ten_never_outgrow_a_message() -> None:
    """/mod isolated, unpaired and unattended page ten members at a time from the database (their
    own persistent buttons); even ten of the longest lines fit in one message."""
    worst = moderation.ListedMember(
        user_id=310_000_000_000_000_000,
        area="*_`|" * 100,  # every character escaped: the area is cut at 100 after escaping
        precision="district",
        since=datetime(2026, 12, 1, tzinfo=UTC),
        days_waiting=99_999,
    )
    for kind in moderation.MemberList:
        page = moderation.Page(kind, (worst,) * 10, page=99_998, pages=99_999, total=999_999)
        assert len(page_text(page)) <= MESSAGE_LIMIT

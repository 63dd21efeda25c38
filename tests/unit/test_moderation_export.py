"""Exports too big for one upload are split into parts, never cut or failed."""

from __future__ import annotations

import csv
import io

from bot.services.moderation import split_csv


def test_a_small_export_is_one_file() -> None:
    (only,) = split_csv("members", ["a", "b"], [(1, "x"), (2, "y")], max_bytes=1000)
    assert only.name == "members.csv"
    assert list(csv.reader(io.StringIO(only.data.decode()))) == [["a", "b"], ["1", "x"], ["2", "y"]]


def test_a_big_export_is_split_with_the_header_in_every_part_and_nothing_lost() -> None:
    rows = [(i, "é" * 30) for i in range(500)]
    parts = split_csv("members", ["id", "text"], rows, max_bytes=2_000)
    assert len(parts) > 5
    assert [p.name for p in parts[:2]] == ["members-part1.csv", "members-part2.csv"]
    seen = []
    for part in parts:
        assert len(part.data) <= 2_000
        lines = list(csv.reader(io.StringIO(part.data.decode())))
        assert lines[0] == ["id", "text"]
        seen += [int(line[0]) for line in lines[1:]]
    assert seen == list(range(500))


def test_member_text_with_commas_quotes_and_newlines_survives() -> None:
    (only,) = split_csv("x", ["note"], [('he said "hi", then\nleft',)], max_bytes=1000)
    assert list(csv.reader(io.StringIO(only.data.decode())))[1] == ['he said "hi", then\nleft']

"""The prebuilt place index: built once in a child process, then loaded from plain arrays."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.gazetteer import Gazetteer, _gazetteer, _prebuilt, get_gazetteer, index_path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Gazetteer]:
    """A cities15000 index built the way the bot builds one on its first start (the shared
    cities500 one takes longer; this is about the mechanism)."""
    directory = tmp_path_factory.mktemp("gazetteer")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(_prebuilt.DIRECTORY_VARIABLE, str(directory))
        gaz = _gazetteer._shared.__wrapped__(15000)
        return index_path(15000), gaz


def test_a_missing_index_is_built_once_into_the_configured_directory(
    built: tuple[Path, Gazetteer],
) -> None:
    path, gaz = built
    assert path.exists()
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    assert gaz.min_population == 15000 and "cities15000" in gaz.data_version
    best = gaz.resolve("Portland, OR").best
    assert best is not None and (best.name, best.region_code) == ("Portland", "US.OR")


def test_the_file_name_follows_the_data_it_was_built_from(monkeypatch: pytest.MonkeyPatch) -> None:
    before = index_path(500)
    monkeypatch.setattr(_prebuilt, "source_version", lambda dataset: f"other data/{dataset}")
    assert index_path(500) != before
    assert index_path(500).name.startswith("gazetteer-cities500-")


def test_a_loaded_index_answers_like_the_shared_one_for_what_both_know(built: tuple[Path, Gazetteer]) -> None:
    _, small = built
    shared = get_gazetteer()
    for text in ("Leeds UK", "Toronto, ON", "München", "Москва", "Bavaria", "UK", "Portland"):
        mine, theirs = small.resolve(text), shared.resolve(text)
        assert mine.best is not None and theirs.best is not None
        assert mine.best.key == theirs.best.key, text


def test_places_round_trip_through_their_keys(built: tuple[Path, Gazetteer]) -> None:
    _, gaz = built
    for text in ("Missoula", "Missoula County", "Montana", "United States", "Cork", "Kerry"):
        place = gaz.resolve(text).best
        assert place is not None, text
        assert gaz.place_by_key(place.key) == place


def test_no_array_needs_pickle(built: tuple[Path, Gazetteer]) -> None:
    path, gaz = built
    arrays = _prebuilt.read_arrays(path)  # np.load with allow_pickle=False
    assert all(a.dtype.kind != "O" for a in arrays.values())
    assert set(arrays) == set(gaz.to_arrays())

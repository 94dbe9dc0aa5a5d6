"""The cache: built once, used next time, rebuilt when an input changes or the entry is damaged."""

import pytest

from kg import cache, store
from kg.store import open_graph


@pytest.fixture()
def builds(monkeypatch):
    """Count how often the expensive parse-and-reason step runs."""
    calls = []
    real = store.build

    def counting(contents):
        calls.append(len(contents))
        return real(contents)

    monkeypatch.setattr(store, "build", counting)
    return calls


def test_cache_second_open_uses_the_cache(fresh_cache, builds):
    first = open_graph()
    second = open_graph()
    assert builds == [1]
    assert len(first) == len(second) > 0


def test_cache_changed_input_rebuilds(fresh_cache, builds, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://w3id.org/runner-kg/X> <https://w3id.org/runner-kg/engages> "
                     "<https://w3id.org/runner-kg/Glutes> .\n")
    open_graph([extra])
    extra.write_text("<https://w3id.org/runner-kg/Y> <https://w3id.org/runner-kg/engages> "
                     "<https://w3id.org/runner-kg/Glutes> .\n")
    graph = open_graph([extra])
    assert builds == [2, 2]
    assert graph.ask("ASK { kg:Y kg:engages kg:Glutes }")
    assert not graph.ask("ASK { kg:X kg:engages kg:Glutes }")


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],                      # truncated
    lambda data: data.replace(b"Quadriceps", b"Quadricepz"),  # edited
    lambda data: b"\x00garbage" + data,                       # corrupted
])
def test_cache_damaged_entry_is_rebuilt_not_trusted(fresh_cache, builds, damage):
    good = open_graph()
    (entry,) = fresh_cache.glob("*.nq")
    entry.write_bytes(damage(entry.read_bytes()))
    again = open_graph()
    assert builds == [1, 1]
    assert len(again) == len(good)
    assert again.ask("ASK { kg:Running kg:engages kg:Quadriceps }")


def test_cache_key_depends_on_every_byte():
    a = cache.key([("a.ttl", b"<a> <b> <c> .")])
    b = cache.key([("a.ttl", b"<a> <b> <d> .")])
    c = cache.key([("b.ttl", b"<a> <b> <c> .")])
    assert len({a, b, c}) == 3


def test_cache_unwritable_directory_still_works(monkeypatch, tmp_path, builds):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("KG_CACHE_DIR", str(blocker / "cache"))
    assert open_graph().ask("ASK { kg:Running kg:engages kg:Quadriceps }")
    assert builds == [1]

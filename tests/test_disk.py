"""The persistent store: kg load builds it atomically, --store reads it without re-parsing."""

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import terms
from kg.disk import CURRENT, LOCK, load, open_store
from kg.errors import StoreError
from kg.errors import DataError

from .conftest import EXAMPLES, FIXTURES

KG = terms.KG
KG_SCRIPT = Path(sys.executable).parent / "kg"


def _current(store: Path) -> str:
    return (store / CURRENT).read_text().strip()


def test_disk_load_then_open_answers(tmp_path):
    store = tmp_path / "store"
    report = load([EXAMPLES / "shin_splints.ttl"], store)
    assert report["inferred"]["ChainRule"] > 0
    graph = open_store(store)
    assert graph.ask("ASK { GRAPH kg:ChainRule { kg:CalfRaises kg:prevents kg:ShinSplints } }")
    assert graph.ask("ASK { kg:Running kg:engages kg:Quadriceps }")
    assert (store / _current(store) / "COMPLETE").exists()


def test_disk_reload_switches_and_keeps_one_previous(tmp_path):
    store = tmp_path / "store"
    load([EXAMPLES / "shin_splints.ttl"], store)
    first = _current(store)
    load([FIXTURES / "formats.ttl"], store)
    second = _current(store)
    load([FIXTURES / "formats.nt"], store)
    assert _current(store) not in (first, second)
    generations = sorted(p.name for p in store.iterdir() if p.name.startswith("generation-"))
    assert first not in generations and second in generations and len(generations) == 2
    graph = open_store(store)
    assert graph.ask("ASK { kg:FromNTriples kg:engages kg:Glutes }")
    assert not graph.ask("ASK { kg:ShinSplints ?p ?o }")


def test_disk_bad_file_leaves_the_store_as_it_was(tmp_path):
    store = tmp_path / "store"
    load([EXAMPLES / "shin_splints.ttl"], store)
    before = _current(store)
    with pytest.raises(DataError, match=r"bad_syntax.ttl:4:11: malformed Turtle"):
        load([FIXTURES / "bad_syntax.ttl"], store)
    assert _current(store) == before
    assert open_store(store).ask("ASK { kg:ShinSplints a kg:RunningInjury }")
    assert [p.name for p in store.iterdir() if p.name.startswith("generation-")] == [before]


def test_disk_missing_file_fails_before_any_work(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load([tmp_path / "absent.ttl"], tmp_path / "store")
    assert not (tmp_path / "store" / CURRENT).exists()


def test_disk_locked_store_is_a_one_line_error_not_a_wait(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    with open(store / LOCK, "a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write("pid 4242")
        held.flush()
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            load([EXAMPLES / "shin_splints.ttl"], store)
        assert time.monotonic() - started < 5
    assert "locked by a load in progress (pid 4242)" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_disk_open_errors(tmp_path):
    with pytest.raises(StoreError, match="no such store"):
        open_store(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="not a runner-kg store"):
        open_store(tmp_path / "empty")


def _big_file(path: Path, triples: int) -> Path:
    with path.open("w") as f:
        for i in range(triples):
            f.write(f"<{KG}x{i}> <{KG}engages> <{KG}y{i % 997}> .\n")
    return path


@pytest.mark.skipif(not KG_SCRIPT.exists(), reason="the kg console script is not installed beside this Python")
def test_disk_killed_load_leaves_previous_store_usable(tmp_path, cache_dir):
    store = tmp_path / "store"
    load([EXAMPLES / "shin_splints.ttl"], store)
    before = _current(store)
    big = _big_file(tmp_path / "big.nt", 600_000)
    env = {**os.environ, "KG_CACHE_DIR": str(cache_dir)}
    process = subprocess.Popen([str(KG_SCRIPT), "load", str(big), "--store", str(store), "--no-parser"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until the new generation is being written
        if any(p.name.startswith("generation-") and p.name != before for p in store.iterdir()):
            break
        time.sleep(0.02)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _current(store) == before
    graph = open_store(store)
    assert graph.ask("ASK { kg:ShinSplints a kg:RunningInjury }")
    assert not graph.ask("ASK { kg:x1 ?p ?o }")
    load([EXAMPLES / "shin_splints.ttl"], store)  # the next load clears what the killed one left
    leftovers = [p for p in store.iterdir() if p.name.startswith("generation-") and not (p / "COMPLETE").exists()]
    assert leftovers == []


def test_disk_a_store_in_the_old_layout_asks_to_be_rebuilt(tmp_path):
    """Made before each triple got one graph, its default graph would repeat facts both stated
    and inferred: it is refused with the command that rebuilds it."""
    store = tmp_path / "store"
    load([], store)
    (store / _current(store) / "COMPLETE").write_text("complete\n")
    with pytest.raises(StoreError, match="older runner-kg .* rebuild it with: kg load"):
        open_store(store)

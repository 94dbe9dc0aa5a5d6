"""Hostile and careless inputs: files that are not files, entity bombs, huge terms, odd options,
damaged caches and stores, and clients that attack the server. Each file or option gets one line
and a non-zero exit, within seconds and bounded memory; nothing of the user's is deleted; and one
client cannot take the server from the others."""

import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from kg import cache
from kg.disk import load as load_store
from kg.disk import open_store
from kg.errors import DataError, StoreError
from kg.load import read_bytes

from .conftest import ROOT

OK_TTL = "@prefix kg: <https://w3id.org/runner-kg/> .\nkg:Trail kg:engages kg:Glutes .\n"
RDF_HEAD = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
            ' <rdf:Description rdf:about="http://example.org/x"><ex:p>{use}</ex:p></rdf:Description>\n</rdf:RDF>\n')


def kg(*args: str, cwd: Path = ROOT, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real ``kg`` in a child limited to 3 GiB of address space, so that a regression
    (an entity bomb expanded, /dev/zero read) fails the test instead of the machine."""

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], check=False, cwd=cwd, text=True,
                          capture_output=True, timeout=timeout, env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
                          preexec_fn=limit)


def one_line_error(result: subprocess.CompletedProcess, *expected: str) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.stderr[-2000:]
    for text in expected:
        assert text in lines[0]
    return lines[0]


def _commands(path: Path, store: Path) -> list[list[str]]:
    return [["validate", str(path)], ["sparql", "--data", str(path), "ASK {}"],
            ["ask", "--data", str(path), "what is a squat?"], ["load", str(path), "--store", str(store)]]


@pytest.fixture()
def not_files(tmp_path):
    """A FIFO, a symbolic link to /dev/zero and a directory, each named like a Turtle file."""
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.ttl"
    zero.symlink_to("/dev/zero")
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    return {"a FIFO": fifo, "a device": zero, "a directory": folder}


@pytest.mark.parametrize("kind", ["a FIFO", "a device", "a directory"])
@pytest.mark.parametrize("command", range(4))
def test_hostile_non_regular_files_refused_by_name(not_files, tmp_path, kind, command):
    path = not_files[kind]
    args = _commands(path, tmp_path / "store")[command]
    one_line_error(kg(*args, timeout=30), str(path), f"is {kind}", "expected an RDF file")


def test_hostile_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "data.ttl"
    os.mkfifo(fifo)
    outcome = []

    def read():
        try:
            read_bytes(fifo)  # opened without blocking, then checked on the descriptor
        except DataError as e:
            outcome.append(str(e))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():
        with open(fifo, "wb"):  # release the blocked reader before failing
            pass
        pytest.fail("reading a FIFO blocked")
    assert outcome and "is a FIFO" in outcome[0]


def _bomb(levels: int = 10) -> str:
    declarations = ['<!ENTITY a0 "' + "a" * 50 + '">']
    declarations += [f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, levels)]
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(declarations) + "\n]>\n"
            + RDF_HEAD.format(use=f"&a{levels - 1};"))


@pytest.mark.parametrize("content, entity", [
    (_bomb(), "a0"),  # 10^9 copies of 50 bytes: ~50 GB once expanded
    ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "file:///etc/hostname"> ]>\n'
     + RDF_HEAD.format(use="&secret;"), "secret"),
])
@pytest.mark.parametrize("command", range(4))
def test_hostile_xml_entity_declarations_refused_before_parsing(tmp_path, content, entity, command):
    path = tmp_path / "data.rdf"
    path.write_text(content)
    assert path.stat().st_size < 1000
    line = one_line_error(kg(*_commands(path, tmp_path / "store")[command]), f"{path}:", f"XML entity '{entity}'")
    assert line.removeprefix(f"kg: error: {path}:").split(":")[0].isdigit()  # file:line


def test_hostile_rdf_xml_without_entities_still_loads(tmp_path):
    path = tmp_path / "plain.rdf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF>\n' + RDF_HEAD.format(use="value"))
    result = kg("sparql", "--data", str(path), "--format", "tsv", "SELECT ?o WHERE { <http://example.org/x> ?p ?o }")
    assert result.returncode == 0 and '"value"' in result.stdout


@pytest.fixture(scope="module")
def huge_literal(tmp_path_factory) -> Path:
    """A Turtle file whose one literal (17 MB) is larger than pyoxigraph's parse buffer."""
    path = tmp_path_factory.mktemp("huge") / "huge.ttl"
    path.write_text('<http://example.org/a> <http://example.org/b> "' + "x" * 17_000_000 + '" .\n')
    return path


@pytest.mark.parametrize("command", range(4))
def test_hostile_term_too_large_for_the_parser(huge_literal, tmp_path, command):
    one_line_error(kg(*_commands(huge_literal, tmp_path / "store")[command]), str(huge_literal),
                   "longer than the parser accepts")


@pytest.mark.parametrize("args", [
    ["sparql", "--timeout", "inf", "ASK {}"], ["sparql", "--timeout", "nan", "ASK {}"],
    ["sparql", "--timeout", "1e300", "ASK {}"], ["serve", "--timeout", "nan"], ["serve", "--timeout", "inf"],
    ["serve", "--queue", "100000000000000000000"], ["serve", "--max-rows", "100000000000000000000000"],
])
def test_hostile_numeric_options_are_usage_errors(args):
    result = kg(*args, timeout=30)
    assert result.returncode == 2 and "Invalid value for" in result.stderr
    assert "Traceback" not in result.stderr


def test_hostile_cache_never_deletes_files_it_did_not_write(tmp_path, monkeypatch):
    folder = tmp_path / "documents"
    folder.mkdir()
    mine = [folder / f"notes-{i}.txt" for i in range(40)]
    mine += [folder / f"{i:032x}.nq" for i in range(10)]  # named like cache entries, but not in its folder
    for i, path in enumerate(mine):
        path.write_text("keep me")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))  # older than anything the cache writes
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    own = cache.directory()
    outside = tmp_path / "elsewhere.nq"
    outside.write_text("keep me too")
    (own).mkdir(parents=True)
    (own / ("f" * 32 + ".nq")).symlink_to(outside)  # a link with an entry's name: its target is not ours
    for i in range(3 * cache._KEEP):
        assert cache.write(f"{i:032x}", "nq", b"entry")
    assert all(path.read_text() == "keep me" for path in mine)
    assert outside.read_text() == "keep me too"
    entries = [p for p in own.iterdir() if not p.is_symlink()]
    assert 0 < len(entries) <= 2 * cache._KEEP  # it still prunes its own


def _damage_lexicon(path: Path) -> None:
    """Overwrite the first page of the names tables with garbage: the file opens (its meta and
    words tables are intact), and the first question that looks up a name fails."""
    db = sqlite3.connect(path)
    pages = [page for name, page in db.execute("SELECT name, rootpage FROM sqlite_master WHERE rootpage > 0")
             if name in ("patterns", "patterns_key", "entities")]
    assert len(pages) == 3
    size = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    for page in pages:
        start = (page - 1) * size
        data[start: start + size] = b"\xa5" * size
    path.write_bytes(bytes(data))


def test_hostile_damaged_lexicon_is_rebuilt_not_a_traceback(fresh_cache):
    question = "what prevents runner's knee?"
    first = kg("ask", question, env={"KG_CACHE_DIR": os.environ["KG_CACHE_DIR"]})
    assert first.returncode == 0
    (lexicon,) = fresh_cache.glob("*.lexicon-*.sqlite")
    _damage_lexicon(lexicon)
    with pytest.raises(sqlite3.DatabaseError):  # the damage is real: a query on it fails
        sqlite3.connect(lexicon).execute("SELECT count(*) FROM patterns").fetchall()
    again = kg("ask", question, env={"KG_CACHE_DIR": os.environ["KG_CACHE_DIR"]})
    assert again.returncode == 0 and again.stdout == first.stdout, again.stderr[-2000:]
    assert sqlite3.connect(lexicon).execute("SELECT count(*) FROM patterns").fetchone()[0] > 0  # rebuilt in place


def test_hostile_unwritable_cache_runs_without_it(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = kg("ask", "what prevents runner's knee?", env={"KG_CACHE_DIR": str(blocker / "cache")})
    assert result.returncode == 0 and "side leg lifts" in result.stdout, result.stderr[-2000:]


def test_hostile_store_in_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "thesis.txt").write_text("mine")
    data = tmp_path / "data.ttl"
    data.write_text(OK_TTL)
    one_line_error(kg("load", str(data), "--store", "", cwd=tmp_path), "not a runner-kg store and not empty")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.ttl", "thesis.txt"]


def test_hostile_store_that_is_a_file(tmp_path):
    data = tmp_path / "data.ttl"
    data.write_text(OK_TTL)
    one_line_error(kg("load", str(data), "--store", str(data)), "is a file, not a store directory")
    assert data.read_text() == OK_TTL
    one_line_error(kg("ask", "--store", str(data), "what is a squat?"), str(data))


@pytest.mark.parametrize("current", ["", "\n", "../../etc\n", "generation-missing\n"])
def test_hostile_damaged_current_file(tmp_path, current):
    data = tmp_path / "data.ttl"
    data.write_text(OK_TTL)
    store = tmp_path / "store"
    load_store([data], store)
    (store / "CURRENT").write_text(current)
    with pytest.raises(StoreError, match="the store is damaged"):
        open_store(store)
    one_line_error(kg("ask", "--store", str(store), "what is a squat?"), "the store is damaged", "kg load")


def test_hostile_head_has_no_body_so_keep_alive_still_works(server):
    import socket
    import urllib.parse

    host, port = urllib.parse.urlsplit(server.url).hostname, urllib.parse.urlsplit(server.url).port
    for path in ["/sparql?query=ASK%7B%7D", "/health", "/", "/sparql"]:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            data = b""
            while data.count(b"HTTP/1.1 ") < 2 or not data.rstrip().endswith(b"}"):
                chunk = s.recv(65536)
                assert chunk, data
                data += chunk
        head, second = data.split(b"HTTP/1.1 ", 2)[1:]
        assert head.endswith(b"\r\n\r\n"), head  # nothing after the HEAD reply's headers
        assert second.startswith(b"200 OK") and b'"status": "ok"' in second


def test_hostile_deeply_nested_json_to_ask_is_400(server):
    body = "[" * 20_000 + "]" * 20_000
    status, _, reply = server.request("POST", "/ask", body, {"Content-Type": "application/json"})
    assert status == 400 and b"nested too deeply" in reply


# -- kg serve under abuse ---------------------------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
DIRECT = {"Content-Type": "application/sparql-query"}
ATTACKER = "127.0.0.2"  # another client, as the server sees it: Linux routes all of 127/8 to loopback


def _health(server) -> dict:
    return json.loads(server.request("GET", "/health")[2])


def _workers(server) -> set[int]:
    from .test_serve import _children

    return {w for z in _children(server.process.pid) for w in _children(z)}


def test_hostile_one_client_cannot_take_every_worker(start_server):
    server = start_server("--workers", "2", "--timeout", "3", "--no-ask")
    attacker = []
    threads = [threading.Thread(target=lambda: attacker.append(
        server.request("POST", "/sparql", RUNAWAY, DIRECT, source=ATTACKER)[0])) for _ in range(2)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 3
    while _health(server)["idle"] > 1 and time.monotonic() < deadline:
        time.sleep(0.02)  # until a runaway query has a worker
    answered = []
    for _ in range(10):
        started = time.monotonic()
        status = server.request("GET", "/sparql?query=ASK%7B%7D")[0]
        answered.append((status, time.monotonic() - started))
    for thread in threads:
        thread.join()
    assert all(status == 200 and seconds < 1.5 for status, seconds in answered), answered
    assert sorted(attacker) == [503, 503]  # both stopped by the time limit, one after the other


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE " + "{" * 6000 + " ?s ?p ?o " + "}" * 6000, "nested deeper than 128 levels"),
    ("SELECT * WHERE { FILTER(1" + "+1" * 20000 + ") }", "more than 4,000 operators"),
])
def test_hostile_query_too_deep_for_the_engine_is_refused_before_it(server, cli, query, message):
    before = _health(server)["restarts"]
    for _ in range(5):
        status, _, body = server.request("POST", "/sparql", query, DIRECT)
        assert status == 400 and message in body.decode() and "line 1, column" in body.decode()
    assert _health(server)["restarts"] == before  # no worker crashed
    result = kg("sparql", query)
    one_line_error(result, message)


def test_hostile_slow_clients_are_cut_and_cannot_hold_every_connection(start_server):
    from kg.serve import Settings

    server = start_server("--workers", "2", "--client-timeout", "1", "--no-ask")
    port = int(server.url.rsplit(":", 1)[1])
    allowed = Settings(workers=2).connections_per_client
    slow = []
    for _ in range(allowed + 10):
        s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(ATTACKER, 0))
        s.sendall(b"GET /sparql?query=ASK")  # and never the rest
        slow.append(s)
    assert server.request("GET", "/sparql?query=ASK%7B%7D")[0] == 200  # others still get in
    refused = 0
    for s in slow[allowed:]:
        reply = s.recv(4096)
        refused += reply.startswith(b"HTTP/1.1 503") and b"too many connections" in reply
    assert refused == 10
    time.sleep(2.5)  # past the client timeout, and a sweep
    cut = 0
    for s in slow[:allowed]:
        try:
            cut += s.recv(4096) == b""
        except ConnectionResetError:
            cut += 1
    assert cut == allowed
    assert any("cut: the request was not complete after 1 s" in line for line in server.lines)
    for s in slow:
        s.close()


@pytest.fixture()
def served_store(start_server, tmp_path):
    """(data file, store directory, server) for a one-worker kg serve --store over a fresh store."""
    data = tmp_path / "data.ttl"
    data.write_text(OK_TTL)
    store = tmp_path / "store"
    load_store([data], store)
    return data, store, start_server("--store", str(store), "--workers", "1", "--no-ask")


def _kill_workers(server) -> None:
    for worker in _workers(server):
        os.kill(worker, signal.SIGKILL)  # as the out-of-memory killer would; the pool forks a replacement
    time.sleep(0.2)


def test_hostile_store_reloaded_twice_under_a_server_keeps_serving(served_store):
    data, store, server = served_store
    served = open_store(store).key
    for _ in range(2):
        assert kg("load", str(data), "--store", str(store), "--no-parser").returncode == 0
    assert (store / served).exists()  # still held by the server: not deleted under it
    _kill_workers(server)  # the replacement opens the server's generation again
    query = "/sparql?query=" + urllib.parse.quote("ASK { kg:Trail kg:engages kg:Glutes }")
    assert server.request("GET", query)[0] == 200
    assert _health(server)["status"] == "ok"
    server.stop()
    assert kg("load", str(data), "--store", str(store), "--no-parser").returncode == 0
    assert not (store / served).exists()  # released: the next load removes it


def test_hostile_health_fails_when_no_worker_can_answer(served_store):
    _, store, server = served_store
    assert _health(server)["status"] == "ok"
    shutil.rmtree(store / open_store(store).key)  # gone from under it, as by hand
    _kill_workers(server)
    status, _, body = server.request("GET", "/health")
    assert status == 503 and json.loads(body)["status"] == "failing"

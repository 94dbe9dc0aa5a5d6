"""--endpoint: the same questions and commands over a SPARQL 1.1 endpoint, kg serve or Virtuoso,
give the same answers as the embedded store; requests fail in one line.

Virtuoso Open Source (Debian's virtuoso-opensource) is started headless on 127.0.0.1 with the
graph from ``kg export``; without it these tests skip, unless KG_REQUIRE_VIRTUOSO=1 (CI) makes
that a failure.
"""

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.errors import EndpointError, QueryError
from kg.remote import RemoteGraph, bind, with_prefixes

HERE = Path(__file__).parent
QUESTIONS = [json.loads(line).get("question") or json.loads(line)["q"]
             for name in ("golden/ask.jsonl", "questions/suite.jsonl", "questions/heldout.jsonl")
             for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]
STATED_GRAPH = "https://w3id.org/runner-kg/graph/stated"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """virtuoso-t in the foreground on 127.0.0.1, its database in ``folder``, loaded with ``data``."""

    INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 0
DirsAllowed = ., {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {folder}
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""

    def __init__(self, folder: Path, data: Path):
        self.folder, self.sql, self.http = folder, _free_port(), _free_port()
        (folder / "virtuoso.ini").write_text(self.INI.format(folder=folder, sql=self.sql, http=self.http))
        self.process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(folder / "virtuoso.ini")],
                                        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.sparql = f"http://127.0.0.1:{self.http}/sparql"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.sparql + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = (folder / "virtuoso.log").read_text(errors="replace")[-2000:] \
                        if (folder / "virtuoso.log").exists() else ""
                    raise RuntimeError(f"Virtuoso did not start:\n{log}")
                time.sleep(0.3)
        # Triples of the N-Quads file's default graph go to STATED_GRAPH; inferences keep their rules' graphs.
        self.isql(f"ld_dir('{data.parent}', '{data.name}', '{STATED_GRAPH}'); rdf_loader_run(); checkpoint;")
        errors = self.isql("SELECT ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        assert "0 Rows" in errors, errors

    def isql(self, commands: str) -> str:
        done = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql}", "dba", "dba", f"exec={commands}"],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory, cache_dir):
    if not (shutil.which("virtuoso-t") and shutil.which("isql-vt")):
        message = "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)"
        if os.environ.get("KG_REQUIRE_VIRTUOSO"):
            pytest.fail(message + ", and KG_REQUIRE_VIRTUOSO is set")
        pytest.skip(message)
    from kg.store import export, open_graph

    folder = tmp_path_factory.mktemp("virtuoso")
    data = folder / "runner-kg.nq"
    with data.open("wb") as f:
        export(open_graph(), "nq", f)
    server = Virtuoso(folder, data)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def served(cache_dir):
    """kg serve with its default limits (the shared ``server`` cuts results at 200 rows)."""
    from tests.conftest import Server

    server = Server("--workers", "2")
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["kg serve", "virtuoso"])
def endpoint(request) -> str:
    return request.getfixturevalue("served" if request.param == "kg serve" else "virtuoso").sparql


# -- the same answers --------------------------------------------------------------------------

def test_remote_questions_answer_as_embedded(endpoint, asker):
    """Every golden, suite and held-out question: the same JSON answer over HTTP as embedded."""
    from nlp import Asker, render

    remote = Asker(RemoteGraph(endpoint))
    differ = []
    for question in QUESTIONS:
        here, there = json.loads(render.json_text(asker.ask(question))), json.loads(render.json_text(remote.ask(question)))
        if here != there:
            differ.append(question)
    assert len(QUESTIONS) > 500
    assert differ == []


@pytest.mark.parametrize("args", [
    ("ask", "what prevents runner's knee?"),
    ("ask", "does sprinting engage the calves?"),
    ("ask", "--json", "which exercises strengthen the muscles used when sprinting?"),
    ("describe", "quads"),
    ("describe", "--json", "IT band syndrome"),
    ("list",),
    ("list", "exercises"),
    ("path", "glutes", "side leg lifts"),
    ("path", "--all", "hamstrings", "runner's knee"),
    ("graph", "runner's knee", "--format", "mermaid"),
    ("graph", "glutes", "--depth", "2", "--format", "json"),
])
def test_remote_commands_print_what_embedded_prints(endpoint, cli, args):
    here = cli(*args)
    there = cli(*args, "--endpoint", endpoint)
    assert here.exit_code == 0, here.output
    assert (there.exit_code, there.stdout) == (here.exit_code, here.stdout)


def test_remote_sparql_gives_the_same_rows(endpoint, cli):
    query = "SELECT ?exercise ?injury WHERE { ?exercise kg:prevents ?injury } ORDER BY ?injury ?exercise"
    here, there = cli("sparql", "--format", "json", query), cli("sparql", "--format", "json", "--endpoint", endpoint, query)
    assert there.exit_code == 0, there.output
    rows = lambda out: [{k: v["value"] for k, v in r.items()} for r in json.loads(out)["results"]["bindings"]]
    assert rows(there.stdout) == rows(here.stdout) and len(rows(here.stdout)) > 5


def test_remote_stats_from_kg_serve_match_embedded(served, cli):
    here, there = cli("stats", "--json"), cli("stats", "--json", "--endpoint", served.sparql)
    assert there.exit_code == 0 and json.loads(there.stdout) == json.loads(here.stdout)


def test_remote_construct(endpoint):
    triples = RemoteGraph(endpoint).query("CONSTRUCT { kg:Sprinting kg:engages ?m } WHERE { kg:Sprinting kg:engages ?m }")
    assert {t.object.value for t in triples} == {"https://w3id.org/runner-kg/Glutes", "https://w3id.org/runner-kg/Hamstrings"}


def test_remote_tells_stated_from_inferred(endpoint, graph):
    """graphs(): the rule graphs of an inferred fact, and "" or a non-rule graph for a stated one."""
    from kg import terms

    remote = RemoteGraph(endpoint)
    rules = {r.value for r in terms.RULES}
    inferred = (NamedNode(terms.KG + "Hamstrings"), NamedNode(terms.KG + "engagedBy"), NamedNode(terms.KG + "Sprinting"))
    stated = (NamedNode(terms.KG + "Sprinting"), NamedNode(terms.KG + "engages"), NamedNode(terms.KG + "Hamstrings"))
    assert remote.graphs(*inferred) <= rules and graph.graphs(*inferred) <= rules
    assert remote.graphs(*stated) - rules and graph.graphs(*stated) - rules


# -- requests ----------------------------------------------------------------------------------

def test_remote_long_queries_go_as_form_post(served):
    server = served
    before = len(server.lines)
    filler = " ".join(f"kg:X{i}" for i in range(400))
    rows = RemoteGraph(server.sparql).select(f"SELECT ?m WHERE {{ VALUES ?unused {{ {filler} }} kg:Sprinting kg:engages ?m }}")
    assert {r["m"].value for r in rows} == {"https://w3id.org/runner-kg/Glutes", "https://w3id.org/runner-kg/Hamstrings"}
    deadline = time.monotonic() + 5
    while not any(" POST /sparql 200 " in line for line in server.lines[before:]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(" POST /sparql 200 " in line for line in server.lines[before:])


def test_remote_warns_when_the_endpoint_cut_the_results(server, cli):
    result = cli("sparql", "--format", "tsv", "--endpoint", server.sparql, "SELECT * WHERE { ?s ?p ?o }")
    assert result.exit_code == 0
    assert "the endpoint cut the results at 200 rows" in result.stderr
    assert len(result.stdout.splitlines()) == 201


def test_remote_graph_refuses_a_cut_result(server, cli):
    """The parser's vocabulary read from an endpoint that cuts at 200 rows would be incomplete."""
    result = cli("ask", "--endpoint", server.sparql, "what causes ITBS?")
    assert result.exit_code == 2
    assert "cut a result at 200 rows, its row limit" in result.stderr and result.stderr.count("\n") == 1


def test_remote_bad_query_relays_the_servers_message(server, cli):
    result = cli("sparql", "--endpoint", server.sparql, "SELECT ?x WHERE { ?x kg:engages }")
    assert result.exit_code == 2
    assert result.stderr.startswith("kg: error: the endpoint rejected the query: malformed SPARQL at line 1")
    assert result.stderr.count("\n") == 1


def test_remote_update_is_refused_before_sending(server, cli):
    result = cli("sparql", "--endpoint", server.sparql, "DELETE WHERE { ?s ?p ?o }")
    assert result.exit_code == 2 and "read-only" in result.stderr


class _Silent:
    """A server that accepts connections and never answers, or answers every request with ``reply``."""

    def __init__(self, reply: bytes | None = None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.reply, self.held = reply, []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            if self.reply is not None:
                threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        conn.recv(65536)
        try:
            if self.reply.startswith(b"DRIP "):  # a byte at a time: each read succeeds, the whole never ends
                for byte in self.reply[5:]:
                    conn.send(bytes([byte]))
                    time.sleep(0.2)
            else:
                conn.sendall(self.reply)
            conn.close()
        except OSError:
            pass

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("make, args, message", [
    (lambda: None, ("--endpoint", "http://127.0.0.1:9/sparql"), "cannot reach http://127.0.0.1:9/sparql"),
    (lambda: None, ("--endpoint", "ftp://example.org/sparql"), "not an endpoint URL"),
    (lambda: _Silent(), ("--timeout", "1"), "did not answer within 1 s"),
    (lambda: _Silent(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n"
                     b"disk failed\n"), (), "HTTP 500 Internal Server Error: disk failed"),
    (lambda: _Silent(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>"), (),
     "answered with text/html, not SPARQL results or RDF"),
    (lambda: _Silent(b"DRIP HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n\r\n" + b" " * 100),
     ("--timeout", "1"), "did not answer within 1 s"),
])
def test_remote_errors_are_one_line(cli, make, args, message):
    fake = make()
    started = time.monotonic()
    try:
        endpoint = ("--endpoint", fake.url) if fake else ()
        result = cli("sparql", *endpoint, *args, "ASK {}")
    finally:
        if fake:
            fake.close()
    assert time.monotonic() - started < 10  # --timeout bounds the whole request, however the server trickles
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_remote_ask_errors_are_one_line(cli):
    result = cli("ask", "--endpoint", "http://127.0.0.1:9/sparql", "what causes ITBS?")
    assert result.exit_code == 2 and result.stderr.startswith("kg: error: cannot reach")


def test_remote_endpoint_excludes_data_and_store(cli, tmp_path):
    result = cli("ask", "--endpoint", "http://127.0.0.1:9/sparql", "--data", str(tmp_path / "x.ttl"), "what?")
    assert result.exit_code == 2 and "--endpoint reads the server's graph" in result.stderr


def test_remote_bind_writes_terms_not_text():
    query = bind("SELECT ?x ?l WHERE { ?x rdfs:label ?l }", {"x": NamedNode("https://w3id.org/runner-kg/Glutes"),
                                                            "l": Literal('a "quoted" } label\n')})
    assert query == ('SELECT ?x ?l WHERE { VALUES (?x ?l) { (<https://w3id.org/runner-kg/Glutes> '
                     '"a \\"quoted\\" } label\\n") }  ?x rdfs:label ?l }')


def test_remote_declares_only_missing_prefixes_on_the_first_line():
    query = "PREFIX kg: <http://example.org/>\nSELECT * WHERE {\n ?s kg:p ?o ; skos:prefLabel ?l }"
    sent = with_prefixes(query)
    assert sent.count("\n") == query.count("\n")
    assert "PREFIX skos:" in sent and sent.count("PREFIX kg:") == 1

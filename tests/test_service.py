"""SERVICE cannot make this machine call out: refused on the parsed query (kg.sparql.calls_out), and
impossible anyway in the processes that run queries (kg.sandbox). A listener on 127.0.0.1 counts
every connection that reaches it."""

import os
import socket
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode, Quad, Store

from kg import isolate, sandbox
from kg.errors import RefusedError
from kg.sparql import calls_out, check_safe, keywords

# Each hides a SERVICE from a check that reads the query differently from the engine; {url} is the
# listener. The first two are the ones reported against the old check.
PAYLOADS = [
    'SELECT * WHERE {{ BIND("\\u0022" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} BIND("" AS ?y) }}',
    "SELECT * WHERE {{ BIND(<http://x/\\u00a0#> AS ?i) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND('\\u0027' AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} BIND('' AS ?y) }}",
    'SELECT * WHERE {{ BIND("\\U00000022" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} BIND("" AS ?y) }}',
    "SELECT * WHERE {{ BIND(<http://x/\u00a0#> AS ?i) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<http://x/\u2028#> AS ?i) SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # a comment ends at a carriage return\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <{url}> SELECT * WHERE {{ SERVICEex:x{{ ?s ?p ?o }} }}",
    "PREFIX : <{url}> SELECT * WHERE {{ SERVICE:x{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICESILENT<{url}>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ FILTER(1<2)SERVICE<{url}>{{?s ?p ?o}} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
]
# The letters of SERVICE where the engine cannot read a keyword: these queries are not refused.
HARMLESS = [
    'SELECT ?service WHERE { ?service rdfs:label "SERVICE" } # SERVICE',
    "SELECT * { ?s ?p '''SERVICE''' ; ?q _:SERVICE ; ?r \"a\\\"SERVICE\"@en-service ; ?t <http://x/SERVICE> }",
    "SELECT ?t WHERE { ?x schema:serviceType ?t ; kg:SERVICE ?y }",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { }",
]


def _store() -> Store:
    """One triple, so every pattern of a payload has a solution and the engine reaches its SERVICE."""
    store = Store()
    store.add(Quad(NamedNode("http://example.org/a"), NamedNode("http://example.org/b"), Literal("c")))
    return store


def _settle(listener, before: int) -> int:
    time.sleep(0.2)
    return listener.connections - before


# -- layer 1: the query check --------------------------------------------------------------------

def test_service_payloads_reach_the_engine_as_service(listener):
    """Each payload really does make the engine call out: the table tests something real."""
    store = _store()
    for payload in PAYLOADS:
        before = listener.connections
        try:
            list(store.query(payload.format(url=f"http://127.0.0.1:{listener.port}/x")))
        except OSError:
            pass
        assert listener.connections - before == 1, payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_service_check_refuses_every_payload(payload):
    with pytest.raises(RefusedError, match="^SERVICE refused"):
        check_safe(payload.format(url="http://127.0.0.1:9/x"), "hint")


@pytest.mark.parametrize("query", HARMLESS)
def test_service_letters_in_strings_iris_names_and_comments_are_not_refused(query):
    assert not calls_out(query)


def test_service_keywords_are_the_bare_words():
    assert keywords('PREFIX ex: <http://x/> SELECT ?s FROM <g> WHERE { ?s ex:p "WHERE" } # ASK') == \
        {"PREFIX", "SELECT", "FROM", "WHERE"}


# Pieces of a group pattern that hold the characters a check can misread (escaped quotes, Unicode
# spaces in IRIs, comments ending at CR, numbers and booleans touching a keyword), and loose ones.
_FRAGMENTS = ['BIND("x" AS ?v{n})', 'BIND("\\u0022" AS ?v{n})', "BIND('\\u0027' AS ?v{n})",
              'BIND("""a\\u0022""" AS ?v{n})', "BIND('''\\u0027''' AS ?v{n})", 'BIND("\\U00000022" AS ?v{n})',
              "BIND('a\\'b' AS ?v{n})", "BIND(<http://x/\\u00a0#> AS ?v{n})", "BIND(<http://x/\u00a0#> AS ?v{n})",
              "BIND(<http://x/\u2028#> AS ?v{n})", "# note\n", "# note\r", "FILTER(1<2)", "?s ?p ?o .", "?s ?p ?o",
              'OPTIONAL {{ ?s ?p "#" }}', "VALUES ?v{n} {{ 1e1 true }}", "BIND(ex:a AS ?v{n})", "BIND(1e1 AS ?v{n})",
              "BIND(true AS ?v{n})", "{{ ?s ?p ?o }}"]
_LOOSE = ['"', "'", '"""', "\\u0022", "\\u0053", "<", ">", "#", "\r", "\u00a0", ":", "ex:", "_:", "1e1", "true"]
_SERVICE = ["SERVICE ", "SERVICE", "service ", "SeRvIcE", "SERVICE SILENT ", "SERVICESILENT", "\\u0053ERVICE "]
_PIECE = st.one_of(st.sampled_from(_FRAGMENTS), st.sampled_from(_FRAGMENTS), st.sampled_from(_FRAGMENTS),
                   st.sampled_from(_LOOSE))


def _join(pieces: list[str], first: int) -> str:
    return " ".join(piece.format(n=first + i) for i, piece in enumerate(pieces))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.lists(_PIECE, max_size=4), keyword=st.sampled_from(_SERVICE), after=st.lists(_PIECE, max_size=4))
def test_service_check_refuses_whatever_the_engine_would_call(listener, before, keyword, after):
    """Differential: SERVICE among random pieces of a query (about half of them reach the engine's
    SERVICE); whenever the engine itself calls the listener, the check must have refused the query."""
    url = f"http://127.0.0.1:{listener.port}/x"
    query = (f"PREFIX ex: <{url}#> SELECT * WHERE {{ BIND(1 AS ?one) {_join(before, 0)} "
             f"{keyword}<{url}> {{ ?s ?p ?o }} {_join(after, 10)} }}")
    start = listener.connections
    try:
        list(_store().query(query))
    except (SyntaxError, OSError):
        pass
    # The listener counts a connection before it closes it, and only that close ends the engine's call.
    if listener.connections > start:
        assert calls_out(query), query


# -- layer 2: no network in the processes that run queries ---------------------------------------

needs_sandbox = pytest.mark.skipif(not sandbox.supported(), reason="seccomp filters need Linux on x86_64 or aarch64")


def _connect(port: int) -> str:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return "connected"
    except OSError as e:
        return os.strerror(e.errno) if e.errno else str(e)


@needs_sandbox
def test_service_isolated_call_has_no_network_unless_asked(listener):
    assert isolate.call(_connect, listener.port, timeout=10) == os.strerror(sandbox.REFUSED)
    assert _settle(listener, 0) == 0
    assert isolate.call(_connect, listener.port, timeout=10, network=True) == "connected"
    assert _settle(listener, 0) == 1


@needs_sandbox
def test_service_sandbox_keeps_local_sockets():
    def local() -> bool:
        a, b = socket.socketpair()
        a.sendall(b"x")
        unix = socket.socket(socket.AF_UNIX)
        unix.close()
        return b.recv(1) == b"x"

    assert isolate.call(local, timeout=10)


@needs_sandbox
def test_service_server_workers_cannot_call_out_even_past_the_check(graph, listener, monkeypatch):
    """The server's own worker code, with the query check switched off (as if it had a gap), handed
    a SERVICE query: the engine's connection is refused by the kernel, and the reply is a 403
    naming SERVICE."""
    from kg import jobs
    from kg.jobs import worker_setup
    from kg.serve import Settings
    from kg.workers import Pool

    monkeypatch.setattr(jobs, "check_safe", lambda text, hint: None)  # the workers fork with it

    pool = Pool(1, lambda: worker_setup(graph, Settings(ask=False)), waiting=1, confine=sandbox.deny_network)
    try:
        assert pool.confined is True
        job = {"kind": "sparql", "accept": None, "base": "http://127.0.0.1/sparql", "default": None, "named": None,
               "query": PAYLOADS[0].format(url=f"http://127.0.0.1:{listener.port}/x")}
        reply = pool.call(job, 10)
        assert reply.status == 403
        assert b"".join(reply.body()).startswith(b"SERVICE refused")
    finally:
        pool.close()
    assert _settle(listener, 0) == 0


# -- through kg serve and kg sparql --------------------------------------------------------------

def _send(server, form: str, query: str):
    if form == "GET":
        return server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
    if form == "form POST":
        return server.request("POST", "/sparql", urllib.parse.urlencode({"query": query}),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    return server.request("POST", "/sparql", query, {"Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("form", ["GET", "form POST", "direct POST"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_service_serve_refuses_every_payload_in_every_protocol_form(server, listener, form, payload):
    status, _, body = _send(server, form, payload.format(url=f"http://127.0.0.1:{listener.port}/x"))
    assert status == 403
    assert body.startswith(b"SERVICE refused")
    assert _settle(listener, 0) == 0


def test_service_serve_health_says_the_workers_have_no_network(server):
    import json

    _, _, body = server.request("GET", "/health")
    assert json.loads(body)["network"] == ("denied" if sandbox.supported() else "open")


def test_service_serve_still_answers_queries_with_the_letters(server):
    status, _, _ = _send(server, "GET", HARMLESS[0])
    assert status == 200


@pytest.mark.parametrize("payload", PAYLOADS)
def test_service_cli_sparql_refuses_every_payload(cli, listener, payload):
    result = cli("sparql", payload.format(url=f"http://127.0.0.1:{listener.port}/x"))
    assert result.exit_code == 2
    assert result.output.startswith("kg: SERVICE refused") or "SERVICE refused" in result.output.splitlines()[0]
    assert "--allow-service" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _settle(listener, 0) == 0


def test_service_cli_sparql_allow_service_calls_the_server(cli, listener):
    url = f"http://127.0.0.1:{listener.port}/x"
    result = cli("sparql", "--allow-service", f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}")
    assert _settle(listener, 0) == 1
    assert result.exit_code in (0, 1)  # SILENT: the failed call gives no rows rather than an error


def test_service_the_graph_layer_never_imports_the_question_layer():
    """kg/ is below nlp/: the server gets its question answerer handed in by the CLI."""
    import ast
    from pathlib import Path

    kg = Path(__file__).resolve().parent.parent / "kg"
    imports = []
    for path in kg.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "nlp":
                imports.append(path.name)
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "nlp" for a in node.names):
                imports.append(path.name)
    assert len(list(kg.glob("*.py"))) > 10 and imports == []

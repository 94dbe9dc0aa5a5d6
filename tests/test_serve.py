"""kg serve: the SPARQL 1.1 endpoint, questions over HTTP, and its safety limits, on a real server
started on 127.0.0.1 (tests/conftest.py: Server)."""

import csv
import io
import json
import os
import re
import signal
import socket
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

ENGAGED_BY_SPRINTING = "SELECT ?m WHERE { kg:Sprinting kg:engages ?m } ORDER BY ?m"
MUSCLES = {"https://w3id.org/runner-kg/Glutes", "https://w3id.org/runner-kg/Hamstrings"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def get(server, query: str, **params):
    return server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query, **params}),
                          headers=params.pop("headers", None))


def values(body: bytes, fmt=QueryResultsFormat.JSON) -> set[str]:
    return {term.value for row in parse_query_results(body, format=fmt) for term in row if term is not None}


# -- the protocol ------------------------------------------------------------------------------

def test_serve_get_query_returns_json_results(server):
    status, headers, body = get(server, ENGAGED_BY_SPRINTING)
    assert status == 200
    assert headers["content-type"] == "application/sparql-results+json"
    assert values(body) == MUSCLES


@pytest.mark.parametrize("headers, body", [
    (FORM, "query=" + urllib.parse.quote(ENGAGED_BY_SPRINTING)),
    (DIRECT, ENGAGED_BY_SPRINTING),
    ({"Content-Type": "application/sparql-query; charset=UTF-8"}, ENGAGED_BY_SPRINTING),
])
def test_serve_post_form_and_direct(server, headers, body):
    status, _, data = server.request("POST", "/sparql", body, headers)
    assert status == 200
    assert values(data) == MUSCLES


@pytest.mark.parametrize("accept, media_type, read", [
    ("application/sparql-results+xml", "application/sparql-results+xml",
     lambda b: values(b, QueryResultsFormat.XML)),
    ("text/csv", "text/csv; charset=utf-8", lambda b: {row["m"] for row in csv.DictReader(io.StringIO(b.decode()))}),
    ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8",
     lambda b: values(b, QueryResultsFormat.TSV)),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml",
     lambda b: values(b, QueryResultsFormat.XML)),
    ("*/*", "application/sparql-results+json", values),
])
def test_serve_negotiates_select_formats(server, accept, media_type, read):
    status, headers, body = get(server, ENGAGED_BY_SPRINTING, headers={"Accept": accept})
    assert status == 200
    assert headers["content-type"] == media_type
    assert read(body) == MUSCLES


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/ld+json", RdfFormat.JSON_LD), ("application/rdf+xml", RdfFormat.RDF_XML), (None, RdfFormat.TURTLE),
])
def test_serve_negotiates_construct_formats(server, accept, fmt):
    query = "CONSTRUCT { kg:Sprinting kg:engages ?m } WHERE { kg:Sprinting kg:engages ?m }"
    status, headers, body = get(server, query, headers={"Accept": accept} if accept else {})
    assert status == 200
    assert headers["content-type"].split(";")[0] == (accept or "text/turtle")
    assert {t.object.value for t in parse(body, format=fmt)} == MUSCLES


@pytest.mark.parametrize("accept, boolean", [
    ("application/sparql-results+json", lambda b: json.loads(b)["boolean"]),
    ("application/sparql-results+xml",
     lambda b: ET.fromstring(b).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"),
])
def test_serve_ask_query_formats(server, accept, boolean):
    status, headers, body = get(server, "ASK { kg:Sprinting kg:engages kg:Glutes }", headers={"Accept": accept})
    assert status == 200 and headers["content-type"] == accept
    assert boolean(body) is True


def test_serve_format_parameter_overrides_accept(server):
    status, headers, body = get(server, ENGAGED_BY_SPRINTING, format="csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert body.decode().splitlines()[0] == "m"


def test_serve_refuses_unacceptable_media_type_with_406(server):
    status, _, body = get(server, ENGAGED_BY_SPRINTING, headers={"Accept": "image/png"})
    assert status == 406
    assert b"application/sparql-results+json" in body


def test_serve_dataset_from_protocol_parameters(server):
    """default-graph-uri picks the graphs that make the default graph, here one rule's inferences."""
    rule = "https://w3id.org/runner-kg/ChainRule"
    query = "SELECT ?s WHERE { ?s kg:locatedIn kg:Thigh }"
    _, _, chained = get(server, query, **{"default-graph-uri": rule})
    _, _, everything = get(server, query)
    _, _, stated_only = get(server, query, **{"default-graph-uri": "urn:x-arq:DefaultGraph"})
    assert values(chained) and values(stated_only)
    assert values(chained) | values(stated_only) == values(everything)
    assert not values(chained) & values(stated_only)  # each fact lives in one graph
    status, _, nothing = get(server, query, **{"default-graph-uri": "http://example.org/no-such-graph"})
    assert status == 200 and values(nothing) == set()


def test_serve_query_from_names_a_graph_of_the_store(server):
    status, _, body = get(server, "SELECT ?s ?o FROM kg:ChainRule WHERE { ?s kg:locatedIn ?o }")
    assert status == 200
    _, _, union = get(server, "SELECT ?s ?o WHERE { ?s kg:locatedIn ?o }")
    assert 0 < len(list(parse_query_results(body, format=QueryResultsFormat.JSON))) < \
        len(list(parse_query_results(union, format=QueryResultsFormat.JSON)))


def test_serve_describes_itself_without_a_query(server):
    import rdflib

    status, headers, body = server.request("GET", "/sparql")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(server.sparql)) in g
    # Every result format it advertises is one it serves.
    media = {"SPARQL_Results_JSON": "application/sparql-results+json", "SPARQL_Results_XML":
             "application/sparql-results+xml", "SPARQL_Results_CSV": "text/csv", "SPARQL_Results_TSV":
             "text/tab-separated-values", "Turtle": "text/turtle", "N-Triples": "application/n-triples",
             "JSON-LD": "application/ld+json", "RDF_XML": "application/rdf+xml"}
    advertised = {str(o).rsplit("/", 1)[1] for o in g.objects(None, sd.resultFormat)}
    assert advertised == set(media)
    for name in advertised:
        query = "SELECT ?m WHERE { kg:Sprinting kg:engages ?m }" if name.startswith("SPARQL") else \
            "CONSTRUCT WHERE { kg:Sprinting kg:engages ?m }"
        status, headers, _ = server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                                            headers={"Accept": media[name]})
        assert status == 200 and headers["content-type"].startswith(media[name]), name


# -- bad requests: one line, the right status, never a traceback -------------------------------

@pytest.mark.parametrize("method, path, body, headers, status", [
    ("PUT", "/sparql?query=ASK%7B%7D", None, {}, 405),
    ("DELETE", "/sparql", None, {}, 405),
    ("GET", "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),
    ("POST", "/sparql", "ASK {}", {"Content-Type": "text/plain"}, 415),
    ("POST", "/sparql", "query=ASK%20%7B%7D", {}, 415),
    ("POST", "/sparql", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415),
    ("POST", "/sparql", b"ASK { \xff }", DIRECT, 400),
    ("GET", "/sparql?query=%ff", None, {}, 400),
    ("GET", "/sparql?default-graph-uri=x", None, {}, 400),
    ("GET", "/nowhere", None, {}, 404),
    ("GET", "/ask", None, {}, 405),
])
def test_serve_rejects_bad_requests(server, method, path, body, headers, status):
    got, response_headers, data = server.request(method, path, body, headers)
    assert got == status
    text = data.decode()
    assert text.count("\n") == 1 and "Traceback" not in text
    if status == 405:
        assert response_headers["allow"] == ("POST" if path == "/ask" else "GET, HEAD, POST")


def test_serve_bad_query_gets_400_with_the_parser_message(server):
    status, _, body = get(server, "SELECT ?x WHERE {\n  ?x kg:engages\n}")
    assert status == 400
    assert re.match(r"malformed SPARQL at line \d+, column \d+", body.decode())
    assert "Traceback" not in body.decode()


@pytest.mark.parametrize("method, path, body, headers", [
    ("POST", "/sparql", "INSERT DATA { kg:Sprinting kg:engages kg:Nothing }", {"Content-Type": "application/sparql-update"}),
    ("POST", "/sparql", "update=" + urllib.parse.quote("INSERT DATA { kg:Sprinting kg:engages kg:Nothing }"), FORM),
    ("GET", "/sparql?update=CLEAR%20ALL", None, {}),
    ("GET", "/sparql?query=" + urllib.parse.quote("DROP ALL"), None, {}),
    ("POST", "/sparql", "PREFIX ex: <http://example.org/> INSERT DATA { kg:Sprinting kg:engages kg:Nothing }", DIRECT),
])
def test_serve_refuses_updates_and_leaves_the_graph_untouched(server, method, path, body, headers):
    status, _, data = server.request(method, path, body, headers)
    assert status == 403
    assert b"read-only" in data
    _, _, answer = get(server, "ASK { kg:Sprinting kg:engages kg:Nothing }")
    assert json.loads(answer)["boolean"] is False
    _, _, count = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(next(iter(parse_query_results(count, format=QueryResultsFormat.JSON)))["n"].value) > 2000


def test_serve_from_a_url_never_fetches_it(server, listener):
    status, _, body = get(server, f"SELECT * FROM <http://127.0.0.1:{listener.port}/data.ttl> WHERE {{ ?s ?p ?o }}")
    assert status == 200
    assert values(body) == set()  # a graph name the store does not hold: an empty default graph
    time.sleep(0.3)
    assert listener.connections == 0


def test_serve_row_limit_cuts_and_says_so(server):
    status, headers, body = get(server, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert status == 200
    assert headers["x-sparql-maxrows"] == "200"
    assert len(list(parse_query_results(body, format=QueryResultsFormat.JSON))) == 200
    status, headers, body = get(server, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                headers={"Accept": "application/n-triples"})
    assert headers["x-sparql-maxrows"] == "200" and len(body.splitlines()) == 200
    _, headers, _ = get(server, ENGAGED_BY_SPRINTING)
    assert "x-sparql-maxrows" not in headers
    deadline = time.monotonic() + 5  # a line is logged once its reply is sent, so just after the client has it
    while not any(line.endswith("(cut at 200 rows)") for line in server.lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any(line.endswith("(cut at 200 rows)") for line in server.lines)


def test_serve_body_limit(server):
    status, _, body = server.request("POST", "/sparql", "ASK {} #" + "x" * 70_000, DIRECT)
    assert status == 413 and body == b"the request body is larger than the 65,536-byte limit\n"
    status, _, _ = server.request("GET", "/sparql?query=" + urllib.parse.quote("ASK {} #" + "x" * 70_000))
    assert status == 413
    assert any("POST /sparql 413 " in line and "(rejected: the request body is larger" in line
               for line in server.lines)


def test_serve_http_layer_rejections_are_one_line_and_logged(server):
    """What the HTTP layer refuses before the application sees it: a malformed request line."""
    parts = urllib.parse.urlsplit(server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(b"GARBAGE\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.split()[1] == b"400" and body.count(b"\n") == 1 and body.startswith(b"bad request")
    deadline = time.monotonic() + 5
    while not any(" 400 0.0 ms (rejected: bad request" in line for line in server.lines):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_serve_head_and_plain_xml(server):
    status, headers, body = server.request("HEAD", "/sparql?query=" + urllib.parse.quote(ENGAGED_BY_SPRINTING))
    assert status == 200 and body == b"" and headers["content-type"] == "application/sparql-results+json"
    status, headers, body = get(server, ENGAGED_BY_SPRINTING, headers={"Accept": "application/xml"})
    assert status == 200 and values(body, QueryResultsFormat.XML) == MUSCLES


def test_serve_unknown_format_name_is_400(server):
    status, _, body = get(server, "ASK {}", format="bogus")
    assert status == 400 and body.startswith(b"unknown format 'bogus'; use one of json, xml")


def test_serve_cors_is_off_by_default(server):
    status, headers, _ = get(server, "ASK {}", headers={"Origin": "https://app.example"})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, _, _ = server.request("OPTIONS", "/sparql", headers={"Origin": "https://app.example",
                                                                 "Access-Control-Request-Method": "POST"})
    assert status == 405


def test_serve_cors_allows_the_named_origin_only(start_server):
    server = start_server("--workers", "1", "--no-ask", "--cors", "https://app.example")
    status, headers, _ = server.request("OPTIONS", "/sparql", headers={"Origin": "https://app.example",
                                                                       "Access-Control-Request-Method": "POST"})
    assert status == 204 and "POST" in headers["access-control-allow-methods"]
    _, headers, _ = get(server, "ASK {}", headers={"Origin": "https://app.example"})
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert "X-SPARQL-MaxRows" in headers["access-control-expose-headers"]
    _, headers, _ = get(server, "ASK {}", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in headers


# -- time limits and load ----------------------------------------------------------------------

def test_serve_timeout_stops_a_runaway_query_while_others_get_answers(server):
    before = json.loads(server.request("GET", "/health")[2])["restarts"]
    runaway = {}

    def run():
        started = time.monotonic()
        runaway["status"], _, runaway["body"] = server.request("POST", "/sparql", RUNAWAY, DIRECT, source="127.0.0.2")
        runaway["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    answered = []
    while thread.is_alive():
        started = time.monotonic()
        status, _, body = get(server, ENGAGED_BY_SPRINTING)
        answered.append((status, time.monotonic() - started))
        time.sleep(0.05)
    thread.join()
    assert runaway["status"] == 503
    assert b"3 s time limit" in runaway["body"]
    assert 2.5 < runaway["seconds"] < 10
    assert len(answered) >= 10 and all(status == 200 for status, _ in answered)
    assert max(seconds for _, seconds in answered) < 2.0  # not queued behind the runaway (3 s limit)
    assert json.loads(server.request("GET", "/health")[2])["restarts"] == before + 1
    assert get(server, ENGAGED_BY_SPRINTING)[0] == 200  # the replacement worker answers


def test_serve_overloaded_gets_503(start_server):
    server = start_server("--workers", "1", "--queue", "0", "--timeout", "2", "--no-ask")
    thread = threading.Thread(target=server.request, args=("POST", "/sparql", RUNAWAY, DIRECT))
    thread.start()
    time.sleep(0.5)  # until the runaway query has the only worker (/health would need it too)
    status, headers, body = get(server, "ASK {}")
    thread.join()
    assert status == 503
    assert headers["retry-after"] == "1" and b"overloaded" in body
    assert get(server, "ASK {}")[0] == 200


# -- questions and the page --------------------------------------------------------------------

@pytest.mark.parametrize("question", ["what prevents runner's knee?", "does running make your legs bulky?",
                                      "what is the capital of France?", "how are the glutes related to runner's knee?"])
def test_serve_ask_returns_the_json_of_kg_ask(server, cli, question):
    status, headers, body = server.request("POST", "/ask", json.dumps({"question": question}),
                                           {"Content-Type": "application/json"})
    assert status == 200 and headers["content-type"] == "application/json"
    expected = cli("ask", "--json", question)
    assert json.loads(body) == json.loads(expected.stdout)


@pytest.mark.parametrize("body, message", [
    ("not json", b"not JSON"), ('{"q": "x"}', b"question"), ('["what"]', b"question"),
    ('{"question": "?!"}', b"empty question"),
    (json.dumps({"question": "what prevents runners knee and " * 30}), b"question too long (150 words"),
])
def test_serve_ask_bad_requests(server, body, message):
    status, _, data = server.request("POST", "/ask", body, {"Content-Type": "application/json"})
    assert status == 400 and message in data


def test_serve_page_works_offline(server):
    status, headers, body = server.request("GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "the page loads nothing from elsewhere"
    assert not re.search(r"url\(|@import", page)
    assert "connect-src 'self'" in headers["content-security-policy"]
    assert 'id="query"' in page and 'id="question"' in page
    # An answer shows its text, names and next step; the SPARQL and each item's why are behind a toggle.
    assert 'el("summary", "SPARQL that was run")' in page and "answer.advice.text" in page
    examples = json.loads(re.search(r"const examples = (\[.*?\]);", page).group(1))
    assert examples and all(isinstance(e, str) for e in examples)
    prefixes = json.loads(re.search(r"const prefixes = (\{.*?\});", page).group(1))
    assert prefixes["kg"] == "https://w3id.org/runner-kg/"


def test_serve_logs_one_line_per_request(start_server):
    server = start_server("--workers", "1", "--no-ask")
    get(server, "ASK {}")
    get(server, "ASK {")
    server.request("GET", "/health")
    server.request("GET", "/missing")
    log = _log(server, 4)
    pattern = re.compile(r"^\S+Z 127\.0\.0\.1 (GET|POST) (/\S*) (\d{3}) \d+\.\d ms")
    assert [pattern.match(line).group(2, 3) for line in log] == [
        ("/sparql", "200"), ("/sparql", "400"), ("/health", "200"), ("/missing", "404")]


def _log(server, n: int) -> list[str]:
    """The request lines of the log, once there are ``n`` (each is written just after its reply)."""
    deadline = time.monotonic() + 5
    while True:
        lines = [line for line in server.lines if "kg serve:" not in line]
        if len(lines) >= n or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def test_serve_sigterm_lets_a_request_in_progress_finish(start_server):
    server = start_server("--workers", "1", "--timeout", "2", "--no-ask")
    reply = {}
    thread = threading.Thread(target=lambda: reply.update(zip(("status", "headers", "body"),
                                                              server.request("POST", "/sparql", RUNAWAY, DIRECT))))
    thread.start()
    time.sleep(0.5)
    server.process.send_signal(signal.SIGTERM)
    thread.join(timeout=20)
    assert reply["status"] == 503 and b"time limit" in reply["body"]  # answered, not dropped
    assert server.process.wait(timeout=30) == 0  # the one SIGTERM was enough
    assert any(" POST /sparql 503 " in line for line in server.lines)


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc")
def test_serve_stops_cleanly_on_sigterm(start_server):
    server = start_server("--workers", "2", "--no-ask")
    assert get(server, "ASK {}")[0] == 200
    zygotes = _children(server.process.pid)
    workers = {w for z in zygotes for w in _children(z)}
    assert len(zygotes) == 1 and len(workers) == 2
    assert server.stop() == 0
    assert server.lines[-1] == "kg serve: stopped"
    time.sleep(0.2)
    for pid in zygotes | workers:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"


def test_serve_cannot_listen_gives_one_line(cli, server):
    port = urllib.parse.urlsplit(server.url).port
    result = cli("serve", "--port", str(port), "--no-ask", "--workers", "1")
    assert result.exit_code == 2
    assert "cannot listen on 127.0.0.1:" in result.output and "Traceback" not in result.output


def test_serve_from_a_persistent_store(start_server, tmp_path):
    """Two instances over one store answer alike: nothing is written, so they can share it."""
    from kg.disk import load

    load([os.path.join(os.path.dirname(__file__), "..", "examples", "shin_splints.ttl")], tmp_path / "store")
    first = start_server("--store", str(tmp_path / "store"), "--workers", "1")
    second = start_server("--store", str(tmp_path / "store"), "--workers", "1")
    question = json.dumps({"question": "what prevents shin splints?"})
    answers = [json.loads(s.request("POST", "/ask", question, {"Content-Type": "application/json"})[2])
               for s in (first, second)]
    assert answers[0] == answers[1] and answers[0]["answers"]


def test_serve_relative_iris_resolve_against_the_endpoint(server):
    status, _, body = get(server, "SELECT ?x WHERE { BIND(<thing> AS ?x) }")
    assert status == 200 and values(body) == {server.sparql.rsplit("/", 1)[0] + "/thing"}
    status, _, body = server.request("GET", "/sparql?query=" + urllib.parse.quote("SELECT ?x WHERE { BIND(<a> AS ?x) }"),
                                     headers={"Host": "bad host<>"})
    assert status == 200  # a Host header that is no host name is not used as the base


def test_serve_small_replies_keep_the_connection_and_large_ones_stream(start_server):
    import http.client

    server = start_server("--workers", "1", "--no-ask")
    parts = urllib.parse.urlsplit(server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for _ in range(3):  # one connection, three replies, each with its length
        connection.request("GET", "/sparql?query=" + urllib.parse.quote(ENGAGED_BY_SPRINTING))
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Content-Length") and values(response.read()) == MUSCLES
    connection.request("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }"))
    response = connection.getresponse()
    body = response.read()
    assert response.getheader("Transfer-Encoding") == "chunked" and len(body) > 256 * 1024
    assert len(list(parse_query_results(body, format=QueryResultsFormat.JSON))) > 2000
    connection.close()


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads processes from /proc")
def test_serve_replaces_a_worker_killed_from_outside(start_server):
    server = start_server("--workers", "1", "--no-ask")
    assert get(server, "ASK {}")[0] == 200
    (zygote,) = _children(server.process.pid)
    (worker,) = _children(zygote)
    os.kill(worker, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    time.sleep(0.2)
    status, _, body = get(server, ENGAGED_BY_SPRINTING)
    assert status == 200 and values(body) == MUSCLES
    assert json.loads(server.request("GET", "/health")[2])["restarts"] == 1


def test_serve_negotiated_replies_vary_by_accept_and_log_lines_have_times(server):
    """A cache must key a /sparql reply on Accept (its format follows it); each log line starts
    with when it happened (UTC, ISO 8601)."""
    before = len(server.lines)
    status, headers, _ = get(server, "ASK { kg:Sprinting kg:engages kg:Glutes }")
    assert status == 200 and "Accept" in [v.strip() for v in headers["vary"].split(",")]
    _, page_headers, _ = server.request("GET", "/")
    assert "Accept" not in page_headers.get("vary", "")
    deadline = time.monotonic() + 5
    while not any(" GET /sparql 200 " in line for line in server.lines[before:]) and time.monotonic() < deadline:
        time.sleep(0.05)
    line = next(line for line in server.lines[before:] if " GET /sparql 200 " in line)
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z 127\.0\.0\.1 GET /sparql 200 ", line), line

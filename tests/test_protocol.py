"""The W3C SPARQL 1.1 Protocol tests, run from their manifest against kg serve on 127.0.0.1.

The query and bad-request tests run as written. The update tests start with an update request;
a read-only endpoint must refuse it (4xx), and their later requests, which check the update's
effect, do not apply.
"""

import json
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.collection import Collection

# A copy of the suite (W3C test suite licence: LICENSE.md beside it).
SUITE = Path(__file__).parent / "w3c" / "protocol"
MANIFEST = SUITE / "manifest.ttl"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = rdflib.Namespace("http://www.w3.org/2011/http-statusCodes#")

STATUS = {HTS.StatusCode2xx: range(200, 300), HTS.StatusCode3xx: range(300, 400), HTS.StatusCode4xx: range(400, 500)}
RESULTS = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values"}
RDF = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


def _manifest():
    if not MANIFEST.exists():
        return None, []
    g = rdflib.Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(g.subjects(rdflib.RDF.type, MF.Manifest))
    entries = list(Collection(g, g.value(manifest, MF.entries)))
    return g, entries


GRAPH, ENTRIES = _manifest()
pytestmark = pytest.mark.skipif(not ENTRIES, reason=f"the W3C protocol manifest is not at {MANIFEST}")


def _requests(test) -> list[dict]:
    action = GRAPH.value(test, MF.action)
    found = []
    for request in Collection(GRAPH, GRAPH.value(action, HT.requests)):
        body = GRAPH.value(request, HT.body)
        headers = {}
        header_list = GRAPH.value(request, HT.headers)
        if header_list is not None:
            for header in Collection(GRAPH, header_list):
                headers[str(GRAPH.value(header, HT.fieldName))] = str(GRAPH.value(header, HT.fieldValue))
        data = None
        if body is not None:
            encoding = str(GRAPH.value(body, CNT.characterEncoding) or "UTF-8")
            data = str(GRAPH.value(body, CNT.chars)).encode(encoding)
        response = GRAPH.value(request, HT.resp)
        found.append({
            "method": str(GRAPH.value(request, HT.methodName)),
            "path": str(GRAPH.value(request, HT.absolutePath)),
            "headers": headers,
            "body": data,
            "status": [STATUS[s] for s in GRAPH.objects(response, MF.expectedStatus)],
            "format": GRAPH.value(response, MF.expectedFormat),
            "boolean": GRAPH.value(response, MF.expectedBoolean),
        })
    return found


def _is_update(request: dict) -> bool:
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    body = request["body"] or b""
    return ("update" in params or request["headers"].get("content-type", "").startswith("application/sparql-update")
            or body.startswith(b"update="))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, cache_dir):
    """kg serve with the suite's data: each file in the named graph the manifest gives it."""
    from tests.conftest import Server

    graphs = {}
    for test in ENTRIES:
        for data in GRAPH.objects(test, UT.graphData):
            graphs[str(GRAPH.value(data, rdflib.RDFS.label))] = Path(urllib.parse.urlsplit(GRAPH.value(data, UT.graph)).path)
    quads = tmp_path_factory.mktemp("w3c") / "protocol-data.nq"
    with quads.open("w", encoding="utf-8") as out:
        for name, path in sorted(graphs.items()):
            for line in (SUITE / path.name).read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.write(line.rstrip().rstrip(".").rstrip() + f" <{name}> .\n")
    server = Server("--data", str(quads), "--workers", "2", "--no-ask")
    yield server
    server.stop()


@pytest.mark.parametrize("test", ENTRIES, ids=[str(e).rsplit("#", 1)[-1] for e in ENTRIES])
def test_protocol_w3c(endpoint, test):
    requests = _requests(test)
    if _is_update(requests[0]):
        status, _, body = _send(endpoint, requests[0])
        assert 400 <= status < 500, f"an update must be refused by a read-only endpoint, got {status}: {body[:200]!r}"
        return
    for request in requests:
        status, headers, body = _send(endpoint, request)
        assert any(status in r for r in request["status"]), f"status {status}: {body[:300]!r}"
        if request["format"] is None or status >= 300:
            continue
        media_type = headers.get("content-type", "").split(";")[0].strip()
        fmt = str(request["format"])
        if fmt == "boolean":
            assert media_type in ("application/sparql-results+json", "application/sparql-results+xml")
            value = _boolean(media_type, body)
            assert value is (request["boolean"].toPython() if request["boolean"] is not None else value)
        elif fmt == "tabular":
            assert media_type in RESULTS
        elif fmt == "RDF":
            assert media_type in RDF
            rdflib.Graph().parse(data=body, format={"text/turtle": "turtle", "application/n-triples": "nt",
                                                    "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[media_type])


def _send(endpoint, request: dict):
    """The request as the manifest writes it: kg serve answers at /sparql/ as well as /sparql."""
    return endpoint.request(request["method"], request["path"], request["body"], request["headers"])


def _boolean(media_type: str, body: bytes) -> bool:
    if media_type.endswith("json"):
        return json.loads(body)["boolean"]
    return ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"

"""Real SPARQL clients against kg serve on 127.0.0.1: SPARQLWrapper and rdflib's SPARQLStore."""

import urllib.error

import pytest
import rdflib
from rdflib import URIRef

KG = rdflib.Namespace("https://w3id.org/runner-kg/")
PREFIX = "PREFIX kg: <https://w3id.org/runner-kg/>\n"
ENGAGED = PREFIX + "SELECT ?m WHERE { kg:Sprinting kg:engages ?m }"
CONSTRUCT = PREFIX + "CONSTRUCT { kg:Sprinting kg:engages ?m } WHERE { kg:Sprinting kg:engages ?m }"
MUSCLES = {str(KG.Glutes), str(KG.Hamstrings)}

sparqlwrapper = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper is in the test extra: pip install '.[test]'")


@pytest.fixture()
def wrapper(server):
    return sparqlwrapper.SPARQLWrapper(server.sparql)


@pytest.mark.parametrize("method", [sparqlwrapper.GET, sparqlwrapper.POST])
def test_clients_sparqlwrapper_select_json_and_xml(wrapper, method):
    wrapper.setMethod(method)
    wrapper.setQuery(ENGAGED)
    wrapper.setReturnFormat(sparqlwrapper.JSON)
    rows = wrapper.query().convert()["results"]["bindings"]
    assert {r["m"]["value"] for r in rows} == MUSCLES
    wrapper.setReturnFormat(sparqlwrapper.XML)
    document = wrapper.query().convert()  # an xml.dom Document
    assert {u.firstChild.data for u in document.getElementsByTagName("uri")} == MUSCLES


def test_clients_sparqlwrapper_csv_and_ask(wrapper):
    wrapper.setQuery(ENGAGED)
    wrapper.setReturnFormat(sparqlwrapper.CSV)
    lines = wrapper.query().convert().decode().split()
    assert lines[0] == "m" and set(lines[1:]) == MUSCLES
    wrapper.setQuery(PREFIX + "ASK { kg:Sprinting kg:engages kg:Glutes }")
    wrapper.setReturnFormat(sparqlwrapper.JSON)
    assert wrapper.query().convert()["boolean"] is True


@pytest.mark.parametrize("fmt", ["TURTLE", "XML", "N3", "JSONLD"])
def test_clients_sparqlwrapper_construct(wrapper, fmt):
    wrapper.setQuery(CONSTRUCT)
    wrapper.setReturnFormat(getattr(sparqlwrapper, fmt))
    result = wrapper.query().convert()
    graph = result if isinstance(result, rdflib.Graph) else \
        rdflib.Graph().parse(data=result, format={"TURTLE": "turtle", "N3": "turtle", "JSONLD": "json-ld"}[fmt])
    assert {str(o) for o in graph.objects(KG.Sprinting, KG.engages)} == MUSCLES


def test_clients_sparqlwrapper_update_is_refused(wrapper):
    wrapper.setMethod(sparqlwrapper.POST)
    wrapper.setQuery(PREFIX + "INSERT DATA { kg:Sprinting kg:engages kg:Nothing }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        wrapper.query()
    assert refused.value.code == 403


def test_clients_sparqlwrapper_bad_query(wrapper):
    wrapper.setQuery(PREFIX + "SELECT ?m WHERE { kg:Sprinting kg:engages }")
    with pytest.raises(sparqlwrapper.SPARQLExceptions.QueryBadFormed) as bad:
        wrapper.query()
    assert "malformed SPARQL at line" in str(bad.value)


@pytest.fixture()
def store(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    found = SPARQLStore(server.sparql)
    yield found
    found.close()


def test_clients_rdflib_sparqlstore_query_and_triples(store):
    graph = rdflib.Graph(store=store)
    assert {str(row.m) for row in graph.query(ENGAGED)} == MUSCLES
    assert {str(o) for o in graph.objects(KG.Sprinting, KG.engages)} == MUSCLES
    assert graph.query(PREFIX + "ASK { kg:Sprinting kg:engages kg:Glutes }").askAnswer is True
    assert {str(o) for o in graph.query(CONSTRUCT).graph.objects(KG.Sprinting, KG.engages)} == MUSCLES


def test_clients_rdflib_sparqlstore_sees_the_rule_graphs(store):
    contexts = {str(c.identifier if hasattr(c, "identifier") else c) for c in store.contexts()}
    assert str(KG.ChainRule) in contexts and str(KG.InverseRule) in contexts
    inferred = rdflib.Graph(store=store, identifier=URIRef(KG.ChainRule))
    assert (KG.Hamstrings, KG.locatedIn, KG.Thigh) in inferred
    # A fact both stated and derivable is kept once, as stated (in the default graph).
    assert (KG.SideLegLifts, KG.prevents, KG.RunnersKnee) not in inferred


def test_clients_rdflib_sparqlstore_is_read_only(store):
    graph = rdflib.Graph(store=store)
    with pytest.raises(TypeError, match="read only"):
        graph.update(PREFIX + "INSERT DATA { kg:Sprinting kg:engages kg:Nothing }")


def test_clients_sparqlwrapper_sees_each_triple_once(wrapper):
    """A fact both stated and inferred comes back once from the default graph, as from a set."""
    wrapper.setReturnFormat(sparqlwrapper.JSON)
    counts = {}
    for form in ("SELECT", "SELECT DISTINCT"):
        wrapper.setQuery(PREFIX + f"{form} ?e ?i WHERE {{ ?e kg:prevents ?i }}")
        counts[form] = len(wrapper.query().convert()["results"]["bindings"])
    wrapper.setQuery(PREFIX + "SELECT DISTINCT ?e ?i WHERE { ?e kg:prevents ?i . ?e kg:strengthens ?m . "
                     "?m kg:weaknessCauses ?i }")
    derivable = len(wrapper.query().convert()["results"]["bindings"])  # stated, and a rule reaches them
    assert counts["SELECT"] == counts["SELECT DISTINCT"] and derivable >= 3
    wrapper.setQuery(PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { ?e kg:prevents ?i }")
    assert int(wrapper.query().convert()["results"]["bindings"][0]["n"]["value"]) == counts["SELECT DISTINCT"]

"""`kg.sparql`: W3C result formats, graph formats, read-only, errors with line and column."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from pyoxigraph import DefaultGraph, RdfFormat, parse

from kg import isolate, sparql
from kg.errors import FormatError, QueryError, QueryTimeout, ReadOnlyError

MUSCLES = "SELECT ?m WHERE { ?m a kg:Muscle } ORDER BY ?m"
KG = "https://w3id.org/runner-kg/"


def test_sparql_json_is_w3c_results(graph):
    out = sparql.run(graph, MUSCLES, "json")
    doc = json.loads(out.data)
    assert doc["head"]["vars"] == ["m"]
    values = [b["m"]["value"] for b in doc["results"]["bindings"]]
    assert KG + "Quadriceps" in values and KG + "Glutes" in values
    assert not out.empty


def test_sparql_xml_is_w3c_results(graph):
    root = ET.fromstring(sparql.run(graph, MUSCLES, "xml").data)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["m"]
    assert KG + "Quadriceps" in [u.text for u in root.iterfind(".//r:uri", ns)]


def test_sparql_csv_and_tsv(graph):
    rows = list(csv.reader(io.StringIO(sparql.run(graph, MUSCLES, "csv").data.decode())))
    assert rows[0] == ["m"] and [KG + "Quadriceps"] in rows
    lines = sparql.run(graph, MUSCLES, "tsv").data.decode().splitlines()
    assert lines[0] == "?m" and f"<{KG}Quadriceps>" in lines


def test_sparql_table_shortens_iris(graph):
    text = sparql.run(graph, MUSCLES, "table").data.decode()
    assert "kg:Quadriceps" in text and KG not in text
    assert text.rstrip().endswith("rows)")


def test_sparql_ask(graph):
    assert json.loads(sparql.run(graph, "ASK { kg:Running kg:engages kg:Glutes }", "json").data)["boolean"] is True
    assert sparql.run(graph, "ASK { kg:Glutes kg:engages kg:Running }", "table").data == b"no\n"


@pytest.mark.parametrize("fmt, rdf_format", [
    ("turtle", RdfFormat.TURTLE), ("nt", RdfFormat.N_TRIPLES), ("jsonld", RdfFormat.JSON_LD)])
def test_sparql_construct_formats_parse_back(graph, fmt, rdf_format):
    out = sparql.run(graph, "CONSTRUCT { ?m a kg:Muscle } WHERE { ?m a kg:Muscle }", fmt)
    triples = list(parse(out.data, format=rdf_format))
    assert len(triples) >= 2


def test_sparql_describe_defaults_to_turtle(graph):
    out = sparql.run(graph, "DESCRIBE kg:Glutes")
    assert out.data.startswith(b"@prefix")
    assert any(t.object.value == "glutes" for t in parse(out.data, format=RdfFormat.TURTLE))


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_sparql_no_rows_is_empty(graph, fmt):
    assert sparql.run(graph, "SELECT ?m WHERE { ?m a kg:NoSuchClass }", fmt).empty


def test_sparql_format_must_fit_the_query_form(graph):
    with pytest.raises(FormatError, match="CONSTRUCT"):
        sparql.run(graph, MUSCLES, "turtle")
    with pytest.raises(FormatError, match="SELECT"):
        sparql.run(graph, "CONSTRUCT WHERE { ?s a kg:Muscle }", "csv")


@pytest.mark.parametrize("update", [
    "INSERT DATA { kg:Running kg:engages kg:Nothing }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://example.org/>\n# a comment\nLOAD <http://example.org/data.ttl>",
    "clear all",
    "DROP GRAPH <http://example.org/g>",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_sparql_update_is_refused_and_graph_untouched(graph, update):
    before = len(graph)
    with pytest.raises(ReadOnlyError, match="read-only"):
        sparql.run(graph, update)
    assert len(graph) == before


@pytest.mark.parametrize("query, position", [
    ("SELECT ?s WHERE { ?s ?p ?o . FILTER(?o > ) }", "line 1, column 30"),
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  ?s ?p\n}", "line 4, column 3"),
    ("SELECT ?s WHERE { ?s ex:p ?o }", "line 1, column 22"),
    ("SELECT ?s WHERE { ?s ?p ?o", "line 1, column 27"),
])
def test_sparql_malformed_names_line_and_column(graph, query, position):
    with pytest.raises(QueryError) as caught:
        sparql.run(graph, query)
    assert position in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sparql_undeclared_prefix_says_so(graph):
    with pytest.raises(QueryError, match="prefix 'ex:' is not declared"):
        sparql.run(graph, "SELECT ?s WHERE { ?s ex:p ?o }")


def test_sparql_empty_query(graph):
    with pytest.raises(QueryError, match="empty query"):
        sparql.run(graph, "   \n")


def test_sparql_timeout_stops_a_runaway_query(graph):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryTimeout, match="0.5 s"):
        isolate.call(lambda: sparql.run(graph, runaway, "json"), timeout=0.5)


def test_sparql_isolated_call_returns_results_and_errors(graph):
    out = isolate.call(lambda: sparql.run(graph, MUSCLES, "json"), timeout=30)
    assert json.loads(out.data)["results"]["bindings"]
    with pytest.raises(QueryError, match="line 1"):
        isolate.call(lambda: sparql.run(graph, "SELECT ?s WHERE { ?s ?p }", "json"), timeout=30)


def test_sparql_from_names_a_graph_of_the_store(graph):
    """FROM picks graphs of the store (nothing is fetched); without it the default graph is the union."""
    run = sparql.run
    chained = run(graph, "SELECT ?s ?o FROM kg:ChainRule WHERE { ?s kg:locatedIn ?o }", "csv")
    everything = run(graph, "SELECT ?s ?o WHERE { ?s kg:locatedIn ?o }", "csv")
    assert 1 < len(chained.data.splitlines()) < len(everything.data.splitlines())
    assert run(graph, "ASK FROM <http://example.org/nothing> { ?s ?p ?o }", "json").data.endswith(b"false}")


# -- the default graph is a set ------------------------------------------------------------------

#: Facts both stated and inferred: each exercise stated to prevent an injury also strengthens a
#: muscle whose weakness causes it (the property chain of kg:prevents), the case in which a rule's
#: graph holding its own copy would make the union repeat rows.
PREVENTS = "SELECT ?e ?i WHERE { ?e kg:prevents ?i }"
DERIVABLE = "SELECT DISTINCT ?e ?i WHERE { ?e kg:prevents ?i . ?e kg:strengthens ?m . ?m kg:weaknessCauses ?i }"


def _no_repeats(graph):
    distinct = len(graph.select(PREVENTS.replace("SELECT", "SELECT DISTINCT")))
    assert len(graph.select(DERIVABLE)) >= 3  # stated facts a rule also reaches: else this could not fail
    assert len(graph.select(PREVENTS)) == distinct
    assert int(graph.select("SELECT (COUNT(*) AS ?n) WHERE { ?e kg:prevents ?i }")[0]["n"].value) == distinct
    assert len(list(graph.query(PREVENTS.replace("SELECT ?e ?i WHERE", "CONSTRUCT { ?e kg:prevents ?i } WHERE")))) \
        == distinct
    # Each fact lives in one graph: the default graph (stated) or its rule's (inferred).
    homes = "SELECT ?e ?i WHERE { { GRAPH ?g { ?e kg:prevents ?i } } UNION { ?e kg:prevents ?i } }"
    assert len(list(graph.query(homes, default_graph=[DefaultGraph()],
                                named_graphs=list(graph.store.named_graphs())))) == distinct
    everything = "SELECT (COUNT(*) AS ?n) WHERE { %s }"
    assert graph.select(everything % "?s ?p ?o") == graph.select(everything % "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }")


def test_sparql_default_graph_repeats_no_triple_embedded(graph):
    _no_repeats(graph)


def test_sparql_default_graph_repeats_no_triple_in_a_store(tmp_path):
    from kg.disk import load, open_store

    load([], tmp_path / "store")
    _no_repeats(open_store(tmp_path / "store"))


def test_sparql_cli_count_is_of_distinct_facts(cli, graph):
    out = cli("sparql", "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { kg:Running kg:engages ?m }")
    assert out.exit_code == 0
    muscles = {r["m"].value for r in graph.select("SELECT DISTINCT ?m WHERE { kg:Running kg:engages ?m }")}
    assert out.stdout.split() == ["n", str(len(muscles))]


def test_sparql_isolated_bug_is_an_internal_error_not_a_usage_error():
    """A fault in the tool's own code is exit code 70 with 'please report it', not bad input (2)."""
    from kg.errors import InternalError

    def broken():
        return {}["missing"]

    with pytest.raises(InternalError, match=r"internal error \(please report it\): KeyError") as caught:
        isolate.call(broken, timeout=30)
    assert caught.value.exit_code == 70

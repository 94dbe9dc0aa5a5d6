"""kg export: the graph with its inferences, for bulk-loading into another SPARQL server."""

import io

import pytest
from pyoxigraph import DefaultGraph, RdfFormat, Store, parse

from kg import terms
from kg.store import export


def _exported(graph, fmt: str) -> bytes:
    out = io.BytesIO()
    export(graph, fmt, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt, rdf_format", [("trig", RdfFormat.TRIG), ("jsonld", RdfFormat.JSON_LD)])
def test_export_trig_and_jsonld_keep_the_graphs_as_nquads_does(graph, fmt, rdf_format):
    def quads(data, rdf_format):
        store = Store()
        store.load(data, format=rdf_format)
        return len(store), {g.value for g in store.named_graphs()}, \
            {q for q in store if not any(t.__class__.__name__ == "BlankNode" for t in (q.subject, q.object))}

    assert quads(_exported(graph, fmt), rdf_format) == quads(_exported(graph, "nq"), RdfFormat.N_QUADS)


def test_export_nquads_keeps_every_quad_and_its_graph(graph):
    """As loaded: the stated facts in the default graph, each rule's inferences in its own graph."""
    store = Store()
    store.load(_exported(graph, "nq"), format=RdfFormat.N_QUADS)
    assert len(store) == len(graph.store)
    names = {g.value for g in store.named_graphs()}
    assert {r.value for r in terms.RULES if graph.store.contains_named_graph(r)} <= names
    stated = list(store.quads_for_pattern(None, None, None, DefaultGraph()))
    assert len(stated) == len(list(graph.store.quads_for_pattern(None, None, None, DefaultGraph()))) > 0


@pytest.mark.parametrize("fmt, rdf_format", [("nt", RdfFormat.N_TRIPLES), ("ttl", RdfFormat.TURTLE)])
def test_export_triples_merge_the_graphs_once_each(graph, fmt, rdf_format):
    triples = [q.triple for q in parse(_exported(graph, fmt), format=rdf_format)]
    assert len(triples) == len(set(triples))
    expected = {t for t in graph.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)}
    assert set(triples) == expected


def test_export_turtle_uses_the_ontology_prefixes(graph):
    assert b"@prefix kg: <https://w3id.org/runner-kg/> ." in _exported(graph, "ttl")


def test_export_cli_format_from_extension(cli, tmp_path):
    result = cli("export", "-o", str(tmp_path / "graph.ttl"))
    assert result.exit_code == 0 and "wrote" in result.stderr and "(ttl," in result.stderr
    assert (tmp_path / "graph.ttl").read_bytes().startswith(b"@prefix")


def test_export_cli_to_stdout_defaults_to_nquads(cli):
    result = cli("export")
    assert result.exit_code == 0
    store = Store()
    store.load(result.stdout_bytes, format=RdfFormat.N_QUADS)
    assert store.contains_named_graph(terms.CHAIN_RULE)


def test_export_cli_with_data(cli):
    from tests.conftest import EXAMPLES

    result = cli("export", "--format", "nt", "--data", str(EXAMPLES / "shin_splints.ttl"))
    assert result.exit_code == 0 and "https://w3id.org/runner-kg/ShinSplints" in result.stdout


def test_export_cli_dash_is_standard_output(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("export", "-o", "-", "--format", "ttl")
    assert result.exit_code == 0 and result.stdout.startswith("@prefix") and not (tmp_path / "-").exists()


@pytest.mark.parametrize("args, message", [
    (("-o", "graph.xyz"), "cannot tell the format of graph.xyz"),
    (("-o", "/no/such/dir/graph.nq"), "no such directory"),
    (("-o", ""), "the output file name is empty"),
])
def test_export_cli_bad_output(cli, args, message):
    result = cli("export", *args)
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize("fmt", ["nq", "nt", "ttl"])
def test_export_canonical_is_the_same_file_every_time(cli, fmt):
    """Blank nodes get new labels each time a graph is loaded; --canonical names them by RDFC-1.0."""
    first, second = cli("export", "--canonical", "--format", fmt), cli("export", "--canonical", "--format", fmt)
    assert first.exit_code == 0 and first.stdout_bytes == second.stdout_bytes
    assert b"_:c14n" in first.stdout_bytes or fmt == "ttl"

"""Loading: every accepted format, graph names kept, and errors that name the file and line."""

import pytest
from pyoxigraph import NamedNode, Store

from kg.errors import DataError
from kg.load import load_file, rdf_format
from kg.store import open_graph

from .conftest import FIXTURES

KG = "https://w3id.org/runner-kg/"
CLINIC = NamedNode("https://example.org/graphs/clinic")


@pytest.mark.parametrize("ext, subject", [
    ("ttl", "FromTurtle"), ("nt", "FromNTriples"), ("nq", "FromNQuads"),
    ("trig", "FromTrig"), ("rdf", "FromRdfXml"), ("jsonld", "FromJsonLd"),
])
def test_load_every_format_into_the_graph(ext, subject):
    graph = open_graph([FIXTURES / f"formats.{ext}"])
    assert graph.ask("ASK { ?s kg:engages kg:Glutes }", {"s": NamedNode(KG + subject)})


@pytest.mark.parametrize("ext", ["nq", "trig"])
def test_load_quads_keep_their_graph_names(ext):
    store = Store()
    load_file(store, FIXTURES / f"formats.{ext}")
    assert {q.graph_name for q in store} == {CLINIC}


def test_load_triples_go_to_the_default_graph():
    store = Store()
    load_file(store, FIXTURES / "formats.ttl")
    assert all(q.graph_name.__class__.__name__ == "DefaultGraph" for q in store)
    assert len(store) == 2


@pytest.mark.parametrize("name, where, what", [
    ("bad_syntax.ttl", ":4:11:", "malformed Turtle"),
    ("bad_syntax.nt", ":2:", "malformed N-Triples"),
    ("bad_syntax.jsonld", ":2:", "malformed JSON-LD"),
    ("bad_syntax.rdf", ":5:", "malformed RDF/XML"),
])
def test_load_malformed_file_names_file_and_line(name, where, what):
    with pytest.raises(DataError) as caught:
        open_graph([FIXTURES / name])
    message = str(caught.value)
    assert message.startswith(str(FIXTURES / name) + where)
    assert what in message
    assert "\n" not in message


def test_load_missing_file(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        open_graph([tmp_path / "absent.ttl"])


def test_load_directory_is_refused(tmp_path):
    folder = tmp_path / "data.ttl"
    folder.mkdir()
    with pytest.raises(DataError, match="is a directory"):
        open_graph([folder])


def test_load_unreadable_file(tmp_path):
    import os

    path = tmp_path / "secret.ttl"
    path.write_text("<a> <b> <c> .")
    path.chmod(0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file (root)")
    with pytest.raises(DataError, match="cannot read"):
        open_graph([path])


def test_load_unknown_extension(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(DataError, match=r"unknown RDF file extension '\.txt'"):
        rdf_format(path)

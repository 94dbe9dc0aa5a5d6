"""Pictures and exports of the network: each format checked with a real reader."""

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from kg import terms
from kg.draw import render
from kg.errors import FormatError
from kg.network import neighbourhood

KG = terms.KG


@pytest.fixture(scope="module")
def knee(graph):
    return neighbourhood(graph, KG + "RunnersKnee", 1)


def test_draw_svg_is_valid_xml(knee):
    root = ET.fromstring(render(knee, "svg"))
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "runner's knee" in text or "runner’s knee" in text


def test_draw_png_opens(knee, tmp_path):
    import matplotlib.image

    data = render(knee, "png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    path = tmp_path / "knee.png"
    path.write_bytes(data)
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 400


def test_draw_graphml_round_trips(knee, tmp_path):
    path = tmp_path / "knee.graphml"
    path.write_bytes(render(knee, "graphml"))
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(knee.nodes)
    assert sorted((u, v, d["property"]) for u, v, d in back.edges(data=True)) == \
        sorted((u, v, d["property"]) for u, v, d in knee.edges(data=True))


def test_draw_json_round_trips(knee):
    data = json.loads(render(knee, "json"))
    back = nx.node_link_graph(data, edges="links") if "links" in data else nx.node_link_graph(data)
    assert set(back.nodes) == set(knee.nodes) and back.number_of_edges() == knee.number_of_edges()


def test_draw_mermaid_structure(knee):
    lines = render(knee, "mermaid").decode().splitlines()
    assert lines[0] == "flowchart LR"
    nodes = {m.group(1) for line in lines if (m := re.fullmatch(r'  (\w+)\["[^"]*"\]', line))}
    edges = [m.groups() for line in lines if (m := re.fullmatch(r'  (\w+) (?:-->|-\.->)\|"[^"|]*"\| (\w+)', line))]
    assert len(nodes) == knee.number_of_nodes() and len(edges) == knee.number_of_edges()
    assert all(a in nodes and b in nodes for a, b in edges)


def test_draw_dot_structure(knee):
    text = render(knee, "dot").decode()
    assert text.startswith("digraph kg {") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    assert len(re.findall(r'^  "[^"]+" -> "[^"]+" \[label=', text, re.M)) == knee.number_of_edges()
    assert "rankdir=LR" in text


def test_draw_unknown_format(knee):
    with pytest.raises(FormatError, match="unknown graph format"):
        render(knee, "bmp")


def test_draw_a_class_keeps_its_colour_in_every_picture(graph, knee):
    """Each class's colour is its kg:displayColour, whatever else the picture holds."""
    from kg.draw import _colours

    glutes = neighbourhood(graph, KG + "Glutes", 1)
    declared = {r["label"].value: r["colour"].value for r in graph.select(
        "SELECT ?label ?colour WHERE { ?c kg:displayColour ?colour ; rdfs:label ?label }")}
    for g in (knee, glutes):
        assert {kind: colour for kind, colour in _colours(g).items() if kind in declared} == \
            {kind: declared[kind] for kind in _colours(g) if kind in declared}
    shared = set(_colours(knee)) & set(_colours(glutes))
    assert "muscle group" in shared and all(_colours(knee)[k] == _colours(glutes)[k] for k in shared)
    assert len(set(declared.values())) == len(declared)  # no two classes look alike


def test_draw_the_centre_of_a_neighbourhood_stands_out(knee):
    ident = "n_RunnersKnee"
    assert f"style {ident} stroke:#111,stroke-width:3px" in render(knee, "mermaid").decode()
    dot = render(knee, "dot").decode()
    assert re.search(r'"https://w3id.org/runner-kg/RunnersKnee" \[[^]]*penwidth=3', dot)
    assert dot.count("penwidth=3") == 1


def test_draw_links_bend_around_names_in_their_way():
    """A box on the straight line between two names: the chosen bend's curve misses it."""
    from kg.draw import _clear_bend, _on_bend

    start, end, scale = (0.0, 0.0), (10.0, 0.0), (1.0, 1.0)
    box = ((5.0, 0.0), (0.8, 0.3))
    rad = _clear_bend(start, end, [box], scale)
    points = [_on_bend(start, end, rad, scale, k / 50) for k in range(51)]
    assert rad != 0.05 and not any(abs(x - 5.0) < 0.8 and abs(y) < 0.3 for x, y in points)
    assert _clear_bend(start, end, [], scale) == 0.05  # nothing in the way: nearly straight


def test_draw_too_large_a_picture_says_how_to_draw_a_part(graph):
    with pytest.raises(FormatError, match="too many to read in one picture.*neighbourhood.*--format dot or graphml"):
        render(neighbourhood(graph), "png")
    assert render(neighbourhood(graph), "dot").startswith(b"digraph")  # exchange formats take it all

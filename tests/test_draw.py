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

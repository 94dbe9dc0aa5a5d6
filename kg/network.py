"""The graph as a network (networkx) of its entities, for paths, pictures and centrality.

Only meaningful edges are kept: object-property facts between named entities, read in the
direction they are stated (an inverse property would only repeat them backwards), and the most
specific property where a subproperty also holds. Labels, sources, types and reification nodes are
bookkeeping and stay out.
"""

from dataclasses import dataclass

from . import terms

_FACTS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  ?p a owl:ObjectProperty .
  ?s ?p ?o .
  ?s skos:prefLabel ?sl . ?o skos:prefLabel ?ol .
  FILTER(isIRI(?s) && isIRI(?o))
}"""
_NODES = """
SELECT ?e ?label ?type WHERE {
  ?e skos:prefLabel ?label . FILTER(isIRI(?e))
  OPTIONAL { ?e a ?type . ?type a owl:Class }
}"""
_SUBCLASSES = "SELECT ?sub ?super WHERE { ?sub rdfs:subClassOf ?super . ?sub a owl:Class . FILTER(?sub != ?super) }"
_PROPERTIES = """
SELECT ?p ?label ?inverse ?super WHERE {
  ?p a owl:ObjectProperty .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p owl:inverseOf ?inverse }
  OPTIONAL { ?p rdfs:subPropertyOf ?super . FILTER(?super != ?p) }
}"""


@dataclass
class Path:
    """A chain of entities and the facts linking them, each step read in its stated direction."""

    nodes: list[str]
    steps: list[tuple[str, str, str]]   # (from, property label, to) in stated direction
    labels: dict[str, str]


def network(graph):
    """A networkx MultiDiGraph of entities and facts, built once per loaded graph."""
    cached = getattr(graph, "_network", None)
    if cached is not None:
        return cached
    import networkx as nx

    from pyoxigraph import NamedNode

    g = nx.MultiDiGraph()
    below: dict[str, set[str]] = {}
    for row in graph.select(_SUBCLASSES):
        below.setdefault(row["super"].value, set()).add(row["sub"].value)
    types: dict[str, set[str]] = {}
    for row in graph.select(_NODES):
        iri = row["e"].value
        if iri not in g:
            g.add_node(iri, label=row["label"].value)
        if "type" in row:
            types.setdefault(iri, set()).add(row["type"].value)
    for iri, found in types.items():
        specific = sorted(t for t in found if not (below.get(t, set()) & found))
        g.nodes[iri]["type"] = specific[0] if specific else None
    labels, inverse_of, supers = {}, {}, {}
    for row in graph.select(_PROPERTIES):
        p = row["p"].value
        labels.setdefault(p, row["label"].value if "label" in row else terms.shorten(p))
        if "inverse" in row and row["inverse"].value not in inverse_of and p not in inverse_of:
            inverse_of[row["inverse"].value] = p  # the inverse repeats p backwards
        if "super" in row:
            supers.setdefault(p, set()).add(row["super"].value)
    rules = {r.value for r in terms.RULES}
    facts = {(row["s"].value, row["p"].value, row["o"].value) for row in graph.select(_FACTS)}
    for s, p, o in facts:
        if p in inverse_of:
            continue
        if any((s, q, o) in facts for q, ups in supers.items() if p in ups and q != p):
            continue  # a more specific property says the same
        if s in g and o in g:
            held_in = graph.graphs(NamedNode(s), NamedNode(p), NamedNode(o))
            g.add_edge(s, o, key=p, property=p, label=labels.get(p, p), inferred=held_in <= rules)
    graph._network = g
    return g


def paths(graph, a: str, b: str, *, limit: int = 3, cutoff: int | None = None) -> list[Path]:
    """The shortest connections between two entities (or every one up to ``cutoff`` hops)."""
    import networkx as nx

    g = network(graph)
    if a not in g or b not in g:
        return []
    undirected = nx.Graph(g)
    try:
        if cutoff is None:
            found = list(_take(nx.all_shortest_paths(undirected, a, b), limit))
        else:
            found = sorted(nx.all_simple_paths(undirected, a, b, cutoff=cutoff), key=len)[:limit]
    except nx.NetworkXNoPath:
        return []
    return [_path(g, nodes) for nodes in found]


def _take(iterator, n):
    for i, item in enumerate(iterator):
        if i >= n:
            return
        yield item


def _path(g, nodes: list[str]) -> Path:
    steps = []
    for u, v in zip(nodes, nodes[1:]):
        forward = g.get_edge_data(u, v) or {}
        backward = g.get_edge_data(v, u) or {}
        if forward:
            data = sorted(forward.values(), key=lambda d: (d["inferred"], d["label"]))[0]
            steps.append((u, data["label"], v))
        else:
            data = sorted(backward.values(), key=lambda d: (d["inferred"], d["label"]))[0]
            steps.append((v, data["label"], u))
    return Path(nodes, steps, {n: g.nodes[n].get("label", n) for n in nodes})


def render_path(path: Path) -> str:
    """'glutes -> weakness causes -> runner's knee <- prevents <- side leg lifts'."""
    text = path.labels[path.nodes[0]]
    for (s, label, o), (u, v) in zip(path.steps, zip(path.nodes, path.nodes[1:])):
        if s == u:
            text += f" -> {label} -> {path.labels[v]}"
        else:
            text += f" <- {label} <- {path.labels[v]}"
    return text

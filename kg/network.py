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
_COLUMNS = "SELECT ?c ?column ?label WHERE { ?c kg:displayColumn ?column . OPTIONAL { ?c rdfs:label ?label } }"
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
    columns = {r["c"].value: (int(r["column"].value), r["label"].value if "label" in r else terms.shorten(r["c"].value))
               for r in graph.select(_COLUMNS)}
    for iri, found in types.items():
        specific = sorted(t for t in found if not (below.get(t, set()) & found))
        g.nodes[iri]["type"] = specific[0] if specific else None
        placed = sorted((columns[t][0], columns[t][1]) for t in specific if t in columns)
        g.nodes[iri]["column"] = placed[0][0] if placed else 99
        g.nodes[iri]["kind"] = placed[0][1] if placed else "other"
        g.nodes[iri]["types"] = " ".join(sorted(found))
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
    for s, p, o in sorted(facts):
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
            found = list(nx.all_shortest_paths(undirected, a, b))
        else:
            found = list(nx.all_simple_paths(undirected, a, b, cutoff=cutoff))
    except nx.NetworkXNoPath:
        return []
    # Shortest first; among equals, in the order of their text, so the output never shuffles.
    built = sorted((_path(g, nodes) for nodes in found), key=lambda p: (len(p.steps), render_path(p)))
    return built[:limit]


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


def neighbourhood(graph, center: str | None = None, depth: int = 1):
    """The whole network, or the part within ``depth`` links of ``center`` (either direction)."""
    import networkx as nx

    g = network(graph)
    if center is None:
        return g
    near = nx.single_source_shortest_path_length(nx.Graph(g), center, cutoff=depth)
    return g.subgraph(near).copy()


def stats(graph, top: int = 5) -> dict:
    """Triples stated and inferred, entities per class, and the most connected muscles and injuries.

    Connectedness is degree centrality (share of other entities linked directly) and betweenness
    centrality (share of shortest paths that pass through), on the network of facts.
    """
    import networkx as nx

    rules = {r.value for r in terms.RULES}
    inferred = sum(1 for q in graph.store if q.graph_name.__class__.__name__ != "DefaultGraph"
                   and q.graph_name.value in rules)
    g = network(graph)
    undirected = nx.Graph(g)
    degree = nx.degree_centrality(undirected)
    between = nx.betweenness_centrality(undirected)
    per_kind: dict[str, int] = {}
    for _, data in g.nodes(data=True):
        per_kind[data.get("kind", "other")] = per_kind.get(data.get("kind", "other"), 0) + 1

    def ranked(cls) -> list[dict]:
        nodes = [n for n, d in g.nodes(data=True) if cls.value in d.get("types", "").split()]
        nodes.sort(key=lambda n: (-degree[n], -between[n], g.nodes[n]["label"]))
        return [{"iri": n, "label": g.nodes[n]["label"], "degree_centrality": round(degree[n], 3),
                 "betweenness_centrality": round(between[n], 3)} for n in nodes[:top]]

    return {
        "triples": len(graph.store),
        "stated": len(graph.store) - inferred,
        "inferred": inferred,
        "entities": g.number_of_nodes(),
        "facts between entities": g.number_of_edges(),
        "entities per class": dict(sorted(per_kind.items())),
        "most connected muscles": ranked(terms.MUSCLE),
        "most connected injuries": ranked(terms.INJURY),
    }

"""The graph as a network (networkx) of its entities, for paths, pictures and centrality.

Only meaningful edges are kept: object-property facts between named entities, read in the
direction they are stated (an inverse property would only repeat them backwards), and the most
specific property where a subproperty also holds. Labels, sources, types and reification nodes are
bookkeeping and stay out.

Paths and neighbourhoods are found by growing a local network outwards from the entities named,
a few SPARQL queries per step, so their cost depends on the neighbourhood, not on the size of the
graph. The whole network is built only for what needs all of it (`kg stats`, a picture of
everything).
"""

import re
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from . import terms
from .describe import classes
from .provenance import RULE_GRAPHS, origin
from .store import row_key

# Every fact of an object property (listed in VALUES: a join on "?p a owl:ObjectProperty" is four
# times slower at 1 M triples), with the rule graph holding it if a rule made it. Only facts between
# named things become edges; _add_facts checks both ends are nodes.
# Every fact, then the inferred ones (those in a rule's graph): two plain scans are faster than one
# with an OPTIONAL per fact, and every triple lives in exactly one graph.
_FACTS = "SELECT ?s ?p ?o WHERE { VALUES ?p { %s } ?s ?p ?o FILTER(isIRI(?s) && isIRI(?o)) }"
_INFERRED = "SELECT ?s ?p ?o WHERE { VALUES ?rule { %s } VALUES ?p { %%s } GRAPH ?rule { ?s ?p ?o } }" % \
    " ".join(f"<{g}>" for g in RULE_GRAPHS)
_NEAR = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?n { %s }
  { ?n ?p ?o BIND(?n AS ?s) } UNION { ?s ?p ?n BIND(?n AS ?o) }
  ?p a owl:ObjectProperty .
  FILTER(isIRI(?s) && isIRI(?o))
  FILTER EXISTS { ?s skos:prefLabel ?sl } FILTER EXISTS { ?o skos:prefLabel ?ol }
}"""
_NODES = """
SELECT ?e ?label ?type WHERE {
  %s
  ?e skos:prefLabel ?label . FILTER(isIRI(?e))
  OPTIONAL { ?e a ?type . ?type a owl:Class }
}"""
# The same for the whole graph, in two plain scans joined here (the OPTIONAL join costs 2.3 s at
# 1 M triples, the two scans 0.6 s).
_LABELS = "SELECT ?e ?label WHERE { ?e skos:prefLabel ?label FILTER(isIRI(?e)) }"
_TYPES = "SELECT ?e ?type WHERE { ?type a owl:Class . ?e a ?type }"
_SUBCLASSES = "SELECT ?sub ?super WHERE { ?sub rdfs:subClassOf ?super . ?sub a owl:Class . FILTER(?sub != ?super) }"
_COLUMNS = """SELECT ?c ?column ?label ?colour WHERE {
  ?c kg:displayColumn ?column . OPTIONAL { ?c rdfs:label ?label } OPTIONAL { ?c kg:displayColour ?colour } }"""
_PROPERTIES = """
SELECT ?p ?label ?inverse ?super WHERE {
  ?p a owl:ObjectProperty .
  OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p owl:inverseOf ?inverse }
  OPTIONAL { ?p rdfs:subPropertyOf ?super . FILTER(?super != ?p) }
}"""
#: A neighbourhood stops growing past this many entities (a path search then reports no path).
BUDGET = 20_000


@dataclass
class Path:
    """A chain of entities and the facts linking them, each step read in its stated direction."""

    nodes: list[str]
    steps: list[tuple[str, str, str]]   # (from, property label, to) in stated direction
    labels: dict[str, str]
    facts: list[dict] = field(default_factory=list)  # per step: subject, property, object IRIs; inferred

    def to_json(self) -> dict:
        """The documented JSON of ``kg path --json``: the entities in order, and each fact as stated."""
        return {"nodes": [{"iri": n, "label": self.labels[n]} for n in self.nodes], "facts": self.facts}


class _Schema:
    """What edges and nodes need from the schema: property labels, which properties only repeat
    others (inverses, superproperties), and where each class is drawn."""

    def __init__(self, graph):
        self.labels, self.repeats, self.supers = {}, set(), {}
        inverse_of = {}
        for row in sorted(graph.select(_PROPERTIES), key=row_key):
            p = row["p"].value
            self.labels.setdefault(p, row["label"].value if "label" in row else terms.shorten(p))
            if "inverse" in row and row["inverse"].value not in inverse_of and p not in inverse_of:
                inverse_of[row["inverse"].value] = p  # the inverse repeats p backwards
            if "super" in row:
                self.supers.setdefault(p, set()).add(row["super"].value)
        self.repeats = set(inverse_of)
        self.below: dict[str, set[str]] = {}
        for row in graph.select(_SUBCLASSES):
            self.below.setdefault(row["super"].value, set()).add(row["sub"].value)
        rows = graph.select(_COLUMNS)
        self.columns = {r["c"].value: (int(r["column"].value), r["label"].value if "label" in r else
                                       terms.shorten(r["c"].value)) for r in rows}
        self.colours = {r["c"].value: r["colour"].value for r in rows
                        if "colour" in r and re.fullmatch(r"#[0-9A-Fa-f]{6}", r["colour"].value)}


def _schema(graph) -> _Schema:
    cached = getattr(graph, "_network_schema", None)
    if cached is None:
        cached = graph._network_schema = _Schema(graph)
    return cached


def _add_facts(g, graph, facts, schema: _Schema, lookup: bool = True) -> None:
    """Edges for the facts; ``facts`` maps each to whether it is inferred, or is a set (then that is
    looked up per edge, or with ``lookup=False`` left unknown: None)."""
    below = {}  # each property's subproperties
    for q, ups in schema.supers.items():
        for p in ups:
            if p != q:
                below.setdefault(p, []).append(q)
    for s, p, o in sorted(facts):
        if p in schema.repeats:
            continue
        if any((s, q, o) in facts for q in below.get(p, ())):
            continue  # a more specific property says the same
        if s in g and o in g and not g.has_edge(s, o, key=p):
            inferred = facts[s, p, o] if isinstance(facts, dict) else \
                origin(graph, s, p, o, sources=False).inferred if lookup else None
            g.add_edge(s, o, key=p, property=p, label=schema.labels.get(p, p), inferred=inferred)


def _add_nodes(g, graph, iris, schema: _Schema) -> None:
    types: dict[str, set[str]] = {}
    if iris is None:
        labels = {}
        for iri, label in graph.rows(_LABELS):
            labels.setdefault(iri, []).append(label)
        for iri, kind in graph.rows(_TYPES):
            if iri in labels:
                types.setdefault(iri, set()).add(kind)
        rows = [(iri, label, None) for iri, found in labels.items() for label in found]
    else:
        rows = graph.rows(_NODES % ("VALUES ?e { " + " ".join(str(NamedNode(i)) for i in iris) + " }"))
    for iri, label, kind in sorted(rows, key=lambda row: tuple(v or "" for v in row)):
        if iri not in g:
            g.add_node(iri, label=label)
        if kind is not None:
            types.setdefault(iri, set()).add(kind)
    for iri, found in types.items():
        specific = sorted(t for t in found if not (schema.below.get(t, set()) & found))
        placed = sorted((*schema.columns[t], t) for t in specific if t in schema.columns)
        g.nodes[iri].update(type=specific[0] if specific else None, column=placed[0][0] if placed else 99,
                            kind=placed[0][1] if placed else "other", types=" ".join(sorted(found)))
        if placed and placed[0][2] in schema.colours:
            g.nodes[iri]["colour"] = schema.colours[placed[0][2]]


def network(graph, *, provenance: bool = True):
    """A networkx MultiDiGraph of every entity and fact, built once per loaded graph.

    Each edge says whether its fact is inferred; ``provenance=False`` leaves that out (None) and
    skips reading the rule graphs, for what only counts connections (kg stats: 3 s at 1 M)."""
    cached = getattr(graph, "_network", None) or (None if provenance else getattr(graph, "_network_lean", None))
    if cached is not None:
        return cached
    import networkx as nx

    schema = _schema(graph)
    g = nx.MultiDiGraph()
    _add_nodes(g, graph, None, schema)
    # An inverse only repeats its property backwards: its facts are never edges, so not read.
    props = " ".join(str(NamedNode(p)) for p in sorted(set(schema.labels) - schema.repeats))
    facts = graph.rows(_FACTS % props)
    if provenance:
        inferred = set(graph.rows(_INFERRED % props))
        _add_facts(g, graph, {fact: fact in inferred for fact in facts}, schema)
        graph._network = g
    else:
        _add_facts(g, graph, set(facts), schema, lookup=False)
        graph._network_lean = g
    return g


def _near(graph, nodes: set[str], schema: _Schema) -> set[tuple[str, str, str]]:
    """Every fact touching one of ``nodes``, in batches."""
    facts, ordered = set(), sorted(nodes)
    for i in range(0, len(ordered), 500):
        values = " ".join(str(NamedNode(n)) for n in ordered[i:i + 500])
        facts |= {(r["s"].value, r["p"].value, r["o"].value) for r in graph.select(_NEAR % values)}
    return {f for f in facts if f[1] not in schema.repeats}


def local(graph, seeds: list[str], depth: int, *, until: set[str] | None = None):
    """The network within ``depth`` links of the seeds, grown outwards; stops early once every node
    of ``until`` is reached, or when it outgrows BUDGET entities."""
    import networkx as nx

    schema = _schema(graph)
    reached = {s: 0 for s in seeds}
    frontier, facts = set(seeds), set()
    for step in range(1, depth + 1):
        if not frontier or len(reached) > BUDGET:
            break
        found = _near(graph, frontier, schema)
        facts |= found
        frontier = {n for f in found for n in (f[0], f[2]) if n not in reached}
        reached.update({n: step for n in frontier})
        if until is not None and until <= set(reached):
            break
    g = nx.MultiDiGraph()
    _add_nodes(g, graph, list(reached), schema)
    _add_facts(g, graph, {f for f in facts if f[0] in reached and f[2] in reached}, schema)
    return g


def neighbourhood(graph, center: str | None = None, depth: int = 1):
    """The whole network, or the part within ``depth`` links of ``center`` (either direction)."""
    if center is None:
        return network(graph)
    g = local(graph, [center], depth)
    g.graph["focus"] = center  # drawn so that it stands out
    return g


def paths(graph, a: str, b: str, *, limit: int = 3, cutoff: int | None = None) -> list[Path]:
    """The shortest connections between two entities (or every one up to ``cutoff`` hops)."""
    import networkx as nx

    # Grow from both ends at once: every node of a path of n links is within n/2 links of one end.
    if cutoff is None:
        for depth in range(1, 5):  # paths of up to 8 links
            g = local(graph, [a, b], depth)
            if a in g and b in g and nx.has_path(nx.Graph(g), a, b):
                break
    else:
        g = local(graph, [a, b], (cutoff + 1) // 2)
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
    steps, facts = [], []
    for u, v in zip(nodes, nodes[1:]):
        forward = g.get_edge_data(u, v) or {}
        backward = g.get_edge_data(v, u) or {}
        if forward:
            data = sorted(forward.values(), key=lambda d: (d["inferred"], d["label"]))[0]
            s, o = u, v
        else:
            data = sorted(backward.values(), key=lambda d: (d["inferred"], d["label"]))[0]
            s, o = v, u
        steps.append((s, data["label"], o))
        facts.append({"subject": s, "property": data["property"], "object": o, "inferred": data["inferred"]})
    return Path(nodes, steps, {n: g.nodes[n].get("label", n) for n in nodes}, facts)


def render_path(path: Path) -> str:
    """'glutes -> weakness causes -> runner's knee <- prevents <- side leg lifts'."""
    text = path.labels[path.nodes[0]]
    for (s, label, o), (u, v) in zip(path.steps, zip(path.nodes, path.nodes[1:])):
        if s == u:
            text += f" -> {label} -> {path.labels[v]}"
        else:
            text += f" <- {label} <- {path.labels[v]}"
    return text


def stats(graph, top: int = 5, progress=None, classes_ranked: int = 3) -> dict:
    """Triples stated and inferred, members per class, and the most connected members of the
    ``classes_ranked`` classes whose members take part in the most facts.

    Connectedness is degree centrality (share of other entities linked directly) and betweenness
    centrality (share of shortest paths that pass through), on the network of facts.
    """
    import networkx as nx

    progress = progress or (lambda text: None)
    progress("counting triples")
    counts = {row["g"].value: int(row["n"].value) for row in graph.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    inferred = sum(n for g, n in counts.items() if g in RULE_GRAPHS)
    total = len(graph)
    progress(f"reading the network of facts ({total:,} triples)")
    g = network(graph, provenance=False)
    progress(f"centrality of {g.number_of_nodes():,} entities")
    undirected = nx.Graph(g)
    progress("counting the members of each class")
    members = classes(graph)
    degree = nx.degree_centrality(undirected)
    sources = _betweenness_sample(undirected)
    if sources < len(undirected):
        progress(f"betweenness centrality, sampled from {sources:,} of {len(undirected):,} entities")
    between = sampled_betweenness(undirected, sources) if sources < len(undirected) else \
        nx.betweenness_centrality(undirected)

    # The classes whose members take part in the most facts, whatever the graph is about.
    facts: dict[str, int] = {}
    for n, d in g.nodes(data=True):
        if d.get("type"):
            facts[d["type"]] = facts.get(d["type"], 0) + undirected.degree(n)
    busiest = sorted(facts, key=lambda c: (-facts[c], c))[:classes_ranked]
    labels = {iri: label for iri, label, _ in members}

    def ranked(cls: str) -> dict:
        nodes = sorted((n for n, d in g.nodes(data=True) if d.get("type") == cls),
                       key=lambda n: (-degree[n], -between[n], g.nodes[n]["label"]))
        return {"class": cls, "label": labels.get(cls, terms.shorten(cls)), "facts": facts[cls], "entities": [
            {"iri": n, "label": g.nodes[n]["label"], "degree_centrality": round(degree[n], 3),
             "betweenness_centrality": round(between[n], 3)} for n in nodes[:top]]}

    return {
        "triples": total,
        "stated": total - inferred,
        "inferred": inferred,
        "entities": g.number_of_nodes(),
        "facts_between_entities": g.number_of_edges(),
        # The same count as kg list: the named members of each class, its subclasses' included.
        "members_per_class": [{"class": iri, "label": label, "members": n} for iri, label, n in members],
        "most_connected": [ranked(c) for c in busiest],
        # Betweenness from shortest paths out of this many entities (all of them when it equals "entities").
        "betweenness_sample": sources,
    }


def sampled_betweenness(g, k: int, seed: int = 0) -> dict:
    """networkx's ``betweenness_centrality(g, k=k, seed=seed)`` for an undirected, unweighted graph,
    the same sources drawn and the same scaling, with Brandes' two passes run a level at a time
    over numpy arrays instead of a node at a time in Python (about 10x faster at 50,000 entities)."""
    import networkx as nx
    import numpy as np

    nodes = list(g)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    ends = np.array([(index[a], index[b]) for a, b in g.edges() if a != b], dtype=np.int64).reshape(-1, 2)
    heads = np.concatenate([ends[:, 0], ends[:, 1]])
    tails = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.argsort(heads, kind="stable")
    neighbours = tails[order]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.add.at(starts, heads + 1, 1)
    starts = np.cumsum(starts)
    sources = nx.utils.create_py_random_state(seed).sample(nodes, k)
    total = np.zeros(n)
    for source in sources:
        s = index[source]
        depth = np.full(n, -1, dtype=np.int64)
        sigma = np.zeros(n)
        depth[s], sigma[s] = 0, 1.0
        frontier, levels, d = np.array([s]), [], 0
        while frontier.size:
            counts = starts[frontier + 1] - starts[frontier]
            parents = np.repeat(frontier, counts)
            offsets = np.repeat(starts[frontier] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
            children = neighbours[offsets + np.arange(counts.sum())]
            fresh = children[depth[children] == -1]
            depth[fresh] = d + 1
            onward = depth[children] == d + 1
            parents, children = parents[onward], children[onward]
            np.add.at(sigma, children, sigma[parents])
            levels.append((parents, children))
            frontier, d = np.unique(children), d + 1
        delta = np.zeros(n)
        for parents, children in reversed(levels):
            np.add.at(delta, parents, sigma[parents] / sigma[children] * (1.0 + delta[children]))
        delta[s] = 0.0
        total += delta
    # networkx's scaling for a sample without endpoints: sources cannot lie on their own paths.
    pairs = n - 1
    scale = np.full(n, 1.0 / (k * (pairs - 1)))
    if k > 1:
        scale[[index[x] for x in sources]] = 1.0 / ((k - 1) * (pairs - 1))
    return {node: float(value) for node, value in zip(nodes, total * scale)}


#: The work a sampled betweenness may do, in entities and links visited (one traversal from each
#: source): about 1.5 s at 50,000 entities on the benchmark machine (docs/benchmarks.md).
BETWEENNESS_WORK = 25_000_000


def _betweenness_sample(g) -> int:
    """How many entities to take shortest paths from for betweenness: every one in a graph of up
    to 2,000, else as many as ``BETWEENNESS_WORK`` allows, at least 20. Fixed by the graph's size,
    so the same graph gives the same numbers."""
    if len(g) <= 2000:
        return len(g)
    return max(20, min(len(g), BETWEENNESS_WORK // (len(g) + 2 * g.number_of_edges())))


def render_stats(result: dict) -> str:
    """The text of `kg stats` from :func:`stats`' numbers."""
    lines = [f"triples: {result['triples']} ({result['stated']} stated, {result['inferred']} inferred)",
             f"entities: {result['entities']}; facts between them: {result['facts_between_entities']}",
             "members per class (subclasses included, as in kg list):"]
    lines += [f"  {row['label']}: {row['members']}" for row in result["members_per_class"]]
    if result["betweenness_sample"] < result["entities"]:
        lines.append(f"betweenness centrality is estimated from shortest paths out of {result['betweenness_sample']:,} "
                     f"of the {result['entities']:,} entities (sampled, seed fixed)")
    for ranked in result["most_connected"]:
        lines.append(f"most connected of class {ranked['label']} ({ranked['facts']:,} facts; degree centrality, "
                     "betweenness centrality):")
        lines += [f"  {row['label']}: {row['degree_centrality']:.3f}, {row['betweenness_centrality']:.3f}"
                  for row in ranked["entities"]]
    return "\n".join(lines)


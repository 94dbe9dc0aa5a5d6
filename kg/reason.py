"""Materialize what the schema implies, each inferred triple in the named graph of its rule.

The rules are the RDFS/OWL 2 RL ones the ontology needs (class and property hierarchies, inverse,
symmetric and transitive properties, property chains); which properties they apply to is read
from the graph, so a user's own schema is reasoned over the same way. Stated triples never move:
an inferred triple is only added when no graph holds it yet, so "stated" and "inferred" stay apart.
The one exception is the property-chain rule, whose conclusions are the ontology's domain rules
("an exercise that strengthens a muscle whose weakness causes an injury helps prevent it"): its
graph records every conclusion, stated or not, so an answer can say both where a fact is stated
and why it also follows.
Domain and range are not used to add types; SHACL checks them instead (``kg validate``).
"""

from collections.abc import Iterator

from pyoxigraph import NamedNode, Quad, Store, Variable

from . import terms

_PREFIXES = terms.PREFIXES

# Each rule is SPARQL that selects new triples (?s ?p ?o) not already in any graph.
_FIXED_RULES = {
    terms.SUBCLASS_RULE: [
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?s a ?c . ?c rdfs:subClassOf ?o . FILTER(?c != ?o) BIND(rdf:type AS ?p)
             FILTER NOT EXISTS { ?s a ?o } }""",
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?s rdfs:subClassOf ?c . ?c rdfs:subClassOf ?o . FILTER(?s != ?c && ?c != ?o)
             BIND(rdfs:subClassOf AS ?p) FILTER NOT EXISTS { ?s rdfs:subClassOf ?o } }""",
    ],
    terms.SUBPROPERTY_RULE: [
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?q rdfs:subPropertyOf ?p . FILTER(?q != ?p) ?s ?q ?o
             FILTER NOT EXISTS { ?s ?p ?o } }""",
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?s rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?o . FILTER(?s != ?q && ?q != ?o)
             BIND(rdfs:subPropertyOf AS ?p) FILTER NOT EXISTS { ?s rdfs:subPropertyOf ?o } }""",
    ],
    terms.INVERSE_RULE: [
        """SELECT DISTINCT ?s ?p ?o WHERE {
             { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
             ?o ?q ?s . FILTER(!isLiteral(?s))
             FILTER NOT EXISTS { ?s ?p ?o } }""",
    ],
    terms.SYMMETRIC_RULE: [
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?p a owl:SymmetricProperty . ?o ?p ?s . FILTER(!isLiteral(?s))
             FILTER NOT EXISTS { ?s ?p ?o } }""",
    ],
    terms.TRANSITIVE_RULE: [
        """SELECT DISTINCT ?s ?p ?o WHERE {
             ?p a owl:TransitiveProperty . ?s ?p ?x . ?x ?p ?o
             FILTER NOT EXISTS { ?s ?p ?o } }""",
    ],
}


def chains(store: Store) -> list[tuple[NamedNode, list[NamedNode]]]:
    """Every ``owl:propertyChainAxiom`` in the graph: (property, [step, step, ...])."""
    found = []
    heads = _select(store, "SELECT ?p ?list WHERE { ?p owl:propertyChainAxiom ?list }")
    for row in heads:
        steps, node = [], row["list"]
        while node is not None and node != NamedNode(terms.RDF + "nil"):
            cell = next(iter(_select(store, "SELECT ?node ?first ?rest WHERE { ?node rdf:first ?first ; rdf:rest ?rest }",
                                     {Variable("node"): node})), None)
            if cell is None:
                break
            steps.append(cell["first"])
            node = cell["rest"]
        if len(steps) >= 2 and all(isinstance(step, NamedNode) for step in steps):
            found.append((row["p"], steps))
    return found


def chain_query(length: int) -> str:
    """SPARQL for a property chain of ``length`` steps, the steps bound as ?p1 ... ?pN."""
    hops = " . ".join(f"?x{i} ?p{i + 1} ?x{i + 1}" for i in range(length))
    steps = " ".join(f"?p{i + 1}" for i in range(length))
    # pyoxigraph substitutes only variables that the SELECT projects, hence ?p and the steps.
    return (f"SELECT DISTINCT ?s ?o ?p ?rule {steps} WHERE {{ {hops} . BIND(?x0 AS ?s) BIND(?x{length} AS ?o) "
            f"FILTER(!isLiteral(?s)) FILTER NOT EXISTS {{ GRAPH ?rule {{ ?x0 ?p ?x{length} }} }} }}")


def infer(store: Store) -> dict[NamedNode, int]:
    """Run every rule until nothing new follows; return how many triples each rule added."""
    added = {rule: 0 for rule in terms.RULES}
    property_chains = chains(store)
    while True:
        new = 0
        for rule, quads in _round(store, property_chains):
            if quads:
                store.extend(quads)
                added[rule] += len(quads)
                new += len(quads)
        if not new:
            return added


def _round(store: Store, property_chains) -> Iterator[tuple[NamedNode, list[Quad]]]:
    for rule, queries in _FIXED_RULES.items():
        for query in queries:
            rows = _select(store, query)
            yield rule, [Quad(r["s"], r["p"], r["o"], rule) for r in rows]
    for prop, steps in property_chains:
        bindings = {Variable(f"p{i + 1}"): step for i, step in enumerate(steps)}
        bindings[Variable("p")] = prop
        bindings[Variable("rule")] = terms.CHAIN_RULE
        rows = _select(store, chain_query(len(steps)), bindings)
        yield terms.CHAIN_RULE, [Quad(r["s"], prop, r["o"], terms.CHAIN_RULE) for r in rows]


def _select(store: Store, query: str, substitutions=None) -> list:
    return list(store.query(query, prefixes=_PREFIXES, use_default_graph_as_union=True,
                            substitutions=substitutions))


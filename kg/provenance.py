"""Where a fact comes from: stated (and which articles say so), or inferred (and by which rule).

The one place that reads a triple's graphs and sources; `kg ask`, `kg describe`, `kg path`,
`kg graph` and `kg serve`'s answers all go through it. Each triple lives in exactly one graph
(kg.reason): the stated facts' graphs, or the graph of the rule that made it.
"""

from dataclasses import dataclass

from pyoxigraph import NamedNode

from . import terms

#: The rule graphs' IRIs, as strings, in terms.RULES order.
RULE_GRAPHS = tuple(r.value for r in terms.RULES)

_SOURCES = """
SELECT DISTINCT ?s ?p ?o ?title WHERE {
  ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source/dcterms:title ?title .
}"""


@dataclass(frozen=True)
class Origin:
    """A fact's origin: ``rules`` are the rule graphs holding it (in terms.RULES order), empty for
    a fact only stated; ``sources`` the titles of the articles a stated fact cites."""

    stated: bool
    rules: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def inferred(self) -> bool:
        """Only a rule made it: no stated graph holds it."""
        return not self.stated


def origin(graph, s: str, p: str, o: str, *, sources: bool = True) -> Origin:
    """Where the fact (s, p, o) comes from; ``sources=False`` skips looking up the articles."""
    held = graph.graphs(NamedNode(s), NamedNode(p), NamedNode(o))
    stated = any(g not in RULE_GRAPHS for g in held)
    titles = ()
    if stated and sources:
        rows = graph.select(_SOURCES, {"s": NamedNode(s), "p": NamedNode(p), "o": NamedNode(o)})
        titles = tuple(sorted({r["title"].value for r in rows}))
    return Origin(stated, tuple(r for r in RULE_GRAPHS if r in held), titles)


# The statement is found from the entity first (?e is bound), then its source: written as one
# pattern with the roles as values, so the engine does not walk every statement's source first.
_MENTIONED_IN = """
SELECT DISTINCT ?e ?title WHERE {
  VALUES ?role { rdf:subject rdf:object owl:sourceIndividual owl:targetIndividual }
  ?st ?role ?e . ?st dcterms:source ?source . ?source dcterms:title ?title .
}"""


def mentioned_in(graph, iri: str) -> tuple[str, ...]:
    """The titles of the articles that state (or deny) a fact about ``iri``, sorted."""
    return tuple(sorted({row["title"].value for row in graph.select(_MENTIONED_IN, {"e": NamedNode(iri)})}))


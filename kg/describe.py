"""``kg describe`` and ``kg list``: what the graph says about one thing, or what a class holds.

Facts are shown with the property they are stated with, in both directions: "sprinting engages
hamstrings" appears on the hamstrings' card as "engaged by: sprinting". Each fact is marked
inferred when only a rule made it.
"""

from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from . import terms
from .provenance import mentioned_in, origin


_OUT = """
SELECT DISTINCT ?e ?p ?o WHERE {
  ?e ?p ?o . ?p a owl:ObjectProperty . ?o skos:prefLabel ?label . FILTER(isIRI(?o))
  FILTER NOT EXISTS { ?q owl:inverseOf ?p . FILTER NOT EXISTS { ?p owl:inverseOf ?q } }
}"""
_IN = """
SELECT DISTINCT ?e ?p ?s WHERE {
  ?s ?p ?e . ?p a owl:ObjectProperty . ?s skos:prefLabel ?label . FILTER(isIRI(?s))
  FILTER NOT EXISTS { ?q owl:inverseOf ?p . FILTER NOT EXISTS { ?p owl:inverseOf ?q } }
}"""
_PROPERTY_LABELS = """
SELECT ?p ?label ?inverse ?inverseLabel WHERE {
  ?p a owl:ObjectProperty . OPTIONAL { ?p rdfs:label ?label }
  OPTIONAL { ?p owl:inverseOf ?inverse . OPTIONAL { ?inverse rdfs:label ?inverseLabel } }
}"""
_ABOUT = """
SELECT ?e ?pref ?alt ?definition ?comment ?publisher ?class ?classLabel WHERE {
  { ?e skos:prefLabel ?pref } UNION { ?e skos:altLabel ?alt } UNION { ?e skos:definition ?definition }
  UNION { ?e a kg:Source ; dcterms:title ?pref } UNION { ?e a kg:Source ; rdfs:comment ?comment }
  UNION { ?e dcterms:publisher ?publisher }
  UNION { ?e a ?class . ?class a owl:Class . OPTIONAL { ?class rdfs:label ?classLabel }
          FILTER NOT EXISTS { ?e a ?sub . ?sub rdfs:subClassOf ?class . ?sub a owl:Class . FILTER(?sub != ?class) } }
}"""
_IDENTIFIERS = """
SELECT ?e ?match ?id WHERE {
  VALUES ?match { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch
                  dcterms:identifier }
  ?e ?match ?id .
}"""
_DENIED = """
SELECT ?e ?p ?other ?outgoing WHERE {
  ?n a owl:NegativePropertyAssertion ; owl:assertionProperty ?p .
  { ?n owl:sourceIndividual ?e ; owl:targetIndividual ?other BIND(true AS ?outgoing) }
  UNION { ?n owl:targetIndividual ?e ; owl:sourceIndividual ?other BIND(false AS ?outgoing) }
}"""
_VALUES = """
SELECT ?e ?p ?value WHERE { ?e ?p ?value . ?p a owl:DatatypeProperty . }"""
_LABEL = "SELECT ?x ?label WHERE { ?x skos:prefLabel|rdfs:label|dcterms:title ?label } LIMIT 1"
# The facts a source is cited for: statements, and negative assertions, whose dcterms:source it is.
_SUPPORTS = """
SELECT ?e ?s ?p ?o ?denied WHERE {
  ?st dcterms:source ?e .
  { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
  UNION { ?st owl:sourceIndividual ?s ; owl:assertionProperty ?p ; owl:targetIndividual ?o BIND(true AS ?denied) }
}"""


@dataclass
class Fact:
    """One link on a card: the other end, and whether only a rule made it."""

    iri: str
    label: str
    inferred: bool
    sources: list[str]
    property: str = ""       # the property's IRI, as the fact is stated
    outgoing: bool = True    # whether the card's entity is the fact's subject


@dataclass
class Card:
    iri: str
    label: str
    classes: list[str]
    synonyms: list[str]
    definition: str | None
    relations: dict[str, list[Fact]] = field(default_factory=dict)
    denied: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    publisher: str | None = None
    supports: list[tuple[str, str, str]] = field(default_factory=list)  # for a source: the facts citing it, as text

    def to_json(self) -> dict:
        """The documented JSON of ``kg describe --json``: snake_case keys, IRIs beside labels, and
        lists rather than objects keyed by display text."""
        return {
            "iri": self.iri, "label": self.label, "classes": self.classes, "synonyms": self.synonyms,
            "definition": self.definition,
            "relations": [{"relation": label, "property": facts[0].property,
                           "direction": "outgoing" if facts[0].outgoing else "incoming",
                           "facts": [{"iri": f.iri, "label": f.label, "inferred": f.inferred, "sources": f.sources}
                                     for f in facts]}
                          for label, facts in self.relations.items()],
            "denied": [{"relation": label, "labels": others} for label, others in self.denied.items()],
            "values": [{"property": label, "values": values} for label, values in self.values.items()],
            "sources": self.sources,
            "identifiers": [{"match": match, "id": value} for match, value in self.identifiers],
            "publisher": self.publisher,
            "supports": [{"subject": s, "relation": p, "object": o} for s, p, o in self.supports],
        }


def card(graph, iri: str) -> Card:
    """Everything the graph says about one entity."""
    e = NamedNode(iri)
    bind = {"e": e}
    pref, synonyms, definition, classes, comment, publisher = None, [], None, [], None, None
    for row in graph.select(_ABOUT, bind):
        if "comment" in row:
            comment = row["comment"].value
        if "publisher" in row:
            publisher = row["publisher"].value
        if "pref" in row:
            pref = row["pref"].value
        if "alt" in row:
            synonyms.append(row["alt"].value)
        if "definition" in row:
            definition = row["definition"].value
        if "class" in row:
            classes.append(row.get("classLabel", row["class"]).value)
    labels = _property_labels(graph)
    result = Card(iri, pref or terms.shorten(iri), sorted(set(classes)), sorted(set(synonyms), key=str.lower),
                  definition or comment, publisher=publisher)
    for row in graph.select(_OUT, bind):
        p, other = row["p"].value, row["o"].value
        _add(graph, result, labels[p][0], iri, p, other, other)
    for row in graph.select(_IN, bind):
        p, other = row["p"].value, row["s"].value
        _add(graph, result, labels[p][1], other, p, iri, other)
    for row in graph.select(_DENIED, bind):
        label = labels.get(row["p"].value, (terms.shorten(row["p"].value),) * 2)
        name = negate(label[0]) if row["outgoing"].value == "true" else f"not {label[1]}"
        result.denied.setdefault(name, []).append(name_of(graph, row["other"].value))
    for row in graph.select(_VALUES, bind):
        result.values.setdefault(name_of(graph, row["p"].value), []).append(row["value"].value)
    result.sources = list(mentioned_in(graph, iri))
    result.identifiers = sorted((terms.shorten(r["match"].value), r["id"].value)
                                for r in graph.select(_IDENTIFIERS, bind))
    result.supports = _supports(graph, graph.select(_SUPPORTS, bind), labels)
    for facts in result.relations.values():
        facts.sort(key=lambda f: f.label.lower())
    # In a fixed order, whatever order the engine returned the rows in.
    result.relations = dict(sorted(result.relations.items()))
    result.denied = {k: sorted(v) for k, v in sorted(result.denied.items())}
    result.values = dict(sorted(result.values.items()))
    return result


def _add(graph, result: Card, label: str, s: str, p: str, o: str, other: str) -> None:
    facts = result.relations.setdefault(label, [])
    if not any(f.iri == other for f in facts):
        found = origin(graph, s, p, o)
        facts.append(Fact(other, name_of(graph, other), found.inferred, list(found.sources), p, s != other))


def _supports(graph, rows, labels) -> list[tuple[str, str, str]]:
    """The facts a source is cited for, in words (names, the property's label, a value as is)."""
    def said(term) -> str:
        return name_of(graph, term.value) if isinstance(term, NamedNode) else term.value

    def relation(row) -> str:
        label = labels[row["p"].value][0] if row["p"].value in labels else said(row["p"])
        return negate(label) if "denied" in row else label

    facts = {(said(r["s"]), relation(r), said(r["o"])) for r in rows}
    return sorted(facts, key=lambda fact: tuple(x.lower() for x in fact))


def negate(label: str) -> str:
    """'results in' -> 'does not result in', 'is advised' -> 'is not advised': a property label denied."""
    first, _, rest = label.partition(" ")
    if first in ("is", "are") and rest:
        return f"{first} not {rest}"
    return f"does not {base_form(label)}"


def base_form(label: str) -> str:
    """'results in' -> 'result in', 'relieves tightness of' -> 'relieve tightness of': a property
    label (third person, as the graph's labels are written) with its verb in the base form."""
    first, _, rest = label.partition(" ")
    if first == "has":
        first = "have"
    elif first.endswith("s") and not first.endswith("ss") and len(first) > 3:
        first = first[:-1]
    return f"{first} {rest}".strip()


def _property_labels(graph) -> dict[str, tuple[str, str]]:
    """Each property's label read forwards, and backwards (its inverse's label, or '<- label')."""
    found = {}
    for row in graph.select(_PROPERTY_LABELS):
        p = row["p"].value
        label = row["label"].value if "label" in row else terms.shorten(p)
        backwards = row["inverseLabel"].value if "inverseLabel" in row else f"<- {label}"
        if p not in found or "inverseLabel" in row:
            found[p] = (label, backwards)
    return found


def name_of(graph, iri: str) -> str:
    rows = graph.select(_LABEL, {"x": NamedNode(iri)})
    return rows[0]["label"].value if rows else terms.shorten(iri)


def render(c: Card) -> str:
    """The card as text for a terminal."""
    lines = [f"{c.label}  ({terms.shorten(c.iri)})"]
    rows = [("class", ", ".join(c.classes) or "-"), ("also called", ", ".join(c.synonyms) or "-"),
            ("definition", c.definition or "-")] + ([("publisher", c.publisher)] if c.publisher else [])
    width = max(len(k) for k, _ in rows)
    lines += [f"  {k + ':':<{width + 1}} {v}" for k, v in rows]
    if c.relations or c.denied or c.values:
        lines.append("  relations (* inferred by a rule):")
        entries = [(name, ", ".join(f.label + ("*" if f.inferred else "") for f in facts))
                   for name, facts in sorted(c.relations.items())]
        entries += [(name, ", ".join(sorted(others))) for name, others in sorted(c.denied.items())]
        entries += [(name, ", ".join(values)) for name, values in sorted(c.values.items())]
        width = max(len(name) for name, _ in entries)
        lines += [f"    {name + ':':<{width + 1}} {text}" for name, text in entries]
    if c.supports:
        lines.append(f"  supports ({len(c.supports)} facts):")
        lines += [f"    {s} {p} {o}" for s, p, o in c.supports]
    else:
        lines.append("  sources: " + (", ".join(f"“{t}”" for t in c.sources) or "-"))
    if c.identifiers:
        lines.append("  identifiers:")
        lines += [f"    {match}: {value}" for match, value in c.identifiers]
    return "\n".join(lines) + "\n"


def classes(graph) -> list[tuple[str, str, int]]:
    """Every class of the graph with how many named things are in it: (iri, label, count)."""
    rows = graph.select("""
        SELECT ?c (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?c a owl:Class . FILTER(isIRI(?c)) OPTIONAL { ?c rdfs:label ?l }
          OPTIONAL { ?e a ?c ; skos:prefLabel|dcterms:title ?el }
        } GROUP BY ?c""")
    return sorted(((r["c"].value, r["label"].value if "label" in r else terms.shorten(r["c"].value),
                    int(r["n"].value)) for r in rows), key=lambda x: x[1].lower())


def members(graph, cls: str) -> list[tuple[str, str]]:
    """The named members of a class, sorted by name: (iri, label)."""
    rows = graph.select("SELECT DISTINCT ?c ?e ?label WHERE { ?e a ?c ; skos:prefLabel|dcterms:title ?label }",
                        {"c": NamedNode(cls)})
    return sorted(((r["e"].value, r["label"].value) for r in rows), key=lambda x: x[1].lower())

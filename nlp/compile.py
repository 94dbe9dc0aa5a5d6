"""Frame -> SPARQL. Queries are assembled only from IRIs the lexicon read from the graph, never
from the question's text; every IRI is written by pyoxigraph's own term serializer."""

from pyoxigraph import NamedNode

from kg import terms

from .frame import Check, Reading


def iri(value: str) -> str:
    """An IRI as SPARQL: a prefixed name where one is safe, else ``<...>`` (validated by pyoxigraph)."""
    short = terms.shorten(value)
    return short if not short.startswith("<") else str(NamedNode(value))


def _term(reading: Reading, name: str) -> str:
    node = reading.nodes[name]
    return iri(node.iri) if node.iri else f"?{name}"


def select(reading: Reading) -> str:
    """The SELECT for one reading: ?answer, and every intermediate variable of a multi-hop chain."""
    variables = [n for n, node in reading.nodes.items() if node.iri is None and n != reading.answer]
    # Each pattern once: a question that names a thing twice ("... and ... again") asks nothing more.
    patterns = list(dict.fromkeys(f"  {_term(reading, h.subject)} {iri(h.prop)} {_term(reading, h.object)} ."
                                  for h in reading.hops))
    for name, node in reading.nodes.items():
        if node.iri is None and node.cls:
            patterns.append(f"  ?{name} a {iri(node.cls)} .")
    if not reading.hops:
        patterns.append(f"  ?{reading.answer} skos:prefLabel ?label .")
    projection = " ".join(f"?{v}" for v in [reading.answer, *variables])
    return f"SELECT DISTINCT {projection} WHERE {{\n" + "\n".join(patterns) + "\n}"


def ask_triple(s: str, p: str, o: str) -> str:
    return f"ASK {{ {iri(s)} {iri(p)} {iri(o)} }}"


def members(group: str, member_of: list[str]) -> str:
    """Everything that belongs to ``group``, at any depth, through the ``member_of`` properties."""
    path = "|".join(iri(m) for m in member_of)
    return f"SELECT DISTINCT ?m WHERE {{ ?m ({path})+ {iri(group)} }}"


def groups_holding(s: str, p: str, o: str, member_of: list[str]) -> str:
    """The groups ``o`` is a member of (by one of the ``member_of`` properties) that ``s`` is
    linked to by ``p``: (s, p, group) says (s, p, o) when ``p`` distributes."""
    values = " ".join(iri(m) for m in member_of)
    return (f"SELECT DISTINCT ?whole ?member_of WHERE {{ VALUES ?member_of {{ {values} }} "
            f"{iri(o)} ?member_of ?whole . {iri(s)} {iri(p)} ?whole }} ORDER BY ?whole ?member_of")


def denied(s: str, p: str | None, o: str) -> str:
    """Negative property assertions about the two entities (with ``p``, or any property)."""
    prop = iri(p) if p else "?p"
    return (f"SELECT DISTINCT ?s ?p ?o ?title ?note WHERE {{\n"
            f"  ?n a owl:NegativePropertyAssertion ; owl:assertionProperty ?p ;\n"
            f"     owl:sourceIndividual ?s ; owl:targetIndividual ?o .\n"
            f"  FILTER((?s = {iri(s)} && ?o = {iri(o)}) || (?s = {iri(o)} && ?o = {iri(s)}))\n"
            + (f"  FILTER(?p = {prop})\n" if p else "")
            + "  OPTIONAL { ?n dcterms:source/dcterms:title ?title }\n"
              "  OPTIONAL { ?n skos:note ?note }\n}")


def check(c: Check) -> str:
    """The query shown for a yes/no question."""
    if c.kind == "triple":
        return ask_triple(c.subject, c.prop, c.object)
    if c.kind == "same":
        return f"ASK {{ {iri(c.subject)} skos:prefLabel ?name }}"
    if c.kind == "type":
        return f"ASK {{ {iri(c.subject)} a {iri(c.object)} }}"
    if c.kind == "value":
        return value(c.subject, c.prop)
    raise ValueError(c.kind)


def linked(p: str, o: str) -> str:
    """The subjects that ``p`` links to ``o``."""
    return f"SELECT DISTINCT ?x WHERE {{ ?x {iri(p)} {iri(o)} }}"


def has_value(s: str, p: str, number: int) -> str:
    """Whether ``s`` has a ``p`` equal to ``number`` (compared as numbers, whatever their datatype)."""
    return f"ASK {{ {iri(s)} {iri(p)} ?value FILTER(?value = {int(number)}) }}"


def value(s: str, p: str) -> str:
    return f"SELECT ?value WHERE {{ {iri(s)} {iri(p)} ?value }}"


def describe(entity: str) -> str:
    """Definition, class and names of one entity."""
    return (f"SELECT ?definition ?name WHERE {{\n"
            f"  OPTIONAL {{ {iri(entity)} skos:definition ?definition }}\n"
            f"  OPTIONAL {{ {iri(entity)} skos:altLabel ?name }}\n}}")


def values(entity: str) -> str:
    """The literal values an entity has (beyond its names), with their properties."""
    return (f"SELECT ?p ?value WHERE {{\n"
            f"  {iri(entity)} ?p ?value . ?p a owl:DatatypeProperty .\n}}")


def chain_premises(s: str, steps: list[str], o: str) -> str:
    """The intermediate nodes that make a property chain hold between s and o."""
    names = [f"?x{i}" for i in range(1, len(steps))]
    nodes = [iri(s), *names, iri(o)]
    patterns = " . ".join(f"{nodes[i]} {iri(step)} {nodes[i + 1]}" for i, step in enumerate(steps))
    return f"SELECT DISTINCT {' '.join(names)} WHERE {{ {patterns} }}"


def members_among(answers: list[str], member_of: list[str]) -> str:
    """The direct members of each answer, by the ``member_of`` properties (not a member of a
    member, which a transitive membership also links)."""
    values = " ".join(iri(a) for a in answers)
    path = "|".join(iri(m) for m in member_of)
    return (f"SELECT DISTINCT ?whole ?member WHERE {{ VALUES ?whole {{ {values} }} ?member {path} ?whole "
            f"FILTER NOT EXISTS {{ ?member {path} ?middle . ?middle {path} ?whole "
            f"FILTER(?middle != ?whole && ?middle != ?member) }} }}")


def via(step: str, answers: list[str]) -> str:
    """Pairs of answers (b, a) with b step a: a follows from b by one more step."""
    values = " ".join(iri(a) for a in answers)
    return f"SELECT DISTINCT ?b ?a WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} ?b {iri(step)} ?a }}"


def subproperty_premises(s: str, p: str, o: str) -> str:
    return f"SELECT DISTINCT ?q WHERE {{ {iri(s)} ?q {iri(o)} . ?q rdfs:subPropertyOf {iri(p)} . FILTER(?q != {iri(p)}) }}"


def transitive_premises(s: str, p: str, o: str) -> str:
    return f"SELECT DISTINCT ?x WHERE {{ {iri(s)} {iri(p)} ?x . ?x {iri(p)} {iri(o)} }}"


def flags(entity: str) -> str:
    """The true/false values an entity has ("is possible"), with their properties."""
    return (f"SELECT ?p ?value WHERE {{ {iri(entity)} ?p ?value . "
            f"?p a owl:DatatypeProperty ; rdfs:range xsd:boolean }}")


_VALUE_SOURCES = ("SELECT DISTINCT ?s ?p ?value ?title WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?value ; "
                  "dcterms:source/dcterms:title ?title }")


def value_sources(s: str, p: str, value) -> tuple[str, dict]:
    """The titles of the articles stating that ``s`` has ``value`` for ``p``: a query and its
    bindings (the literal is bound, never written into the text; pyoxigraph binds only projected
    variables)."""
    return _VALUE_SOURCES, {"s": NamedNode(s), "p": NamedNode(p), "value": value}


#: Where next steps are declared: kg:nextStep, and a problem's kg:remedy (ORDER BY: the same pick every run).
NEXT_STEPS = ('SELECT ?x ?kind ?p WHERE { { ?x kg:nextStep ?p BIND("next" AS ?kind) } '
              'UNION { ?x kg:remedy ?p BIND("remedy" AS ?kind) } } ORDER BY ?x ?kind ?p')


def subjects(prop: str, things: list[str]) -> str:
    """What ``prop`` links to each of the things (?a prop ?x), with the titles of the articles
    that state each link, in one query."""
    values = " ".join(iri(t) for t in things)
    return (f"SELECT DISTINCT ?a ?x ?title WHERE {{ VALUES ?x {{ {values} }} ?a {iri(prop)} ?x .\n"
            f"  OPTIONAL {{ ?st rdf:subject ?a ; rdf:predicate {iri(prop)} ; rdf:object ?x ; "
            "dcterms:source/dcterms:title ?title }\n}")

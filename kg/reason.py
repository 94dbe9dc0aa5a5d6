"""Materialize what the schema implies, each inferred triple in the named graph of its rule.

The rules are the RDFS/OWL 2 RL ones the ontology needs: class and property hierarchies, inverse,
symmetric and transitive properties, and property chains. Which classes and properties they
apply to is read from the graph, so a user's own schema is reasoned over the same way.

It scales with the data, not with the number of rounds. The schema is small, so its closure is
worked out first in Python: every property a stated property implies, and whether it reads the
other way round (subproperty, inverse and symmetric steps combined), and every class above each
class. Each of those is then one CONSTRUCT over the data, whose result pyoxigraph writes and
bulk-loads itself, without a Python object per triple. Only the rules that join two facts
(transitive properties, property chains) iterate to a fixpoint, and their output is small.

Stated triples never move; inferred ones go to their rule's graph, and only those no graph
holds yet: a conclusion that is also stated, or that another rule reached first, is not written
again. So every triple lives in exactly one graph, and the default graph queries see (the union
of all graphs) is a set, as SPARQL's default graph is: a fact both stated and inferred is one row.
Answers that quote a rule for a stated fact ("also inferred: property chain ...") find its
premises when asked. Domain and range are not used to add types; SHACL checks them instead.
"""

import os
from collections import defaultdict

from pyoxigraph import NamedNode, RdfFormat, Store

from . import terms

_SCHEMA = {
    "subclass": "SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b . FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }",
    "subproperty": "SELECT ?a ?b WHERE { ?a rdfs:subPropertyOf ?b . FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b) }",
    "inverse": "SELECT ?a ?b WHERE { ?a owl:inverseOf ?b . FILTER(isIRI(?a) && isIRI(?b)) }",
    "symmetric": "SELECT ?a WHERE { ?a a owl:SymmetricProperty . FILTER(isIRI(?a)) }",
    "transitive": "SELECT ?a WHERE { ?a a owl:TransitiveProperty . FILTER(isIRI(?a)) }",
}
_CHAINS = "SELECT ?p ?list WHERE { ?p owl:propertyChainAxiom ?list . FILTER(isIRI(?p)) }"
_LIST_CELL = "SELECT ?node ?first ?rest WHERE { ?node rdf:first ?first ; rdf:rest ?rest }"


class Schema:
    """The small part of the graph the rules read, closed under its own rules."""

    def __init__(self, store: Store):
        pairs = {name: _select(store, query) for name, query in _SCHEMA.items()}
        supers = _closure((r["a"].value, r["b"].value) for r in pairs["subclass"])
        self.class_pairs = sorted((c, d) for c, ds in supers.items() for d in ds if c != d)
        up = _closure((r["a"].value, r["b"].value) for r in pairs["subproperty"])
        stated_classes = {(r["a"].value, r["b"].value) for r in pairs["subclass"]}
        stated_properties = {(r["a"].value, r["b"].value) for r in pairs["subproperty"]}
        # The hierarchies' own closure (a subclass of a subclass is a subclass), as triples.
        self.schema_triples = [(c, terms.RDFS + "subClassOf", d, terms.SUBCLASS_RULE)
                               for c, d in self.class_pairs if (c, d) not in stated_classes]
        self.schema_triples += [(p, terms.RDFS + "subPropertyOf", q, terms.SUBPROPERTY_RULE)
                                for p, qs in sorted(up.items()) for q in sorted(qs)
                                if p != q and (p, q) not in stated_properties]
        inverse = defaultdict(set)
        for r in pairs["inverse"]:
            inverse[r["a"].value].add(r["b"].value)
            inverse[r["b"].value].add(r["a"].value)
        symmetric = {r["a"].value for r in pairs["symmetric"]}
        self.transitive = sorted(r["a"].value for r in pairs["transitive"])
        self.chains = _chains(store)
        props = set(up) | {b for bs in up.values() for b in bs} | set(inverse) | symmetric | set(self.transitive)
        props |= {p for p, _ in self.chains} | {step for _, steps in self.chains for step in steps}
        # expansions[p]: (q, flipped, rule) such that (s p o) implies (s q o), or (o q s) when flipped.
        self.expansions: dict[str, set[tuple[str, bool, NamedNode]]] = {}
        for p in props:
            seen = {(p, False)}
            frontier = [(p, False)]
            found = set()
            while frontier:
                q, flipped = frontier.pop()
                steps = [(r, flipped, terms.SUBPROPERTY_RULE) for r in up.get(q, ())]
                steps += [(r, not flipped, terms.INVERSE_RULE) for r in inverse.get(q, ())]
                if q in symmetric:
                    steps.append((q, not flipped, terms.SYMMETRIC_RULE))
                for r, f, rule in steps:
                    if (r, f) not in seen:
                        seen.add((r, f))
                        frontier.append((r, f))
                        found.add((r, f, rule))
            if found:
                self.expansions[p] = found


def infer(store: Store) -> dict[NamedNode, int]:
    """Materialize every rule's conclusions; return how many triples each rule's graph holds."""
    from pyoxigraph import Quad

    schema = Schema(store)
    store.extend(Quad(NamedNode(s), NamedNode(p), NamedNode(o), rule) for s, p, o, rule in schema.schema_triples)
    stated = _stated_graphs(store)
    _run_all(store, [(rule, query, stated) for rule, query, _ in _single_premise(schema)])
    changed = None  # properties with new triples since the joins last ran; None: everything
    while True:
        joins = [(rule, query, None) for rule, query, inputs in _joins(schema)
                 if changed is None or inputs & changed]  # semi-naive: skip joins with nothing new to use
        if not sum(_run_all(store, joins)):
            break
        # What the joins found may imply more by the single-premise rules ("prevents" -> "preventedBy").
        expansions = list(_single_premise(schema, within=(terms.CHAIN_RULE, terms.TRANSITIVE_RULE)))
        counts = _run_all(store, [(rule, query, None) for rule, query, _ in expansions])
        changed = {p for (_, _, outputs), n in zip(expansions, counts) if n for p in outputs}
    _one_home(store, schema)
    counts = {row["g"].value: int(row["n"].value) for row in _select(
        store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    return {rule: counts.get(rule.value, 0) for rule in terms.RULES}


def _one_home(store: Store, schema: Schema) -> None:
    """Rules that run side by side may reach the same conclusion: keep it in the graph of the
    rule that comes first in terms.RULES. Only properties two rules conclude are looked at."""
    from pyoxigraph import Quad

    concludes = defaultdict(set)
    for rule, _, outputs in _single_premise(schema):
        concludes[rule] |= outputs
    concludes[terms.TRANSITIVE_RULE] |= set(schema.transitive)
    concludes[terms.CHAIN_RULE] |= {p for p, _ in schema.chains}
    order = list(terms.RULES)
    for p in sorted(set().union(*concludes.values())):
        rules = sorted((r for r, c in concludes.items() if p in c), key=order.index)
        for k, later in enumerate(rules):
            for earlier in rules[:k]:
                rows = _select(store, f"SELECT ?s ?o WHERE {{ GRAPH {later} {{ ?s {_iri(p)} ?o }} "
                                      f"GRAPH {earlier} {{ ?s {_iri(p)} ?o }} }}")
                for row in rows:
                    store.remove(Quad(row["s"], NamedNode(p), row["o"], later))


def _single_premise(schema: Schema, within=None):
    """(rule, CONSTRUCT, properties it concludes) for the class hierarchy and every property expansion."""
    scope = ""
    if within is not None:
        scope = "VALUES ?g { " + " ".join(str(g) for g in within) + " } "
    if schema.class_pairs and within is None:
        values = " ".join(f"({_iri(c)} {_iri(d)})" for c, d in schema.class_pairs)
        yield terms.SUBCLASS_RULE, (f"CONSTRUCT {{ ?x a ?d }} WHERE {{ VALUES (?c ?d) {{ {values} }} ?x a ?c "
                                    "FILTER NOT EXISTS { ?x a ?d } }"), {terms.RDF + "type"}
    by_rule = defaultdict(lambda: {False: [], True: []})
    for p, found in sorted(schema.expansions.items()):
        for q, flipped, rule in sorted(found):
            by_rule[rule][flipped].append((p, q))
    for rule, groups in by_rule.items():
        for flipped, pairs in groups.items():
            if not pairs:
                continue
            values = " ".join(f"({_iri(p)} {_iri(q)})" for p, q in pairs)
            head = "?o ?q ?s" if flipped else "?s ?q ?o"
            literal = "FILTER(!isLiteral(?o)) " if flipped else ""
            pattern = "GRAPH ?g { ?s ?p ?o }" if within is not None else "?s ?p ?o"
            yield rule, (f"CONSTRUCT {{ {head} }} WHERE {{ {scope}VALUES (?p ?q) {{ {values} }} {pattern} {literal}"
                         f"FILTER NOT EXISTS {{ {head} }} }}"), {q for _, q in pairs}


def _joins(schema: Schema):
    """(rule, CONSTRUCT, properties it reads) for transitive properties and property chains."""
    for p in schema.transitive:
        yield terms.TRANSITIVE_RULE, (
            f"CONSTRUCT {{ ?s {_iri(p)} ?o }} WHERE {{ ?s {_iri(p)} ?x . ?x {_iri(p)} ?o "
            f"FILTER NOT EXISTS {{ ?s {_iri(p)} ?o }} }}"), {p}
    for p, steps in schema.chains:
        hops = " . ".join(f"?x{i} {_iri(step)} ?x{i + 1}" for i, step in enumerate(steps))
        n = len(steps)
        yield terms.CHAIN_RULE, (
            f"CONSTRUCT {{ ?x0 {_iri(p)} ?x{n} }} WHERE {{ {hops} FILTER(!isLiteral(?x0)) "
            f"FILTER NOT EXISTS {{ ?x0 {_iri(p)} ?x{n} }} }}"), set(steps)


def _run_all(store: Store, jobs: list[tuple[NamedNode, str, list | None]]) -> list[int]:
    """Run CONSTRUCTs side by side (pyoxigraph releases the GIL while it evaluates) and bulk-load
    each result into its rule's graph as soon as it is ready; the loads themselves go one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    if len(jobs) <= 1:
        return [_construct_into(store, query, rule, over) for rule, query, over in jobs]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 2)) as pool:
        futures = [pool.submit(_construct, store, query, over) for _, query, over in jobs]
        counts = []
        for (rule, _, _), future in zip(jobs, futures):
            counts.append(_load_into(store, future.result(), rule))
        return counts


def _stated_graphs(store: Store) -> list:
    """The default graph and every named graph that is not a rule's: where stated triples live."""
    from pyoxigraph import DefaultGraph

    rules = set(terms.RULES)
    return [DefaultGraph(), *(g for g in store.named_graphs() if g not in rules)]


def _construct_into(store: Store, query: str, graph: NamedNode, over: list | None = None) -> int:
    """Run a CONSTRUCT and bulk-load its triples into ``graph``; pyoxigraph does both ends in Rust.

    ``over`` limits what the query reads (the stated graphs); by default it reads every graph.
    """
    return _load_into(store, _construct(store, query, over), graph)


def _construct(store: Store, query: str, over: list | None) -> bytes:
    if over is None:
        results = store.query(query, prefixes=terms.PREFIXES, use_default_graph_as_union=True)
    else:
        results = store.query(query, prefixes=terms.PREFIXES, default_graph=over)
    return results.serialize(format=RdfFormat.N_TRIPLES)


def _load_into(store: Store, data: bytes, graph: NamedNode) -> int:
    if not data:
        return 0
    store.bulk_load(input=data, format=RdfFormat.N_TRIPLES, to_graph=graph)
    return data.count(b"\n")


def chains(store: Store) -> list[tuple[NamedNode, list[NamedNode]]]:
    """Every ``owl:propertyChainAxiom`` in the graph: (property, [step, step, ...])."""
    return [(NamedNode(p), [NamedNode(s) for s in steps]) for p, steps in _chains(store)]


def _chains(store: Store) -> list[tuple[str, list[str]]]:
    found = []
    for row in _select(store, _CHAINS):
        steps, node, seen = [], row["list"], set()
        while node is not None and node != NamedNode(terms.RDF + "nil") and str(node) not in seen:
            seen.add(str(node))
            cells = _select(store, _LIST_CELL, {"node": node})
            if not cells:
                break
            steps.append(cells[0]["first"])
            node = cells[0]["rest"]
        if len(steps) >= 2 and all(isinstance(s, NamedNode) for s in steps):
            found.append((row["p"].value, [s.value for s in steps]))
    return sorted(found)


def _closure(pairs) -> dict[str, set[str]]:
    """Transitive closure of a small relation given as (a, b) pairs: a -> every b reachable."""
    direct = defaultdict(set)
    for a, b in pairs:
        direct[a].add(b)
    closed = {}
    for start in list(direct):
        seen, stack = set(), list(direct[start])
        while stack:
            b = stack.pop()
            if b not in seen:
                seen.add(b)
                stack.extend(direct.get(b, ()))
        closed[start] = seen
    return closed


def _iri(value: str) -> str:
    return str(NamedNode(value))


def _select(store: Store, query: str, substitutions=None) -> list:
    from pyoxigraph import Variable

    bound = {Variable(k): v for k, v in (substitutions or {}).items()}
    results = store.query(query, prefixes=terms.PREFIXES, use_default_graph_as_union=True, substitutions=bound or None)
    names = [v.value for v in results.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in results]

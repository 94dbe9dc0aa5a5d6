"""Reasoning: inferences land in the named graph of their rule; stated triples stay stated."""

from pyoxigraph import NamedNode, RdfFormat, Store

from kg import terms
from kg.reason import infer

SCHEMA = """
@prefix : <https://w3id.org/runner-kg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
:Muscle rdfs:subClassOf :Entity .
:MuscleGroup rdfs:subClassOf :Muscle .
:engages owl:inverseOf :engagedBy .
:hasMovement rdfs:subPropertyOf :relatedTo .
:partOf a owl:TransitiveProperty .
:near a owl:SymmetricProperty .
:prevents owl:propertyChainAxiom ( :strengthens :weaknessCauses ) .
:Glutes a :MuscleGroup ; :partOf :Hip ; :near :Hamstrings .
:Hip :partOf :Body .
:Running :engages :Glutes ; :hasMovement :Sprinting .
:SideLegLifts :strengthens :Glutes .
:Glutes :weaknessCauses :RunnersKnee .
"""


def _store():
    store = Store()
    store.load(input=SCHEMA, format=RdfFormat.TURTLE)
    infer(store)
    return store


def _graph_of(store, s, p, o):
    kg = terms.KG
    found = list(store.quads_for_pattern(NamedNode(kg + s) if ":" not in s else NamedNode(s),
                                         NamedNode(p if ":" in p else kg + p), NamedNode(kg + o), None))
    return {q.graph_name for q in found}


def test_reason_subclass_types_go_to_the_subclass_graph():
    store = _store()
    assert _graph_of(store, "Glutes", terms.RDF + "type", "Muscle") == {terms.SUBCLASS_RULE}
    assert _graph_of(store, "Glutes", terms.RDF + "type", "Entity") == {terms.SUBCLASS_RULE}


def test_reason_inverse_and_subproperty():
    store = _store()
    assert _graph_of(store, "Glutes", "engagedBy", "Running") == {terms.INVERSE_RULE}
    assert _graph_of(store, "Running", "relatedTo", "Sprinting") == {terms.SUBPROPERTY_RULE}


def test_reason_transitive_and_symmetric():
    store = _store()
    assert _graph_of(store, "Glutes", "partOf", "Body") == {terms.TRANSITIVE_RULE}
    assert _graph_of(store, "Hamstrings", "near", "Glutes") == {terms.SYMMETRIC_RULE}


def test_reason_property_chain():
    store = _store()
    assert _graph_of(store, "SideLegLifts", "prevents", "RunnersKnee") == {terms.CHAIN_RULE}


def test_reason_stated_triples_stay_in_their_graph():
    store = _store()
    from pyoxigraph import DefaultGraph

    assert _graph_of(store, "Running", "engages", "Glutes") == {DefaultGraph()}
    assert _graph_of(store, "Glutes", terms.RDF + "type", "MuscleGroup") == {DefaultGraph()}


def test_reason_a_stated_conclusion_is_kept_once_as_stated():
    """The chain also reaches this stated fact; a second copy in the rule's graph would make the
    union default graph repeat it."""
    store = Store()
    store.load(input=SCHEMA + ":SideLegLifts :prevents :RunnersKnee .", format=RdfFormat.TURTLE)
    infer(store)
    from pyoxigraph import DefaultGraph

    assert _graph_of(store, "SideLegLifts", "prevents", "RunnersKnee") == {DefaultGraph()}
    assert len(list(store.quads_for_pattern(None, None, None, None))) == \
        len({q.triple for q in store.quads_for_pattern(None, None, None, None)})


def test_reason_reaches_a_fixpoint():
    store = _store()
    size = len(store)
    counts = infer(store)
    assert len(store) == size
    assert counts[terms.CHAIN_RULE] == 1 and counts[terms.INVERSE_RULE] >= 1

"""The ontology: every fact of both articles is queryable with its source; rules; identifiers."""

import pytest
from pyoxigraph import Literal, NamedNode

from kg import open_graph, terms

from .conftest import EXAMPLES, FIXTURES

THIGH = "Does Running Trim Thigh Muscles?"
INNER = "Does running help the inner thighs?"

# One row per fact, read off the two articles: subject, property, object, the article(s) stating it.
FACTS = [
    # running and the muscles it works
    ("Running", "engages", "Quadriceps", [THIGH, INNER]),
    ("Running", "engages", "Hamstrings", [THIGH, INNER]),
    ("Running", "engages", "Glutes", [THIGH, INNER]),
    ("Running", "engages", "HipMuscles", [THIGH]),
    ("Running", "engages", "CalfMuscles", [THIGH, INNER]),
    ("Running", "engages", "ThighMuscles", [THIGH]),
    ("Running", "engages", "Adductors", [INNER]),
    ("Walking", "engages", "Adductors", [INNER]),
    ("Standing", "engages", "Adductors", [INNER]),
    # movements
    ("RunningDownhill", "engages", "Quadriceps", [THIGH]),
    ("RunningUphill", "engages", "Hamstrings", [THIGH]),
    ("RunningUphill", "engages", "Glutes", [THIGH]),
    ("Sprinting", "engages", "Hamstrings", [THIGH]),
    ("Sprinting", "engages", "Glutes", [THIGH]),
    ("PushingOff", "engages", "Adductors", [THIGH]),
    ("StabilizingTheStride", "engages", "Adductors", [THIGH]),
    ("Landing", "engages", "ThighMuscles", [THIGH]),
    ("Running", "hasMovement", "Sprinting", [THIGH]),
    ("Running", "hasMovement", "RunningUphill", [THIGH]),
    ("Running", "hasMovement", "RunningDownhill", [THIGH]),
    # functions
    ("Quadriceps", "hasFunction", "Propulsion", [THIGH]),
    ("CalfMuscles", "hasFunction", "Propulsion", [THIGH]),
    ("ThighMuscles", "hasFunction", "KneeAndFootAlignment", [THIGH]),
    ("ThighMuscles", "hasFunction", "SafeLanding", [THIGH]),
    ("Adductors", "hasFunction", "StrideStabilization", [THIGH]),
    ("Adductors", "hasFunction", "HipSupport", [THIGH]),
    ("Adductors", "hasFunction", "LegAdduction", [INNER]),
    ("Adductors", "stabilizes", "Hip", [INNER]),
    ("Adductors", "stabilizes", "Thigh", [INNER]),
    ("Adductors", "stabilizes", "Knee", [INNER]),
    # anatomy
    ("Thigh", "locatedBetween", "Hip", [THIGH]),
    ("Thigh", "locatedBetween", "Knee", [THIGH]),
    ("Glutes", "locatedIn", "Buttock", [THIGH]),
    ("Glutes", "extendsOver", "SideOfThigh", [THIGH]),
    ("Glutes", "extendsOver", "BackOfUpperLeg", [THIGH]),
    ("Hamstrings", "locatedIn", "BackOfUpperLeg", [THIGH]),
    ("Quadriceps", "locatedIn", "FrontOfUpperLeg", [THIGH]),
    ("Adductors", "locatedIn", "InnerThigh", [THIGH, INNER]),
    # injuries, their causes and prevention
    ("Glutes", "weaknessCauses", "ITBandSyndrome", [THIGH]),
    ("Glutes", "weaknessCauses", "RunnersKnee", [THIGH]),
    ("HipMuscles", "weaknessCauses", "ITBandSyndrome", [THIGH]),
    ("HipMuscles", "weaknessCauses", "RunnersKnee", [THIGH]),
    ("LateralSideSteps", "prevents", "ITBandSyndrome", [THIGH]),
    ("LateralSideSteps", "prevents", "RunnersKnee", [THIGH]),
    ("SingleLeggedSquat", "prevents", "ITBandSyndrome", [THIGH]),
    ("SingleLeggedSquat", "prevents", "RunnersKnee", [THIGH]),
    ("SideLegLifts", "prevents", "ITBandSyndrome", [THIGH]),
    ("SideLegLifts", "prevents", "RunnersKnee", [THIGH]),
    # hamstrings and the imbalance
    ("Quadriceps", "usuallyStrongerThan", "Hamstrings", [THIGH]),
    ("Running", "resultsIn", "MuscularImbalance", [THIGH]),
    ("StrengthTraining", "corrects", "MuscularImbalance", [THIGH]),
    ("StrengthTraining", "resultsIn", "EvenToning", [THIGH]),
    ("OneLeggedHamstringCurl", "strengthens", "Hamstrings", [THIGH]),
    ("OneLeggedDeadlift", "strengthens", "Hamstrings", [THIGH]),
    ("FoamRolling", "relievesTightnessOf", "Hamstrings", [THIGH]),
    ("FoamRolling", "usesEquipment", "FoamRoller", [THIGH]),
    # inner thighs
    ("SideLunges", "strengthens", "Adductors", [INNER]),
    ("SumoSquats", "strengthens", "Adductors", [INNER]),
    ("LegLifts", "strengthens", "Adductors", [INNER]),
    ("SideLunges", "tones", "Adductors", [INNER]),
    ("SumoSquats", "kindOf", "StrengthTraining", [INNER]),
    ("Running", "strengthens", "Adductors", [INNER]),
    ("Running", "tones", "Adductors", [INNER]),
    ("Adductors", "strengtheningImproves", "LegStrength", [INNER]),
    ("Adductors", "strengtheningImproves", "AthleticPerformance", [INNER]),
    ("Adductors", "strengtheningReduces", "InjuryRisk", [INNER]),
    # outcomes of running and strength training
    ("Running", "resultsIn", "CalorieBurn", [THIGH, INNER]),
    ("Running", "resultsIn", "WeightLoss", [THIGH]),
    ("CalorieBurn", "contributesTo", "WeightLoss", [THIGH]),
    ("Running", "resultsIn", "LeanMuscle", [THIGH]),
    ("Running", "strengthens", "ThighMuscles", [THIGH]),
    ("Running", "tones", "ThighMuscles", [THIGH]),
    ("Running", "resultsIn", "SleekerThighs", [THIGH]),
    ("Running", "resultsIn", "LowerBodyConditioning", [INNER]),
    ("Running", "resultsIn", "LegStrength", [INNER]),
    ("Running", "resultsIn", "LeanerInnerThighs", [INNER]),
    ("StrengthTraining", "reduces", "InjuryRisk", [THIGH, INNER]),
    ("StrengthTraining", "improves", "AthleticPerformance", [INNER]),
    # the beginner guideline
    ("BeginnerGuideline", "intendedFor", "Beginner", [THIGH]),
    ("BeginnerGuideline", "recommends", "Running", [THIGH]),
]

# What the articles deny: answered "no", not "not known".
NEGATIVE_FACTS = [
    ("Running", "resultsIn", "SpotReduction", THIGH),
    ("Running", "resultsIn", "BulkyLegs", THIGH),
    ("Running", "corrects", "MuscularImbalance", THIGH),
    ("Running", "resultsIn", "EvenToning", THIGH),
]

STATED_WITH_SOURCE = """
ASK { ?s ?p ?o .
      ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source/dcterms:title ?title ;
          skos:note ?note }"""

DENIED_WITH_SOURCE = """
ASK { ?n a owl:NegativePropertyAssertion ; owl:sourceIndividual ?s ; owl:assertionProperty ?p ;
         owl:targetIndividual ?o ; dcterms:source/dcterms:title ?title ; skos:note ?note }"""


def _iri(name):
    return terms.kg(name)


@pytest.mark.parametrize("subject, prop, obj, sources", FACTS, ids=lambda v: v if isinstance(v, str) else None)
def test_ontology_fact_is_stated_with_its_source(graph, subject, prop, obj, sources):
    for title in sources:
        assert graph.ask(STATED_WITH_SOURCE, {"s": _iri(subject), "p": _iri(prop), "o": _iri(obj),
                                              "title": Literal(title, language="en")}), title


@pytest.mark.parametrize("subject, prop, obj, source", NEGATIVE_FACTS)
def test_ontology_negative_fact_is_stated_and_not_asserted(graph, subject, prop, obj, source):
    s, p, o = _iri(subject), _iri(prop), _iri(obj)
    assert graph.ask(DENIED_WITH_SOURCE, {"s": s, "p": p, "o": o, "title": Literal(source, language="en")})
    assert not graph.ask("ASK { ?s ?p ?o }", {"s": s, "p": p, "o": o})


def test_ontology_spot_reduction_is_not_possible(graph):
    rows = graph.select("SELECT ?v WHERE { kg:SpotReduction kg:isPossible ?v }")
    assert [r["v"].value for r in rows] == ["false"]


def test_ontology_beginner_guideline(graph):
    rows = graph.select("SELECT ?m ?f WHERE { kg:BeginnerGuideline kg:targetMinutes ?m ; kg:frequency ?f }")
    assert [(r["m"].value, r["f"].value) for r in rows] == [("30", "most days of the week")]


def test_ontology_every_stated_object_fact_has_a_source(graph):
    missing = graph.select("""
        SELECT ?s ?p ?o WHERE {
          ?p a owl:ObjectProperty . ?s ?p ?o .
          FILTER NOT EXISTS { GRAPH ?rule { ?s ?p ?o } ?rule a kg:InferenceRule }
          FILTER NOT EXISTS { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source ?src } }""")
    assert missing == []


def test_ontology_every_object_property_has_domain_range_inverse_label_comment(graph):
    rows = graph.select("""
        SELECT ?p WHERE { ?p a owl:ObjectProperty . FILTER(STRSTARTS(STR(?p), STR(kg:)))
          FILTER NOT EXISTS { ?p rdfs:domain ?d ; rdfs:range ?r ; rdfs:label ?l ; rdfs:comment ?c .
                              { ?p owl:inverseOf ?i } UNION { ?i owl:inverseOf ?p } } }""")
    assert rows == []


@pytest.mark.parametrize("name, label", [
    ("RunnersKnee", "PFPS"), ("RunnersKnee", "patellofemoral pain syndrome"),
    ("ITBandSyndrome", "ITBS"), ("ITBandSyndrome", "iliotibial band syndrome"), ("ITBandSyndrome", "IT band"),
    ("Quadriceps", "quads"), ("Glutes", "gluteal muscles"), ("Adductors", "inner thigh muscles"),
    ("CalfMuscles", "calves"), ("SingleLeggedSquat", "single-leg squat"),
])
def test_ontology_synonyms(graph, name, label):
    assert graph.ask("ASK { ?e skos:altLabel ?l }", {"e": _iri(name), "l": Literal(label, language="en")})


def test_ontology_pref_labels_are_unique(graph):
    rows = graph.select("""SELECT ?l (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e skos:prefLabel ?l }
                           GROUP BY ?l HAVING (COUNT(DISTINCT ?e) > 1)""")
    assert rows == []


@pytest.mark.parametrize("name, match, iri", [
    ("Quadriceps", "exactMatch", "http://purl.obolibrary.org/obo/UBERON_0001377"),
    ("Quadriceps", "exactMatch", "http://id.nlm.nih.gov/mesh/D052097"),
    ("Hamstrings", "exactMatch", "http://purl.obolibrary.org/obo/FMA_81022"),
    ("Glutes", "exactMatch", "http://purl.obolibrary.org/obo/UBERON_0002000"),
    ("Adductors", "exactMatch", "http://purl.obolibrary.org/obo/UBERON_0000952"),
    ("CalfMuscles", "closeMatch", "http://purl.obolibrary.org/obo/UBERON_0001665"),
    ("RunnersKnee", "exactMatch", "http://purl.obolibrary.org/obo/DOID_14284"),
    ("RunnersKnee", "exactMatch", "http://snomed.info/id/430725003"),
    ("ITBandSyndrome", "exactMatch", "http://purl.bioontology.org/ontology/ICD10CM/M76.3"),
    ("Running", "exactMatch", "http://purl.obolibrary.org/obo/EXMO_0000126"),
    ("Sprinting", "exactMatch", "http://purl.obolibrary.org/obo/EXMO_0000204"),
])
def test_ontology_external_identifiers(graph, name, match, iri):
    assert graph.ask(f"ASK {{ ?e skos:{match} ?x }}", {"e": _iri(name), "x": NamedNode(iri)})


def test_ontology_inverse_is_inferred_apart_from_stated(graph):
    assert graph.ask("ASK { GRAPH kg:InverseRule { kg:Hamstrings kg:engagedBy kg:Sprinting } }")
    assert not graph.ask("ASK { GRAPH kg:InverseRule { kg:Sprinting kg:engages kg:Hamstrings } }")


def test_ontology_movement_rule_concludes_for_the_activity(tmp_path):
    """An activity engages what its movements engage (the shipped graph states those too, so a
    new activity shows the rule at work)."""
    extra = tmp_path / "hiking.ttl"
    extra.write_text("@prefix kg: <https://w3id.org/runner-kg/> .\n"
                     "kg:Hiking a kg:Activity ; kg:hasMovement kg:PushingOff .\n")
    assert open_graph([extra]).ask("ASK { GRAPH kg:ChainRule { kg:Hiking kg:engages kg:Adductors } }")


def test_ontology_rules_are_described(graph):
    rows = graph.select("SELECT ?rule ?label WHERE { ?rule a kg:InferenceRule ; rdfs:label ?label ; rdfs:comment ?c }")
    assert {r["rule"] for r in rows} == set(terms.RULES)


def test_ontology_user_extension_infers_prevention_with_no_code_change():
    graph = open_graph([EXAMPLES / "shin_splints.ttl"])
    assert graph.ask("ASK { GRAPH kg:ChainRule { kg:CalfRaises kg:prevents kg:ShinSplints } }")
    assert graph.ask("ASK { GRAPH kg:InverseRule { kg:ShinSplints kg:preventedBy kg:CalfRaises } }")
    assert graph.ask("ASK { kg:ShinSplints a kg:Injury }")

"""`kg describe` and `kg list`: names resolved forgivingly, cards with every relation both ways."""

import pytest

from kg import open_graph, terms
from kg.describe import card, classes, members, render
from kg.errors import NotFound
from kg.names import index, key

KG = terms.KG


@pytest.fixture(scope="session")
def names(graph):
    return index(graph)


@pytest.mark.parametrize("typed, iri", [
    ("runner's knee", "RunnersKnee"), ("Runner’s Knee", "RunnersKnee"), ("runners knee", "RunnersKnee"),
    ("PFPS", "RunnersKnee"), ("ITBS", "ITBandSyndrome"), ("quads", "Quadriceps"), ("hamstirngs", "Hamstrings"),
    ("single-leg squat", "SingleLeggedSquat"), ("side leg lift", "SideLegLifts"),
])
def test_names_resolve_forgivingly(names, typed, iri):
    assert names.resolve(typed) == KG + iri


def test_names_unknown_says_did_you_mean(names):
    with pytest.raises(NotFound) as caught:
        names.resolve("knee pain")
    message = str(caught.value)
    assert "did you mean" in message and "'knee'" in message
    assert caught.value.exit_code == 1


def test_names_key_normalizes():
    assert key("Runner’s Knee") == key("runners knee") == key("runner knee")
    assert key("one-legged deadlifts") == key("one legged deadlift")


def test_describe_card_has_everything(graph, names):
    c = card(graph, names.resolve("runner's knee"))
    assert c.label == "runner's knee" and c.classes == ["running injury"]
    assert {"PFPS", "patellofemoral pain syndrome"} <= set(c.synonyms)
    assert c.definition.startswith("Pain around or behind the kneecap")
    assert {f.label for f in c.relations["prevented by"]} == {"lateral side steps", "side leg lifts",
                                                              "single-legged squat"}
    assert {f.label for f in c.relations["caused by weakness of"]} == {"glutes", "hip muscles"}
    assert c.sources == ["Does Running Trim Thigh Muscles?"]
    assert ("skos:exactMatch", "http://purl.obolibrary.org/obo/DOID_14284") in c.identifiers


def test_describe_a_source_by_its_title_shows_its_publisher_and_the_facts_it_supports(graph):
    from kg.names import find

    thigh = card(graph, find(graph, "Does Running Trim Thigh Muscles?"))
    assert thigh.iri == KG + "ThighArticle" and thigh.publisher == "The Nest"
    assert ("running", "engages", "glutes") in thigh.supports
    assert ("running", "does not result in", "bulky legs") in thigh.supports  # a denial, said as one
    inner = card(graph, find(graph, "does running help the inner thighs"))
    assert inner.publisher is None  # the article names none, so none is made up
    assert ("side lunges", "strengthens", "adductors") in inner.supports
    assert "publisher:   The Nest" in render(thigh) and f"supports ({len(thigh.supports)} facts):" in render(thigh)
    assert {label for _, label in members(graph, KG + "Source")} >= {
        "Does Running Trim Thigh Muscles?", "Does running help the inner thighs?"}


def test_describe_marks_inferred_and_shows_denials(graph, names):
    glutes = card(graph, names.resolve("glutes"))
    located = {f.label: f.inferred for f in glutes.relations["located in"]}
    assert located == {"buttock": False, "back of the upper leg": True, "side of the thigh": True, "thigh": True, "leg": True}
    running = card(graph, names.resolve("running"))
    assert set(running.denied["does not result in"]) == {"bulky legs", "even toning", "spot reduction"}
    text = render(glutes)
    assert "back of the upper leg*" in text and "(* inferred by a rule)" in text


def test_list_classes_and_members(graph):
    counts = {label: n for _, label, n in classes(graph)}
    assert counts["exercise"] == 10 and counts["running injury"] == 2
    assert [label for _, label in members(graph, KG + "Injury")] == ["IT band syndrome", "runner's knee"]


def test_describe_shows_a_users_own_class(tmp_path):
    """A class from the user's namespace names its members on their cards, as kg: classes do."""
    extra = tmp_path / "clinic.ttl"
    extra.write_text("""@prefix ex: <https://clinic.example/> .
@prefix kg: <https://w3id.org/runner-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:RehabExercise a owl:Class ; rdfs:subClassOf kg:Exercise ; rdfs:label "rehab exercise"@en .
ex:Clamshells a ex:RehabExercise ; skos:prefLabel "clamshells"@en ; kg:strengthens kg:Glutes .
""")
    c = card(open_graph([extra]), "https://clinic.example/Clamshells")
    assert c.classes == ["rehab exercise"]

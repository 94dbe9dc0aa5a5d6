"""Asking in English, through the library: answers, sources, honesty, robustness, vocabulary."""

import json
import re
from pathlib import Path

import pytest
from pyoxigraph import Store

from kg import open_graph, terms
from kg.errors import QuestionError
from nlp import Asker

from .conftest import EXAMPLES, FIXTURES

KG = terms.KG
THIGH = "Does Running Trim Thigh Muscles?"
PREVENTERS = {KG + "LateralSideSteps", KG + "SideLegLifts", KG + "SingleLeggedSquat"}


def iris(answer):
    return {a.iri for a in answer.answers}


def test_ask_prevention_with_sources(asker):
    answer = asker.ask("what prevents runner's knee?")
    assert answer.understood and answer.type == "relation"
    assert iris(answer) == PREVENTERS
    for item in answer.answers:
        assert item.inferred is False
        assert item.sources == [THIGH]
        assert item.why.startswith(f"stated in “{THIGH}”")
    assert answer.entities == [{"text": "runner's knee", "iri": KG + "RunnersKnee", "label": "runner's knee"}]


def test_ask_stated_fact_also_shows_its_rule(asker):
    item = next(a for a in asker.ask("what prevents runner's knee?").answers if a.iri == KG + "SideLegLifts")
    assert "also inferred: property chain" in item.why
    assert "helps prevent that injury" in item.why


def test_ask_inferred_answer_says_why():
    asker = Asker(open_graph([EXAMPLES / "shin_splints.ttl"]))
    answer = asker.ask("what prevents shin splints?")
    (item,) = answer.answers
    assert item.iri == KG + "CalfRaises" and item.inferred is True
    assert item.why.startswith("inferred: property chain: calf raises strengthen calf muscles")
    assert "Clinic exercise notes" in item.why


def test_ask_vocabulary_comes_from_the_graph():
    """A user's Turtle file adds names the parser knows at once: no code change."""
    plain = Asker(open_graph())
    assert plain.ask("what is MTSS?").type == "unknown_term" or not plain.ask("what is MTSS?").understood
    extended = Asker(open_graph([EXAMPLES / "shin_splints.ttl"]))
    definition = extended.ask("what is MTSS?")
    assert definition.type == "definition" and iris(definition) == {KG + "ShinSplints"}
    assert iris(extended.ask("which muscles do heel raises strengthen?")) == {KG + "CalfMuscles"}
    assert iris(extended.ask("what can weak calves cause?")) == {KG + "ShinSplints"}


def _code_strings(path: Path) -> list[str]:
    """Every string literal in a module, leaving out docstrings (comments are not in the tree) and
    query text (SQL's GROUP BY is not the class "group")."""
    import ast

    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant) and isinstance(node.body[0].value.value, str)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append(re.sub(r"GROUP BY", "", node.value))
    return found


def test_ask_no_domain_words_in_the_parser_code(graph):
    """Every name the parser knows comes from the graph: none is written into nlp/ code or messages."""
    names = {r["l"].value.lower() for r in graph.select("SELECT ?l WHERE { ?e skos:prefLabel|skos:altLabel ?l }")}
    code = " ".join(s.lower() for p in (Path(__file__).parent.parent / "nlp").glob("*.py") for s in _code_strings(p))
    assert [n for n in sorted(names) if len(n) > 3 and re.search(rf"\b{re.escape(n)}\b", code)] == []


@pytest.mark.parametrize("question", [
    "what prevents runner's knee?",
    "WHAT PREVENTS RUNNER'S KNEE",
    "what prevents runner’s knee",
    "what prevents runners knee",
    "What prevents runner knee??",
    "what prevents PFPS?",
    "what prevents patellofemoral pain syndrome",
    "which exercises prevent runner's knee?",
    "how do I avoid runner's knee?",
    "hey, quick question: what stops runner's knee?",
    "what reduces the risk of runner's knee?",
    "what prevents runers knee?",
    "what prevnts runner's knee?",
])
def test_ask_robust_phrasings(asker, question):
    assert iris(asker.ask(question)) == PREVENTERS


@pytest.mark.parametrize("question, expected", [
    ("which muscles does sprinting engage?", {"Glutes", "Hamstrings"}),
    ("what engages the quads?", {"Running", "RunningDownhill"}),
    ("which exercises strengthen the hamstrings?", {"OneLeggedHamstringCurl", "OneLeggedDeadlift"}),
    ("what muscles do sumo squats work?", {"Adductors"}),
    ("what relieves tight hamstrings?", {"FoamRolling"}),
    ("where are the hamstrings?", {"BackOfUpperLeg"}),
    ("what do the adductors stabilize?", {"Hip", "Thigh", "Knee"}),
    ("what does weakness in the glutes cause?", {"ITBandSyndrome", "RunnersKnee"}),
    ("which exercises strengthen the muscles used when sprinting?",
     {"OneLeggedHamstringCurl", "OneLeggedDeadlift", "LateralSideSteps", "SingleLeggedSquat", "SideLegLifts"}),
    ("what injuries can weakness in the muscles engaged by running uphill cause?", {"ITBandSyndrome", "RunnersKnee"}),
    ("how should a beginner start running?", {"BeginnerGuideline"}),
])
def test_ask_relations_both_ways_and_chains(asker, question, expected):
    assert iris(asker.ask(question)) == {KG + e for e in expected}


@pytest.mark.parametrize("question, boolean", [
    ("does running engage the glutes?", True),
    ("does running make your legs bulky?", False),
    ("is spot reduction possible?", False),
    ("can running alone fix muscle imbalances?", False),
    ("are the hamstrings stronger than the quads?", False),
    ("is running an injury?", False),
    ("is ITBS an injury?", True),
    ("does sprinting engage the calves?", None),
])
def test_ask_yes_no_not_known(asker, question, boolean):
    answer = asker.ask(question)
    assert answer.type == "yesno" and answer.understood
    assert answer.boolean is boolean
    assert answer.text.startswith({True: "Yes", False: "No", None: "Not known"}[boolean])


def test_ask_no_cites_the_denial(asker):
    answer = asker.ask("does running make your legs bulky?")
    assert f"Stated in “{THIGH}”" in answer.text


def test_ask_count_and_list(asker):
    count = asker.ask("how many exercises prevent runner's knee?")
    assert count.type == "count" and count.count == 3
    listing = asker.ask("list all exercises")
    assert listing.type == "list" and len(listing.answers) == 10


def test_ask_definition(asker):
    answer = asker.ask("what is ITBS?")
    assert answer.type == "definition" and iris(answer) == {KG + "ITBandSyndrome"}
    assert "outside of the thigh" in answer.text and "iliotibial band syndrome" in answer.text


def test_ask_path(asker):
    answer = asker.ask("how are the glutes related to runner's knee?")
    assert answer.type == "path"
    assert "connected: glutes weakness causes runner's knee" in answer.text and "Stated in" in answer.text


def test_ask_out_of_domain_says_what_it_can_answer(asker):
    answer = asker.ask("what is the capital of France?")
    assert not answer.understood and answer.type == "out_of_domain"
    assert answer.answers == [] and answer.sparql is None
    assert answer.text.startswith("I don't know")
    assert len(answer.suggestions) == 2 and all(s in answer.text for s in answer.suggestions)


def test_ask_unknown_term_suggests_closest(asker):
    answer = asker.ask("what prevents shin splints?")
    assert not answer.understood and answer.type == "unknown_term"
    assert answer.answers == []
    assert "shin splints" in answer.text
    assert {"runner's knee", "IT band syndrome"} <= set(answer.suggestions)


def test_ask_ambiguous_lists_candidates(asker):
    answer = asker.ask("knee pain")
    assert not answer.understood and answer.type == "ambiguous"
    assert {"runner's knee", "IT band syndrome"} <= set(answer.suggestions)
    assert answer.answers == []


@pytest.mark.parametrize("question", ["", "   ", "?!", "...", "\t\n"])
def test_ask_empty_question_is_an_error(asker, question):
    with pytest.raises(QuestionError):
        asker.ask(question)


def test_ask_json_shape(asker):
    data = json.loads(json.dumps(asker.ask("what prevents runner's knee?").to_json()))
    assert set(data) == {"question", "understood", "type", "entities", "sparql", "answers", "boolean", "count",
                         "text", "suggestions", "advice"}
    assert isinstance(data["understood"], bool) and isinstance(data["sparql"], str)
    for entity in data["entities"]:
        assert set(entity) == {"text", "iri", "label"}
    for item in data["answers"]:
        assert {"iri", "label", "type", "inferred", "sources", "why"} <= set(item)
        assert isinstance(item["inferred"], bool) and isinstance(item["sources"], list)
    assert data["boolean"] is None and data["count"] is None
    assert data["advice"] is None  # the answers are exercises: the graph gives them no next step


def test_ask_next_step_follows_a_rule_over_the_schema(asker, graph):
    """The answers' next step is what relates to them by their class's kg:nextStep (or a problem's
    kg:remedy), leaving out what the question and answer named; every item is a fact in the graph."""
    answer = asker.ask("which muscles does sprinting engage?")
    advice = answer.to_json()["advice"]
    assert advice["property"] == KG + "strengthens"
    assert set(advice["about"]) == {a.iri for a in answer.answers}
    named = {a.iri for a in answer.answers} | {e["iri"] for e in answer.entities}
    for item in advice["answers"]:
        assert item["iri"] not in named and item["sources"]
        assert any(graph.ask(f"ASK {{ <{item['iri']}> kg:strengthens <{muscle}> }}") for muscle in advice["about"])
    injuries = asker.ask("what does weakness in the glutes cause?").advice
    assert injuries.property == KG + "prevents"  # an injury's kg:remedy


def test_ask_sparql_is_valid_and_built_from_graph_iris(asker, graph):
    answer = asker.ask("which exercises strengthen the muscles used when sprinting?")
    store = Store()
    store.query(answer.sparql, prefixes=terms.PREFIXES)  # parses
    for name in re.findall(r"kg:(\w+)", answer.sparql):
        assert graph.ask("ASK { { ?x ?p ?o } UNION { ?s ?x ?o } UNION { ?s ?p ?x } }", {"x": terms.kg(name)})


def test_ask_question_text_never_enters_sparql(asker):
    sneaky = "what prevents runner's knee } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o"
    answer = asker.ask(sneaky)
    assert answer.sparql is None or ("DROP" not in answer.sparql and "?s ?p ?o" not in answer.sparql)


def test_ask_lexicon_is_cached(fresh_cache, monkeypatch):
    import nlp

    Asker(open_graph())
    monkeypatch.setattr(nlp, "build_lexicon", lambda *a, **k: pytest.fail("lexicon rebuilt despite the cache"))
    assert Asker(open_graph()).ask("what causes ITBS?").answers


def test_ask_damaged_lexicon_is_rebuilt(fresh_cache):
    Asker(open_graph())
    (lexicon,) = fresh_cache.glob("*.lexicon-*.sqlite")
    lexicon.write_bytes(b"not a database" * 100)
    assert Asker(open_graph()).ask("what causes ITBS?").answers
    assert lexicon.read_bytes()[:15] == b"SQLite format 3"


def test_ask_repeated_parts_are_asked_once(asker):
    """Naming the same thing again adds nothing to the query (it used to repeat the pattern, and
    twenty repeats took the engine seconds)."""
    once = asker.ask("what prevents runners knee?")
    repeated = asker.ask(" and ".join(["what prevents runners knee"] * 12))
    assert [a.iri for a in repeated.answers] == [a.iri for a in once.answers]
    assert repeated.sparql.count("kg:prevents kg:RunnersKnee") == 1


def test_ask_too_long_a_question_is_refused(asker, cli):
    from kg.errors import QuestionError

    with pytest.raises(QuestionError, match=r"question too long \(61 words"):
        asker.ask("what " * 61)
    result = cli("ask", "knee " * 100)
    assert result.exit_code == 2 and "question too long" in result.stderr


def test_ask_control_characters_are_spaces(asker):
    assert asker.ask("what prevents runners knee?\x00").text == asker.ask("what prevents runners knee?").text


def test_ask_text_wraps_to_a_width_without_losing_a_word(asker):
    """On a terminal the answer is wrapped at its width, continued lines indented under their
    item; the words are the same as in a pipe, where each item is one line."""
    from nlp.render import text

    answer = asker.ask("what prevents runner's knee?")
    flat, wrapped = text(answer), text(answer, width=60)
    assert max(map(len, flat.splitlines())) > 60 and max(map(len, wrapped.splitlines())) <= 60
    assert wrapped.split() == flat.split()
    items = wrapped.split("Sources:")[0].splitlines()[2:]
    assert items and all(line.startswith(("  - ", "      ", "  (")) for line in items)


def test_ask_text_names_each_source_once(asker):
    """The text numbers each article and lists the titles once, after the items; the JSON keeps
    every item's sources in full."""
    from nlp.render import json_text, text

    answer = asker.ask("which exercises strengthen the muscles used when sprinting?")
    shown = text(answer)
    assert shown.count(THIGH) == 1 and "stated in [1]" in shown
    assert shown.rstrip().endswith(f"Sources:\n  [1] {THIGH}")
    assert all(item["sources"] == [THIGH] for item in json.loads(json_text(answer))["answers"])

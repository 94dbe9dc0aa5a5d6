"""Understanding: each mechanism that decides what a question asks, and what it refuses to guess.

The words here exercise mechanisms (word accounting, states and remedies, general relations,
yes/no over negative facts, names standing for others, values, paths), not a list of phrasings;
the question sets in tests/questions/ measure how far they carry.
"""

import pytest

from kg import open_graph, terms
from nlp import Asker

KG = terms.KG


def ask(asker, question):
    return asker.ask(question)


def iris(answer) -> set[str]:
    return {a.iri.removeprefix(KG) for a in answer.answers}


# -- every word accounted for ---------------------------------------------------------------------

@pytest.mark.parametrize("question, word", [
    ("should I ice my quads after a long run?", "ice"),
    ("which shoes stop runner's knee?", "shoes"),
    ("do glutes hurt after sprinting on a treadmill?", "treadmill"),
])
def test_understanding_a_word_no_reading_explains_means_no_answer(asker, question, word):
    answer = ask(asker, question)
    assert not answer.understood
    assert word in answer.text
    assert not answer.answers and answer.boolean is None


def test_understanding_a_known_verb_that_fits_nothing_is_not_a_yes(asker):
    """No 'any link counts': hurting is not a relation between sprinting and the glutes."""
    answer = ask(asker, "do glutes hurt after sprinting?")
    assert answer.boolean is None and not answer.answers


def test_understanding_a_comparison_the_graph_cannot_make_is_refused(asker):
    answer = ask(asker, "does uphill running tone the glutes more than sprinting?")
    assert not answer.understood
    assert "more than" in answer.text


def test_understanding_explain_says_what_accounts_for_each_word(asker):
    answer = ask(asker, "how do I fix weak hips after running?")
    lines = "\n".join(answer.explain)
    assert "'weak' = state weakness" in lines
    assert "'hips' = entity hip muscles" in lines
    assert "'after running' = the graph's topic, named in passing" in lines
    refused = "\n".join(ask(asker, "should I ice my quads?").explain)
    assert "not accounted for: 'ice'" in refused


def test_understanding_one_question_among_statements_is_read_alone(asker):
    """Who asks and why ("Physio here", "I ice my knees") lead up to the question; they are set aside
    and shown in --explain, and the answer is the question's own."""
    plain = iris(ask(asker, "what prevents runner's knee?"))
    for question in ("Physio here, long-time runner. What prevents runner's knee?",
                     "I ice my knees after runs. Which exercises prevent runner's knee?"):
        answer = ask(asker, question)
        assert iris(answer) == plain
        assert any(line.startswith("set aside") and question.split(".")[0] in line for line in answer.explain)


def test_understanding_two_questions_are_read_whole(asker):
    """Which of two questions to answer would be a guess: both are read, and 'ice' is not understood."""
    answer = ask(asker, "what prevents runner's knee? should I ice it?")
    assert not answer.understood and "ice" in answer.text


def test_understanding_an_unknown_adverb_says_how_not_which(asker):
    """In a question asking for things an adverb does not change which things answer; in a yes/no
    question it is part of the claim, and the graph says nothing of speed."""
    answer = ask(asker, "which exercises effectively prevent runner's knee?")
    assert iris(answer) == iris(ask(asker, "which exercises prevent runner's knee?"))
    assert "words: 'effectively' = an adverb: how, not which" in answer.explain
    claim = ask(asker, "does running quickly tone the thighs?")
    assert not claim.understood and "quickly" in claim.text
    # Asked what words mean, the adverb is part of the term defined.
    term = ask(asker, "what does 'running regularly' mean?")
    assert not term.understood and "regularly" in term.text


def test_understanding_names_left_out_of_the_answers(asker):
    """"besides", "apart from", "other than" + names: those names leave the answers, and the words
    that say so ("else", "other") are accounted for; the rest is the question's own answer."""
    everything = iris(ask(asker, "which muscles does running engage?"))
    for question in ("which muscles does running engage besides the glutes and the quads?",
                     "what else does running engage other than the glutes and quads?"):
        answer = ask(asker, question)
        assert iris(answer) == everything - {"Glutes", "Quadriceps"}
        assert "left out, as asked: glutes" in answer.explain
    # "on top of", "in addition to" leave a name out the same way, in a bare phrase too.
    assert "Running" not in iris(ask(asker, "good exercises for the inner thighs other than running?"))
    assert iris(ask(asker, "which exercises strengthen the adductors in addition to running?")) == {
        "LegLifts", "SideLunges", "SumoSquats"}
    # Without a name after it the word still has to be explained: here nothing does.
    assert not ask(asker, "which muscles does running engage besides?").understood


def test_understanding_recommended_by_no_one_named_is_the_sources_speaking(asker):
    """kg:sourceSpeech: "recommended", with no advice named that could recommend, says what the
    articles give; with an audience named, it is the advice meant for that audience."""
    answer = ask(asker, "how many exercises are recommended for the adductors?")
    assert answer.count == 3
    assert "words: 'recommended' = the sources speaking" in answer.explain
    assert iris(ask(asker, "what is recommended for beginners?")) == {"BeginnerGuideline"}


def test_understanding_how_to_tell_is_not_asked_of_the_graph(asker):
    """"how do I know if my glutes are firing?", "how can I tell whether my hips are weak?" ask for
    a way to find out (a sign, a test), which my sources do not give: no answer, not what engages
    or strengthens the muscle."""
    for question in ("how do I know if my glutes are firing when I run?",
                     "how can I tell whether my hips are weak?"):
        answer = ask(asker, question)
        assert not answer.understood and not answer.answers, question
    assert iris(ask(asker, "do you know what prevents runner's knee?")) == {"LateralSideSteps", "SideLegLifts",
                                                                          "SingleLeggedSquat"}


# -- states, remedies, general relations ----------------------------------------------------------

def test_understanding_a_state_asks_for_its_remedy(asker):
    assert iris(ask(asker, "how do I fix weak hips?")) == {"LateralSideSteps", "SideLegLifts", "SingleLeggedSquat"}
    assert iris(ask(asker, "what helps tight hamstrings?")) == {"FoamRolling"}
    assert iris(ask(asker, "my hamstrings feel stiff, what should I do?")) == {"FoamRolling"}


def test_understanding_a_state_selects_the_relation_that_follows_from_it(asker):
    assert iris(ask(asker, "what do weak glutes lead to?")) == {"ITBandSyndrome", "RunnersKnee"}
    tight = ask(asker, "do tight hamstrings cause runner's knee?")
    assert tight.boolean is None and "tightness" in tight.text


def test_understanding_help_with_a_problem_is_its_remedy(asker):
    assert iris(ask(asker, "what should I do about IT band syndrome?")) == {
        "LateralSideSteps", "SideLegLifts", "SingleLeggedSquat"}
    fix = ask(asker, "can running fix muscle imbalances?")
    assert fix.boolean is False  # the graph's negative fact on the remedy, not "running results in it"


def test_understanding_help_with_anything_else_is_every_relation_that_helps(asker):
    answer = ask(asker, "does running help the inner thighs?")
    assert answer.boolean is True
    assert iris(ask(asker, "I want sleeker thighs, what should I do?")) == {"Running"}


def test_understanding_a_state_asks_for_its_remedy_only_when_nothing_else_is_asked(asker):
    """"what helps tight hamstrings?" asks for the remedy, and a linking verb ("feel") only says the
    state. What causes the state, or what it is, is not asked by the remedy: my sources hold
    neither, so nothing is answered."""
    assert iris(ask(asker, "my hamstrings feel tight, what helps?")) == {"FoamRolling"}
    for question in ("what causes tight hamstrings?", "what are tight hamstrings?"):
        answer = ask(asker, question)
        assert not answer.understood and not answer.answers, question


def test_understanding_a_name_joined_to_a_reading_obeys_its_remedy(asker):
    """"fix a muscle imbalance": only what corrects it (its kg:remedy), never what results in it;
    so the beginner guideline's minutes (it recommends running, which results in imbalances) are
    not the time it takes to fix one."""
    answer = ask(asker, "how long does it take to fix a muscle imbalance?")
    assert answer.count is None and not answer.answers and "30" not in answer.text


def test_understanding_a_state_and_its_remedy_come_from_turtle(tmp_path):
    """A user's Turtle adds a state; the parser reads it with no code change."""
    extra = tmp_path / "short.ttl"
    extra.write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:Shortness a kg:State ; skos:prefLabel "shortness"@en ; skos:altLabel "short"@en ;
    skos:definition "A muscle that cannot lengthen fully."@en ;
    kg:appliesTo kg:Muscle ; kg:remedy kg:relievesTightnessOf .
""", encoding="utf-8")
    asker = Asker(open_graph([extra]))
    assert iris(asker.ask("what helps short hamstrings?")) == {"FoamRolling"}


def test_understanding_a_transitive_relation_lists_the_nearest(asker):
    """Members of members follow from the transitive rule; asked for what makes up a group, the
    nearest are the answer (the blind question sets expect them), and a yes/no still reaches further."""
    assert iris(ask(asker, "what muscles make up the thigh muscles?")) == {"Adductors", "Glutes", "Hamstrings",
                                                                          "Quadriceps"}
    assert iris(ask(asker, "what is the gluteus maximus part of?")) == {"Glutes"}
    assert ask(asker, "is the gluteus maximus one of the thigh muscles?").boolean is True


def test_understanding_help_in_doing_is_the_doing(asker):
    """"help prevent", "help in preventing", "help with relieving": the general verb leads the
    specific one, across a preposition too."""
    assert ask(asker, "do lateral side steps help in preventing runner's knee?").boolean is True
    assert ask(asker, "does foam rolling help with relieving tight hamstrings?").boolean is True


def test_understanding_where_an_outcome_shows(asker):
    """kg:showsIn: the thigh article says running builds lean muscle throughout the legs."""
    assert ask(asker, "does running build lean muscle in the legs?").boolean is True


def test_understanding_a_clause_on_a_name_is_taken_as_given(asker):
    """"the imbalances running causes": the clause says which imbalances, and is checked; what is
    asked is what corrects them. A clause my sources do not hold answers nothing."""
    assert iris(ask(asker, "what corrects the muscle imbalances running causes?")) == {"StrengthTraining"}
    missing = ask(asker, "what corrects the imbalances that sprinting causes?")
    assert not missing.answers and "takes as given" in missing.text


# -- yes/no ---------------------------------------------------------------------------------------

def test_understanding_what_a_group_gets_each_member_gets(asker):
    """kg:distributes: running strengthens the thigh muscles, so it strengthens each of them; the
    answer names the group and cites both facts. Not a member, not known; lists stay as stated."""
    answer = ask(asker, "does running strengthen the hamstrings?")
    assert answer.boolean is True
    assert "thigh muscles, which include hamstrings" in answer.text
    deep = ask(asker, "does running engage the gluteus maximus?")
    assert deep.boolean is True and {"Uberon multi-species anatomy ontology"} <= set(deep.answers[0].sources)
    assert ask(asker, "does running strengthen the calves?").boolean is None
    assert "Hamstrings" not in iris(ask(asker, "what does running strengthen?"))


def test_understanding_which_relations_reach_members_comes_from_turtle(tmp_path):
    """Without the flag the member is not known; a user's Turtle can add it to any property."""
    extra = tmp_path / "foam.ttl"
    extra.write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
kg:FoamRolling kg:relievesTightnessOf kg:ThighMuscles .
""", encoding="utf-8")
    question = "does foam rolling relieve tightness of the quads?"
    unflagged = Asker(open_graph([extra])).ask(question)
    assert unflagged.understood and unflagged.boolean is None
    (tmp_path / "flag.ttl").write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
kg:relievesTightnessOf kg:distributes true .
""", encoding="utf-8")
    assert Asker(open_graph([extra, tmp_path / "flag.ttl"])).ask(question).boolean is True


def test_understanding_alone_is_no_from_a_negative_fact_and_not_known_otherwise(asker):
    assert ask(asker, "can running alone fix muscle imbalances?").boolean is False
    assert ask(asker, "can running give me evenly toned legs without any other training?").boolean is False
    tone = ask(asker, "can running alone tone the adductors?")
    assert tone.boolean is None and "by itself" in tone.text


def test_understanding_no_relation_word_asks_what_the_schema_allows(asker):
    assert ask(asker, "does running burn a lot of calories?").boolean is True
    assert ask(asker, "are the glutes considered thigh muscles?").boolean is True
    assert ask(asker, "are the adductors the same as the inner thigh muscles?").boolean is True


def test_understanding_a_class_in_a_yes_no_asks_whether_one_exists(asker):
    answer = ask(asker, "can weak glutes cause knee problems?")
    assert answer.boolean is True
    assert {a.iri.removeprefix(KG) for a in answer.answers} == {"RunnersKnee"}


def test_understanding_a_name_may_stand_for_what_it_holds(asker):
    """kg:proxy: equipment for the activity that uses it, a region for the muscles in it."""
    answer = ask(asker, "does a foam roller help with tight hamstrings?")
    assert answer.boolean is True and "foam rolling" in answer.text


def test_understanding_a_reflexive_pronoun_inside_a_phrasal_verb(asker):
    """"will my imbalances sort themselves out?": 'sort ... out' is a relation (here: what puts the
    imbalance right), not two grammar words; read without it the question was a yes from running
    resulting in imbalances, the opposite of what my sources say."""
    answer = ask(asker, "if I keep running, will my muscle imbalances sort themselves out?")
    assert answer.boolean is False


def test_understanding_best_for_doing_is_the_doing(asker):
    """"the best exercises for targeting the muscles of the inner thighs": 'best … for' is a
    filler and a preposition, not a second relation, and 'the muscles of' only says what the inner
    thighs are; the answer is the exercises, not what they are best for."""
    answer = ask(asker, "what are the best exercises for targeting the muscles of the inner thighs?")
    assert iris(answer) == {"LegLifts", "SideLunges", "SumoSquats"}


def test_understanding_which_of_a_group_asks_for_its_members(asker):
    """"which thigh muscles get used during a run?": the group named after "which" stands for its
    members, not for itself (it was answered with what engages the group: landing)."""
    answer = ask(asker, "which thigh muscles get used during a run?")
    assert iris(answer) == {"Adductors", "Glutes", "Hamstrings", "Quadriceps"}
    assert iris(ask(asker, "which thigh muscles does sprinting engage?")) == {"Glutes", "Hamstrings"}
    # Before a class word the group only qualifies it; after "what the ... are" it is described.
    assert ask(asker, "explain what the glutes are").type == "definition"


def test_understanding_an_embedded_yes_no_question(asker):
    """"I want to know if ...", "wondering whether ...", "tell me if ...": a yes/no question inside
    a statement is answered yes or no (it was read as a list of what running tones)."""
    assert ask(asker, "I want to know if running tones the thighs").boolean is True
    assert ask(asker, "wondering whether side lunges strengthen the adductors").boolean is True


def test_understanding_counting_as_something_is_being_it(asker):
    """"do the adductors count as thigh muscles?" asks what "are the adductors thigh muscles?" asks;
    "count" alone still asks how many."""
    assert ask(asker, "do the adductors count as thigh muscles?").boolean is True
    assert ask(asker, "how many exercises prevent runner's knee?").count == 3


def test_understanding_going_to_is_the_future(asker):
    """"is running going to bulk up my legs?" asks what "will running bulk up my legs?" asks."""
    assert ask(asker, "is running going to bulk up my legs?").boolean is False


# -- values, paths, definitions -------------------------------------------------------------------

def test_understanding_a_value_of_what_the_names_lead_to(asker):
    answer = ask(asker, "how many minutes should beginners run?")
    assert answer.type == "value" and answer.count == 30
    assert iris(answer) == {"BeginnerGuideline"}


def test_understanding_two_names_and_light_words_ask_how_they_connect(asker):
    answer = ask(asker, "what do sumo squats have to do with the adductors?")
    assert answer.type == "path"
    assert {"SumoSquats", "Adductors"} <= iris(answer)


def test_understanding_phrases_that_ask_for_a_meaning_come_from_the_graph(asker):
    answer = ask(asker, "wat does ITBS stand for")
    assert answer.type == "definition"
    assert iris(answer) == {"ITBandSyndrome"}


def test_understanding_too_many_things_at_once_is_refused(asker):
    answer = ask(asker, "what helps prevent tone strengthen relieve stabilize the glutes hamstrings quads adductors calves")
    assert not answer.understood
    assert "one or two things at a time" in answer.text


# -- question words and counts ----------------------------------------------------------------------

def test_understanding_a_question_word_asks_for_the_range_of_its_property(asker):
    """"where" is a phrase of located in (muscle -> region): the answer is the region, never the
    muscles located in a region, however the other words are read."""
    answer = ask(asker, "where do the hamstrings sit on your leg?")
    assert answer.answers
    assert all(asker.lexicon.is_a(a.iri, KG + "BodyRegion") for a in answer.answers)


def test_understanding_a_question_word_declared_in_turtle_asks_for_its_range(tmp_path):
    """The rule follows the phrase to whichever property declares it: declared on a new property
    in Turtle, "where" asks for that property's range."""
    extra = tmp_path / "extra.ttl"
    extra.write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
kg:trainedAt a owl:ObjectProperty ; rdfs:label "trained at"@en ;
    rdfs:domain kg:Exercise ; rdfs:range kg:BodyRegion ; kg:phrase "where"@en .
kg:SumoSquats kg:trainedAt kg:InnerThigh .
""")
    answer = Asker(open_graph([extra])).ask("where are sumo squats?")
    assert iris(answer) == {"InnerThigh"}


def test_understanding_a_phrase_declared_in_turtle_wins_over_a_grammar_word(tmp_path):
    """A word the grammar skips as filler ("wise") still means a relation once Turtle makes it a
    phrase: nothing a user adds is silently ignored."""
    from nlp.grammar import FILLERS

    assert "wise" in FILLERS
    extra = tmp_path / "extra.ttl"
    extra.write_text('@prefix kg: <https://w3id.org/runner-kg/> .\nkg:engages kg:phrase "wise"@en .\n')
    answer = Asker(open_graph([extra])).ask("does sprinting wise the glutes?")
    assert answer.boolean is True
    assert answer.answers[0].relation == "engages"


def test_understanding_a_count_of_nothing_found_claims_nothing(asker):
    """Open world: that the graph records no such thing does not make the count zero."""
    answer = ask(asker, "how many muscles does standing strengthen?")
    assert answer.understood and answer.count is None and not answer.answers
    assert answer.text.startswith("I don't know")


@pytest.mark.parametrize("question", [
    "what is runner's knee (patellofemoral pain syndrome)?",
    "PFPS - runner's knee: what is it?",
])
def test_understanding_a_name_restated_in_another_form_is_one_thing(asker, question):
    answer = ask(asker, question)
    assert answer.type == "definition" and iris(answer) == {"RunnersKnee"}


def test_understanding_two_names_of_one_thing_joined_by_a_word_are_not_merged(asker):
    """Only punctuation sets off a restatement; 'and' joins two mentions, as the user wrote."""
    parse = asker.parse("runner's knee and PFPS")
    assert len(parse.of("entity")) == 2


def test_understanding_an_empty_best_reading_is_not_replaced_by_a_worse_one(asker):
    """The graph does not list the hamstrings' members: "which muscles make up the hamstrings?"
    is not known, not answered with what the hamstrings are a member of (the other direction)."""
    answer = ask(asker, "which muscles make up the hamstrings")
    assert answer.understood and not answer.answers
    assert "do not say" in answer.text


def test_understanding_an_opening_question_word_must_be_used_by_the_reading(asker):
    """ "why" asks for a cause or a purpose: a reading that leaves it out answers another question
    ("why should I strengthen my adductors?" is not "what strengthens the adductors?")."""
    answer = ask(asker, "why should I strengthen my adductors")
    assert not answer.answers
    assert "'why'" in answer.text
    answer = ask(asker, "why are the glutes important for runners?")
    assert iris(answer) == {"Propulsion"}


def test_understanding_a_relation_fronted_with_the_question_word_has_the_name_as_subject(asker):
    """ "what type of exercise is X?" asks what X is a kind of, not which kinds X has."""
    answer = ask(asker, "what type of exercise is a single-leg deadlift?")
    assert iris(answer) == {"StrengthTraining"}


def test_understanding_a_class_word_after_a_demonstrative_is_not_any_member(asker):
    """ "this muscle" means one muscle named elsewhere: a lone question cannot say which, so it is
    not read as "any muscle" (which listed every function in the graph)."""
    answer = ask(asker, "why is this muscle so important in runners?")
    assert not answer.understood and not answer.answers
    assert "'this muscle' points at something" in answer.text
    assert iris(ask(asker, "why are the glutes so important in runners?")) == {"Propulsion"}


def test_understanding_an_ordinal_restricts_what_is_asked(asker):
    """ "first" narrows the question to a beginning the graph does not describe."""
    answer = ask(asker, "how long should a beginner's first run be?")
    assert not answer.understood
    assert any(line.startswith("not accounted for:") and "'first'" in line for line in answer.explain)
    assert ask(asker, "how long should a beginner run?").understood


def test_understanding_two_names_side_by_side_are_one_thing_not_a_connection(asker):
    """ "runner's legs" is one noun phrase the graph does not name, not "how are running and legs
    connected"; names with words between them still ask for the connection."""
    answer = ask(asker, "what are runner's legs?")
    assert not answer.understood and answer.type != "path"
    answer = ask(asker, "what do sumo squats have to do with the adductors?")
    assert answer.type == "path" and answer.answers


def test_understanding_the_topic_said_as_the_setting_is_not_what_is_asked(asker):
    """ "when running", "in a run": the graph's topic setting the scene is not a second thing to
    connect, and "do" before "when" is the main verb (what the hip muscles do), not an auxiliary."""
    answer = ask(asker, "what do hip muscles do when running")
    assert answer.type == "relation" and iris(answer) == {"Propulsion"}
    # Not a setting: "of running" names what the phases belong to.
    assert iris(ask(asker, "which phases of running use the adductors?")) == {"PushingOff", "StabilizingTheStride"}
    assert ask(asker, "how does sprinting relate to running?").type == "path"


def test_understanding_the_setting_is_given_not_an_answer(asker):
    """ "during a run" presupposes the run: the answer is when within it, not running itself. In a
    yes/no question the setting is what is checked."""
    assert iris(ask(asker, "when do my quadriceps engage during a run?")) == {"RunningDownhill"}
    assert ask(asker, "do calves get engaged when running").boolean is True


def test_understanding_two_names_for_one_thing_have_no_connection_to_show(asker):
    answer = ask(asker, "how do the adductors relate to the inner thigh")
    assert not answer.understood and "both name adductors" in answer.text


def test_understanding_how_long_asks_for_the_duration_a_number(asker):
    """ "how long" is a phrase of the duration property (its range is what it asks), and a number
    asked for is the answer's count; "how often" asks for the frequency."""
    answer = ask(asker, "how long should a beginner run")
    assert answer.type == "value" and answer.count == 30 and answer.text.startswith("30.")
    answer = ask(asker, "how often should a beginner run")
    assert answer.type == "value" and answer.count is None and "most days of the week" in answer.text


def test_understanding_a_group_counted_alone_means_its_members(asker, tmp_path):
    """ "how many calf muscles are there?" counts the members (by the properties marked
    kg:membership), not a definition; a membership property declared in Turtle works the same."""
    answer = ask(asker, "how many calf muscles are there")
    assert answer.type == "count" and answer.count == 2 and iris(answer) == {"Gastrocnemius", "Soleus"}
    extra = tmp_path / "squad.ttl"
    extra.write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
kg:Squad a owl:Class ; rdfs:label "squad"@en ; rdfs:subClassOf kg:Entity .
kg:inSquad a owl:ObjectProperty ; rdfs:label "in squad"@en ; kg:membership true ;
    rdfs:domain kg:Activity ; rdfs:range kg:Squad .
kg:HillSquad a kg:Squad ; skos:prefLabel "hill squad"@en .
kg:RunningUphill kg:inSquad kg:HillSquad .
kg:Sprinting kg:inSquad kg:HillSquad .
""")
    answer = Asker(open_graph([extra])).ask("how many hill squad are there?")
    assert answer.count == 2 and iris(answer) == {"RunningUphill", "Sprinting"}


def test_understanding_a_stated_value_is_checked_against_the_graphs(asker):
    """A number said with a value's unit ("30 minutes") is a quantity: in a yes/no question it is
    checked against the value the names lead to; a different one is "No" only because the
    property has one value per subject (owl:FunctionalProperty)."""
    answer = ask(asker, "should a beginner run for 30 minutes?")
    assert answer.type == "yesno" and answer.boolean is True and "is 30" in answer.text
    answer = ask(asker, "is the beginner guideline 60 minutes?")
    assert answer.boolean is False and "is 30, not 60" in answer.text
    assert any(line.startswith("words: '60' = states its target minutes") for line in answer.explain)


def test_understanding_a_stated_value_of_a_property_with_many_values_is_not_a_no(tmp_path):
    """Without owl:FunctionalProperty another value may also hold: "Not known", never "No"."""
    extra = tmp_path / "sessions.ttl"
    extra.write_text("""@prefix kg: <https://w3id.org/runner-kg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
kg:sessionsPerWeek a owl:DatatypeProperty ; rdfs:label "sessions per week"@en ;
    kg:phrase "sessions"@en ; rdfs:domain kg:Advice ; rdfs:range xsd:integer .
kg:BeginnerGuideline kg:sessionsPerWeek 3 .
""")
    asker = Asker(open_graph([extra]))
    assert asker.ask("does the beginner guideline say 3 sessions?").boolean is True
    answer = asker.ask("does the beginner guideline say 5 sessions?")
    assert answer.type == "yesno" and answer.boolean is None and answer.text.startswith("Not known")


def test_understanding_a_negation_inside_a_name_negates_nothing(asker):
    """ "running without stopping" names running; its "without" does not make the question ask
    what is not related."""
    answer = ask(asker, "how long should a beginner work up to running without stopping?")
    assert answer.type == "value" and answer.count == 30


@pytest.mark.parametrize("question, expected", [
    ("can running make my thighs look sleeker?", True),
    ("will running make my legs bulky?", False),
])
def test_understanding_a_name_said_predicatively_is_that_name(asker, question, expected):
    """ "thighs look sleeker" is "sleeker thighs" said the other way round (an adjective after a
    linking verb); "tone the muscles" is a verb and its object, not "muscle tone"."""
    answer = ask(asker, question)
    assert answer.type == "yesno" and answer.boolean is expected
    found = asker.parse("which exercises tone the muscles that keep the hip from collapsing?").of("entity")
    assert "muscle tone" not in [asker.lexicon.label(m.iris[0]) for m in found]


def test_understanding_is_there_asks_whether_something_exists_not_what_a_name_is(asker):
    """ "is there any benefit to running downhill?" is not "is running downhill a benefit?": no
    "No, a movement is not an outcome"."""
    answer = ask(asker, "is there any benefit to running downhill?")
    assert answer.boolean is None
    answer = ask(asker, "is there an exercise for runner's knee?")
    assert answer.boolean is True and "lateral side steps" in answer.text


def test_understanding_a_state_asked_in_a_yes_no_question_is_not_a_request_for_its_remedy(asker):
    """ "are my hamstrings tight?" asks about the asker's body, which the graph cannot know; it
    is not "what relieves tight hamstrings?" (a Yes naming foam rolling)."""
    answer = ask(asker, "are my hamstrings tight?")
    assert answer.boolean is None and not answer.answers


@pytest.mark.parametrize("question, expected", [
    ("running downhill - is that a quads thing or a hamstrings thing?", {"Quadriceps"}),
    ("when do the glutes kick in: on climbs, sprints, or downhills?", {"RunningUphill", "Sprinting"}),
    ("which is stronger, quads or hamstrings?", {"Quadriceps"}),
    ("quads vs hamstrings - which is usually weaker?", {"Hamstrings"}),
])
def test_understanding_names_offered_as_alternatives_are_the_answers_to_choose_among(asker, question, expected):
    """ "X or Y" (or "X vs Y" with a question) offers the answers: the question is read as asking
    which of them, and only they can answer; a relation between them picks its subject."""
    answer = ask(asker, question)
    assert answer.type == "relation" and iris(answer) == expected
    assert any("offered as an answer" in line or "= entity" in line for line in answer.explain)


def test_understanding_names_compared_are_not_a_choice(asker):
    """ "quads vs hamstrings: what's the difference?" asks how they compare: a path, not a pick."""
    assert ask(asker, "quads vs hamstrings: what's the difference?").type == "path"
    assert ask(asker, "quads vs hamstrings").type == "path"


def test_understanding_a_yes_no_question_ending_with_its_contrary_asks_the_first_clause(asker):
    """ "..., or is that gym talk?", "... or nah": the contrary is set aside; a yes or no to the
    first clause answers both."""
    answer = ask(asker, "does running engage the adductors, or is that just gym talk?")
    assert answer.boolean is True
    assert any(line.startswith("set aside") and "gym talk" in line for line in answer.explain)
    # "or" between two names is no contrary: both are asked of.
    assert ask(asker, "does running engage the quads or the hamstrings?").type == "relation"


def test_understanding_an_adjective_of_the_usual_kind_picks_out_nothing_before_a_noun(asker):
    """ "an ordinary run" is a run; "run hills everyday" says how often, which the graph does not
    hold, so it is not passed over."""
    answer = ask(asker, "are the adductors active during an ordinary run?")
    assert answer.boolean is True
    answer = ask(asker, "is it ok to run hills everyday?")
    assert answer.boolean is None and not answer.answers


def test_understanding_a_name_made_of_a_verb_said_as_one_asks_what_does_it(asker):
    """ "keeping the hip from collapsing" is a function; "what keeps my hip from collapsing?" has
    the question word as the verb's subject: what has that function, not its definition. A name
    after "when" narrows it."""
    answer = ask(asker, "what keeps my hip from collapsing?")
    assert answer.type == "relation" and iris(answer) == {"Adductors"}
    answer = ask(asker, "what keeps my hip from collapsing when I push off?")
    assert iris(answer) == {"Adductors"}
    answer = ask(asker, "what keeps my hip from collapsing when I sprint?")
    assert not answer.answers
    assert ask(asker, "what is keeping the hip from collapsing?").type == "definition"


def test_understanding_a_name_qualifying_a_checked_one_is_taken_as_given(asker):
    """ "imbalances in the thighs": the thighs say which imbalances (a fact the graph must hold
    too), not a second thing the yes/no asks about; a qualifier the graph has no link for is not
    passed over."""
    answer = ask(asker, "does running cause muscular imbalances in the thighs?")
    assert answer.boolean is True
    assert any(line.startswith("given: muscular imbalance shows in thigh") for line in answer.explain)
    assert ask(asker, "can running by itself correct muscle imbalances in the thighs?").boolean is False
    assert ask(asker, "does running cause muscular imbalances in the calves?").boolean is None


def test_understanding_what_a_relation_on_a_state_acts_on_is_the_state(asker):
    """ "What does foam rolling relieve?": relieving tightness of the hamstrings acts on their
    tightness (kg:objectInState), so the tightness answers, of the hamstrings; "loosen up" takes
    the muscle as its object, and a class named asks for things of that class."""
    answer = ask(asker, "what does the foam roller alleviate?")
    assert iris(answer) == {"Tightness"} and answer.text.startswith("Tightness (of hamstrings).")
    assert iris(ask(asker, "what does foam rolling loosen up?")) == {"Hamstrings"}
    assert iris(ask(asker, "which muscles does foam rolling relieve?")) == {"Hamstrings"}


def test_understanding_a_group_listed_beside_all_its_members_adds_nothing(asker):
    """Running engages the thigh muscles and each of their member groups: the answer lists the
    members; the thigh muscles return when a member is missing, and a list of all muscle groups
    keeps them."""
    assert "ThighMuscles" not in iris(ask(asker, "which muscles does running engage?"))
    assert "ThighMuscles" in iris(ask(asker, "what does running strengthen?"))
    assert "ThighMuscles" in iris(ask(asker, "list all muscle groups"))


def test_understanding_a_yes_no_with_an_ambiguous_name_is_answered_when_every_meaning_agrees(asker):
    """ "knee pain" could be IT band syndrome or runner's knee: weak hips cause both, so "Yes,
    whichever is meant", each fact cited; where the meanings differ or the graph is silent,
    no yes or no; a question asking for things still asks which is meant."""
    answer = ask(asker, "do weak hips cause knee pain?")
    assert answer.boolean is True and answer.text.startswith("Yes, whichever is meant.")
    assert {"ITBandSyndrome", "RunnersKnee"} <= iris(answer)
    assert ask(asker, "does foam rolling prevent knee pain?").boolean is None
    assert ask(asker, "what causes knee pain?").type == "ambiguous"


def test_understanding_what_beginners_are_advised_follows_from_the_guideline(asker):
    """The guideline for beginners recommends starting slowly and denies starting fast; what an
    audience is advised is inferred along kg:adviceFor / kg:recommends, so the yes or no cites
    the guideline's facts."""
    answer = ask(asker, "should beginners start slowly?")
    assert answer.boolean is True and answer.answers[0].inferred
    answer = ask(asker, "I'm new to running, should I start fast?")
    assert answer.boolean is False and "beginner is not advised starting fast" in answer.text


def test_understanding_a_number_before_the_class_asked_is_how_many_are_expected(asker):
    """ "which two body parts", "the two running injuries": the number says how many answers the
    asker expects, and the class after the question word is the one asked (not one after "is")."""
    answer = ask(asker, "the thigh is the region between which two body parts?")
    assert {"Hip", "Knee"} <= iris(answer)
    assert any("'two' = how many answers the question expects" in line for line in answer.explain)


def test_understanding_names_sharing_a_head_and_joined_by_and(asker):
    """ "weak hip and glute muscles": the hip muscles and the glute muscles; in a yes/no question
    each joined name is checked, and all must hold."""
    answer = ask(asker, "what are the two running injuries linked to weak hip and glute muscles?")
    assert iris(answer) == {"ITBandSyndrome", "RunnersKnee"}
    answer = ask(asker, "is ITBS caused by weak hip and glute muscles?")
    assert answer.boolean is True and "hip muscles" in answer.text and "Glutes" in answer.text
    assert ask(asker, "does sprinting engage the quads and the glutes?").boolean is None


def test_understanding_a_verb_whose_purpose_is_asked(asker):
    """ "which muscle groups does your body use to propel you forward?": the purpose after "to"
    is what is asked; "use" says nothing more (and alone still means engages)."""
    answer = ask(asker, "how many muscle groups does your body use to propel you forward?")
    assert answer.count == 5
    assert "Quadriceps" in iris(ask(asker, "which muscles does running use?"))


@pytest.mark.parametrize("question, expected", [
    ("what's the other name for the inner thigh muscles?", "Adductors"),
    ("which injury is also known as patellofemoral pain syndrome?", "RunnersKnee"),
])
def test_understanding_a_question_for_another_name_answers_the_thing_and_its_names(asker, question, expected):
    answer = ask(asker, question)
    assert answer.type == "list" and iris(answer) == {expected} and "also called" in answer.text


def test_understanding_two_names_said_to_be_one_is_a_same_check(asker):
    answer = ask(asker, "is runner's knee just another name for patellofemoral pain syndrome?")
    assert answer.boolean is True and "names for the same thing" in answer.text


def test_understanding_a_group_asked_among_its_own_kind_means_its_members(asker):
    """ "which muscle groups count as thigh muscles?", "list the thigh muscle groups": the
    members; "which muscle is the hamstrings?" (only "is" between) asks what the name is, never
    any loose link between a muscle and the hamstrings."""
    expected = {"Quadriceps", "Hamstrings", "Glutes", "Adductors"}
    assert iris(ask(asker, "which muscle groups count as thigh muscles?")) == expected
    assert iris(ask(asker, "list the thigh muscle groups")) == expected
    answer = ask(asker, "which muscle is the hamstrings?")
    assert answer.type == "definition" and iris(answer) == {"Hamstrings"}


def test_understanding_how_to_do_an_exercise_is_refused_not_defined(asker):
    """ "how to do a single leg squat?" asks for a technique the graph does not hold; its
    definition says what it is, not how to do it. "how do I get ..." is not this."""
    answer = ask(asker, "how to do a single leg squat")
    assert not answer.understood and "not how to do it" in answer.text
    assert ask(asker, "how do I get evenly toned thighs?").understood


def test_understanding_the_topic_owning_a_name_says_whose(asker):
    """ "runners' hamstrings", "a runner's glutes": the topic in the possessive says whose, not a
    thing to check; "what are runner's legs?" alone still names something the graph lacks."""
    assert ask(asker, "is a foam roller recommended for runners' hamstrings?").boolean is True
    assert not ask(asker, "what are runner's legs?").understood


def test_understanding_kinds_of_an_activity_are_its_movements(asker):
    """ "what kind of running gets the quads firing?": the variants of running (kg:movementOf
    reads "kind of" too, where the schema fits it rather than kg:kindOf's exercises)."""
    assert iris(ask(asker, "what kind of running really gets the quads firing?")) == {"RunningDownhill"}
    assert iris(ask(asker, "in what kind of running do the hamstrings engage?")) == {"RunningUphill", "Sprinting"}


def test_understanding_the_class_heading_a_noun_phrase_after_the_question_word_is_asked(asker):
    """ "how many inner thigh strengthening moves ...": the names before the class word make one
    phrase with it, so the class is what is counted."""
    answer = ask(asker, "how many inner thigh strengthening moves does the article list?")
    assert answer.count == 3 and iris(answer) == {"SideLunges", "SumoSquats", "LegLifts"}


def test_understanding_ok_opening_a_clause_is_grammar_but_not_a_judgement(asker):
    assert ask(asker, "ok so what muscles does running use?").understood
    answer = ask(asker, "what are knee issues that are okay to run with?")
    assert not answer.understood and "okay" in answer.text


def test_understanding_a_stated_text_value_is_checked_too(asker):
    """The text values of a worded datatype property ("most days of the week") are read where a
    question says them, whole or by their first words, and checked as numbers are."""
    answer = ask(asker, "should a beginner aim to run most days of the week?")
    assert answer.boolean is True and "most days of the week" in answer.text
    assert ask(asker, "should a beginner run most days?").boolean is True


def test_understanding_a_value_is_not_given_for_a_purpose_the_graph_does_not_tie_to_it(asker):
    """ "how long should I run to lose weight?": the 30 minutes are the beginner guideline's, not
    a duration for losing weight; a name linked only to running (which does lead to weight loss)
    says nothing of the advice whose value is asked."""
    answer = ask(asker, "how long should I run for to lose weight?")
    assert answer.count is None and not answer.answers
    assert ask(asker, "how long should a beginner run?").count == 30

"""Parse -> Frame: the ways a question might be read, most likely first, and the first of them
that accounts for every word that carries meaning (nlp.account); else a refusal saying which words
were not understood. What each way of reading builds lives in nlp.search (questions that ask for
things), nlp.yesno and nlp.refuse; what the words say, in nlp.words and nlp.states.
"""

from .account import accounted
from .grammar import ARTICLES, AUXILIARIES, BE, METHOD_VERBS, PRONOUNS, SETTING_WORDS, grammatical
from .frame import Frame
from .lexicon import Lexicon
from .parse import Mention, Parse
from .refuse import ambiguous_name, expected_class, foreign, give_up, not_found, unknown_compound, unknown_term
from .search import (choice_frame, connect_frame, definition_frame, list_frame, members_frame, opposite_ends,
                     path_frame, relation_frame, value_frame)
from .states import attach_states
from .words import (answer_class_mention, class_heads, excluded, expand_general, group_asked, in_passing, inside,
                    is_own_class, merge_relations, next_to, of_name, relation_words, right_after_question, word_before)
from .yesno import exists_frame, triple_checks, yes_no_frame


#: The most relation words and names a question is read with. The project's question sets (over
#: 750 questions written by runners, coaches and physios) use at most 3 of each; more is word
#: salad or several questions at once, and would make the search for a reading grow fast.
MAX_RELATIONS = 4
MAX_NAMES = 4


def build(parse: Parse, lex: Lexicon) -> Frame:
    """Decide what ``parse`` asks: the first way of reading it, in order of preference, that
    accounts for every word that matters; else the first refusal, saying what was not understood."""
    refusals = []
    for frame in _candidates(parse, lex):
        frame = accounted(frame, lex)
        if frame.understood:
            return frame
        refusals.append(frame)
    # The most telling refusal: a name that could mean several things, else the first reason.
    return next((f for f in refusals if f.type == "ambiguous"), refusals[0])


def _candidates(parse: Parse, lex: Lexicon):
    """Frames for the ways the question might be read, most likely first; a refusal that leaves no
    alternative ends the list."""
    base = Frame("not_understood", parse)
    base.explain.append(f"form: {parse.form}" + (f", question word: {parse.qword}" if parse.qword else ""))
    for m in parse.mentions:
        base.explain.append(f"{m.kind}: {m.text!r} -> " + ", ".join(lex.label(i) for i in m.iris))
    for typed, fixed in parse.corrections:
        base.explain.append(f"spelling: {typed!r} read as {fixed!r}")

    def new() -> Frame:
        return Frame("not_understood", parse, explain=list(base.explain), states=base.states,
                     answer_mention=base.answer_mention, answer_class=base.answer_class, setting=base.setting,
                     excluded=base.excluded, excluding=base.excluding, members_of=base.members_of,
                     choice=base.choice, within=base.within)

    if not parse.content:
        yield give_up(new(), "not_understood", "the question has no words")
        return
    frame = base

    entities = parse.of("entity")
    if parse.form in ("wh", "command", "fragment"):
        # "which muscles does running engage besides the glutes?": the glutes are left out of the
        # answers, not a thing the question is about.
        base.excluded, base.excluding = excluded(parse)
        entities = [e for e in entities if e not in base.excluded]
    # "the muscles of the inner thighs": the class says what the name is, it asks for nothing.
    classes = [m for m in parse.of("class") if not inside(m, entities)
               and not any(of_name(parse, m, e, lex) for e in entities)]
    strong, weak = relation_words(parse, classes, lex)
    if parse.choice:
        # "running downhill: a quads thing or a hamstrings thing?": the names offered are the
        # answers to choose among, not things the question is about.
        base.choice = parse.choice
        base.within = {m.iris[0] for m in parse.choice}
        entities = [e for e in entities if e not in parse.choice]
    owners = [e for e in entities if lex.topic & set(e.iris) and any(
        o is not e and next_to(parse, e, o) and any(c in parse.question[e.start_char:o.start_char] for c in "'’")
        for o in entities)]
    if owners and (len(entities) - len(owners) >= 2 or parse.of("relation")):
        # "a foam roller for runners' hamstrings": the topic owning the next name says whose, in
        # passing; it is not a thing the question is about. ("What are runner's legs?", with
        # nothing else, names one thing the graph does not have.)
        entities = [e for e in entities if e not in owners]
    group = group_asked(parse, entities, classes, lex)
    if group is not None:
        # "which thigh muscles get used during a run?": the group's members are asked for.
        base.members_of = group[0]
        entities = [e for e in entities if e is not group[0]]
    setting = [e for e in entities if in_passing(parse, e, lex)] if parse.form != "yesno" else []
    if setting and len(setting) < len(entities):
        # "what do hip muscles do when running?": the topic said as the setting is not a thing the
        # question is about, nor is the word that sets it ("when", "in"). In a yes/no question it
        # is the thing checked ("do calves get engaged when running?").
        entities = [e for e in entities if e not in setting]
        base.setting = [i for e in setting for i in e.iris]
        setters = {word_before(parse, e) for e in setting}

        def sets_scene(r: Mention) -> bool:
            # "for runners", and "best … for runners": the word that sets the scene, with only
            # grammar words ("best") besides it.
            at = [i for start, end in [(r.start, r.end), *r.also] for i in range(start, end)]
            return any(i in setters for i in at) and all(i in setters or grammatical(parse.words[i]) for i in at)
        strong = [r for r in strong if not sets_scene(r)]
        weak = [r for r in weak if not sets_scene(r)]
    frame.states = attach_states(parse.of("state"), entities + classes, lex)
    if frame.states and not strong and not weak and not _asks_what_it_is(parse) and parse.form != "yesno":
        # "weak hips?", "exercises for tight hamstrings": a state alone asks for its remedy; in a
        # yes/no question it is what is asked ("are my hamstrings tight?").
        strong = [Mention("relation", s.start, s.end, s.text, list(lex.remedies.get(s.iris[0], [])),
                          s.start_char, s.end_char, general=True) for s, _ in frame.states]
    elif parse.request_at is not None and not strong:
        # "I want sleeker thighs, what should I do?": a request for what to do, answered by the
        # relations the graph marks as answering one (kg:request): what helps, what is advised.
        at = parse.request_at
        strong = [expand_general(Mention("relation", at, at + 1, parse.words[at], [p.iri for p in lex.properties.values()
                                                                           if p.request]), lex)]
    relations = merge_relations(strong, lex) or weak
    answer = answer_class_mention(parse, classes, relations, entities)
    frame.answer_mention = answer
    answer_class = frame.answer_class = answer.iris[0] if answer else group[1] if group else \
        lex.specific_type(parse.choice[0].iris[0]) if parse.choice else None
    slot_classes = [c for c in class_heads(classes, parse) if c.iris[0] != answer_class]

    if _asks_how_to_do(parse, entities, strong):
        # "how to do a single leg squat?": the way to do it, which no fact holds (a definition
        # says what it is, not how it is done).
        yield give_up(new(), "not_understood", f"my sources say what {lex.label(entities[0].iris[0])} is, not how "
                                                "to do it; ask what it is")
        return
    if foreign(parse, relations):
        yield give_up(new(), "out_of_domain", "most of the question's words name nothing my sources know")
        return
    ambiguous = ambiguous_name(parse, entities, lex)
    if ambiguous:
        if parse.form == "yesno" and ambiguous.meanings:
            # "do weak hips cause knee pain?": whichever pain is meant, the graph may say the same.
            either = _whichever_meant(new, ambiguous, entities, relations, classes, lex)
            if either is not None:
                yield either
        yield ambiguous(new())
        return
    compound = unknown_compound(parse, entities)
    if compound is not None:
        yield unknown_term(new(), compound, expected_class(relations, answer_class, lex), lex)
        return
    names = len({tuple(e.iris) for e in entities})
    kinds = len({tuple(sorted(r.iris)) for r in strong})  # the same word again adds nothing
    if kinds > MAX_RELATIONS or names > MAX_NAMES:
        # Word salad, or several questions at once: no reading could account for it all.
        yield give_up(new(), "not_understood", f"it names {names} things and {kinds} relations; "
                                                "ask about one or two things at a time")
        return
    if parse.negated and parse.form in ("wh", "command") and relations:
        yield give_up(new(), "not_understood", "questions about what is NOT related are not supported: my "
                                                "sources record what is, so I cannot list what is not")
        return

    if parse.path_words and len(entities) >= 2:
        yield path_frame(new(), entities[:2], lex)
    if parse.naming and parse.form != "yesno" and len({e.iris[0] for e in entities}) == 1:
        # "what's the other name for PFPS?", "which injury is also known as ...?": the thing and
        # its names.
        frame = new()
        frame.type, frame.entities = "names", [(entities[0], entities[0].iris[0])]
        frame.explain.append(f"the names of {lex.label(entities[0].iris[0])}")
        yield frame
    if entities and not strong and answer_class is None and _said_as_verb(parse, entities[0], lex) and all(
            parse.words[word_before(parse, e)] in SETTING_WORDS for e in entities[1:]):
        # "what keeps my hip from collapsing (when I push off)?": a name made of a verb ("keeping
        # the hip from collapsing"), said as one with the question word as its subject, asks what
        # does it; a name after "when" says when (joined to the reading, nlp.account).
        frame = connect_frame(new(), entities, None, lex, subject=True)
        frame.explain.append(f"{entities[0].text!r} said as a verb: what does it")
        yield frame
    if parse.defining and entities and not strong and not parse.unknown and parse.form != "yesno":
        yield definition_frame(new(), entities, lex)
    quantities = parse.of("quantity")
    if parse.form == "yesno" and quantities and entities:
        # "should a beginner run for 30 minutes?": the value the names lead to, checked against
        # the one stated.
        frame = value_frame(new(), sorted(entities, key=lambda e: bool(lex.topic & set(e.iris))),
                            [quantities[0]] + [r for r in parse.of("relation") if set(r.iris) & set(quantities[0].iris)],
                            lex)
        if frame.understood:
            frame.stated = quantities[0]
            if quantities[0] not in frame.value_mentions:
                frame.value_mentions.append(quantities[0])
        yield frame
    if parse.form == "yesno":
        yield yes_no_frame(new(), entities, relations, classes, lex)
        if len(entities) >= 2 and not strong and weak:
            # Only prepositions or light verbs link the names ("can you spot reduce thigh fat with
            # running?"): the names alone may say what is asked.
            yield yes_no_frame(new(), entities, [], classes, lex)
        asked = [c for c in classes if not any((next_to(parse, e, c) or next_to(parse, c, e)) and
                                               any(lex.is_a(i, c.iris[0]) for i in e.iris) for e in entities)]
        if entities and asked and relations:
            # "can weak glutes cause knee problems?": is there an injury of the knee that weak
            # glutes cause? A class with the other names joined to it (not one that only says
            # what a name is: "the IT band issues").
            yield exists_frame(new(), entities, strong, weak, asked, lex)
        return
    if parse.choice and relations and all(lex.topic & set(e.iris) for e in entities):
        # "which is stronger, quads or hamstrings?": the relation holds between the names offered
        # (the topic, if named, is said in passing: "stronger in runners").
        yield choice_frame(new(), parse.choice, relations, answer_class, lex)
    if len(entities) == 2 and not strong and answer_class is None and not side_by_side(parse, *entities):
        # Two names joined by prepositions or light verbs only ("what do sumo squats have to do
        # with the adductors?") ask how the two are connected; two names side by side ("runner's
        # legs") are one thing the graph does not name.
        frame = new()
        frame.explain.append("two names and no relation word: how they connect")
        yield path_frame(frame, entities, lex)
    if entities and relations:
        if len(relations) == 1 and len(entities) == 2 and answer_class is None and \
                relations[0].start != parse.request_at and opposite_ends(entities, relations[0], lex):
            # "what does running do for weight loss?": both ends are named, so the link itself is asked.
            frame = new()
            frame.explain.append("both ends of the relation are named: show how they connect")
            yield path_frame(frame, entities, lex)
        clause = _relative_clause(parse, entities, strong, lex)
        if clause is not None:
            # "what corrects the imbalances running causes?": the clause says which imbalances, a
            # fact taken as given (checked when answering), not a second thing asked of the answer.
            given, named, said = clause
            frame = relation_frame(new(), [e for e in entities if e is not named],
                                   [r for r in strong if r is not said], weak, answer_class, slot_classes, lex)
            frame.given = given
            frame.explain.append("given: " + "; ".join(f"{lex.label(g.subject)} {lex.label(g.prop)} "
                                                      f"{lex.label(g.object)}" for g in given))
            yield frame
        yield relation_frame(new(), entities, strong, weak, answer_class, slot_classes, lex)
        if answer is not None and not right_after_question(parse, answer):
            # "what does weakness in the muscles used for sprinting lead to?": the class named
            # first may be a step on the way rather than what is asked.
            frame = new()
            frame.answer_class = frame.answer_mention = None
            yield relation_frame(frame, entities, strong, weak, None, class_heads(classes, parse), lex)
    values = [r for r in parse.of("relation") if any(lex.properties[i].datatype for i in r.iris)]
    if values and entities:
        # "how many minutes should a beginner build up to?": a value of what the names lead to.
        yield value_frame(new(), entities, values, lex)
    if relations and slot_classes and not parse.unknown:
        # "which exercises prevent injuries?": a class fills the entity's place.
        yield relation_frame(new(), [], strong, weak, answer_class, slot_classes, lex)
    if parse.counting and len(entities) == 1 and not relations and answer_class is None:
        counted = members_frame(new(), entities[0], lex)
        if counted is not None:
            yield counted
    if len(entities) == 1 and not relations and not parse.counting and (
            parse.form == "command" and parse.listing or answer is not None and _plural(parse, answer, lex)
            and is_own_class(entities, answer_class, lex)):
        # "which muscle groups count as thigh muscles?", "list the thigh muscle groups": a group
        # listed, or asked which things of its own kind it is, means its members.
        listed = members_frame(new(), entities[0], lex)
        if listed is not None:
            listed.type = "relation"
            yield listed
    copular = _copular(parse, answer, entities)
    if entities:
        if answer_class is not None and not is_own_class(entities, answer_class, lex) and not copular:
            yield connect_frame(new(), entities, answer_class, lex)
        elif not parse.unknown:
            frame = definition_frame(new(), entities, lex)
            if not copular:
                frame.answer_mention = None  # the class, if any, only says what the name is
            yield frame
    if answer_class is not None and not parse.unknown and not copular:
        # "list all exercises", "what outcomes are covered?": nothing for a relation to start from.
        yield list_frame(new(), answer_class, lex)
    if len(entities) == 2 and answer_class is None and not side_by_side(parse, *entities):
        # "what do sumo squats have to do with the adductors?": two names and only light words
        # between them ask how the two are connected.
        yield path_frame(new(), entities, lex)
    yield not_found(new(), relations, answer_class, lex)



def _whichever_meant(new, ambiguity, entities, relations, classes, lex) -> Frame | None:
    """A yes/no question read once per meaning of its ambiguous name, every reading checked
    (Frame.every): answered only when all say the same. None unless each meaning is understood as
    triples to check."""
    entity, word = ambiguity.replaces
    frames = []
    for meaning in ambiguity.meanings:
        named = [meaning if e is entity else e for e in entities]
        frame = accounted(yes_no_frame(new(), named, [r for r in relations if r is not word], classes, lex), lex)
        if not frame.understood or not frame.checks or frame.checks[0].kind != "triple" or frame.given:
            return None
        frames.append(frame)
    combined = frames[0]
    combined.every = [f.checks for f in frames]
    combined.checks = [c for f in frames for c in f.checks]
    combined.entities = list({id(m): (m, i) for f in frames for m, i in f.entities}.values())
    combined.explain.append(f"{ambiguity.text!r} could mean " + ", ".join(lex.label(m.iris[0]) for m in
                                                                        ambiguity.meanings) + ": each is checked")
    return combined


def side_by_side(parse, first, second) -> bool:
    """Whether two names stand together with only a possessive between: one noun phrase."""
    return next_to(parse, first, second) or next_to(parse, second, first)


def _said_as_verb(parse: Parse, entity: Mention, lex: Lexicon) -> bool:
    """Whether a name whose label opens with a verb in -ing ("keeping the hip from collapsing") is
    typed with that verb in another form ("keeps"), right after "what" or "who"."""
    opening = [i for i, w in enumerate(parse.words[:entity.start]) if w.strip() and any(c.isalnum() for c in w)]
    if parse.form != "wh" or parse.qword not in ("what", "who") or len(opening) != 1:
        return False
    typed = parse.words[entity.start]
    found = lex.entity(entity.iris[0])
    firsts = {name.split()[0].lower() for name in found.names} if found else set()
    return any(first.endswith("ing") and typed != first and lex.lemma(typed) == lex.lemma(first) for first in firsts)


def _asks_how_to_do(parse: Parse, entities: list[Mention], strong: list[Mention]) -> bool:
    """ "how to do X", "how do I perform X": "how" and a method verb whose object is the one name,
    the verb after "to" or its subject (not the auxiliary of "how do the adductors relate ...")."""
    if parse.qword != "how" or strong or len({tuple(e.iris) for e in entities}) != 1:
        return False
    verb = word_before(parse, entities[0])
    if verb is None or parse.norms[verb] not in METHOD_VERBS:
        return False
    subject = next((w for w in reversed(parse.words[:verb]) if w.strip()), None)
    return subject == "to" or subject in PRONOUNS


def _copular(parse: Parse, answer: Mention | None, entities: list[Mention]) -> bool:
    """ "which muscle is the hamstrings?": only "be" links the class asked and the one name, so
    what is asked is what the name is, not any relation between a muscle and it."""
    if answer is None or len(entities) != 1:
        return False
    first, second = (answer, entities[0]) if answer.end <= entities[0].start else (entities[0], answer)
    between = [w for w in parse.words[first.end:second.start] if w.strip() and w not in ARTICLES]
    return bool(between) and all(w in BE for w in between)


def _plural(parse: Parse, mention: Mention, lex: Lexicon) -> bool:
    """Whether a class is named in the plural ("which muscle groups"), by its last word's lemma."""
    word = parse.words[mention.end - 1]
    return lex.lemma(word) != word


def _asks_what_it_is(parse: Parse) -> bool:
    """"what are tight hamstrings?": a question word and a form of "be" before the name ask what
    it is, not what to do about it."""
    content = [parse.words[i] for i, w in enumerate(parse.words) if w.strip() and any(c.isalnum() for c in w)]
    return parse.form == "wh" and (content[:1] == ["whats"] or content[:1] == ["what"] and content[1:2] and
                                   content[1] in BE)


def _relative_clause(parse: Parse, entities: list[Mention], strong: list[Mention], lex: Lexicon):
    """A name followed by a clause about it ("the imbalances running causes", "the imbalances that
    running creates"): (the checks the clause states, the clause's name, its relation word), or None.
    Only with another relation word left to ask with."""
    if len(strong) < 2:
        return None
    for head in entities:
        for named in entities:
            between = [w for w in parse.words[head.end:named.start] if w.strip()]
            if named is head or named.start < head.end or any(w not in ("that", "which") for w in between):
                continue
            said = next((r for r in strong if r.start >= named.end and
                         all(not w.strip() or w in AUXILIARIES for w in parse.words[named.end:r.start])), None)
            if said is None:
                continue
            checks = [c for c in triple_checks(parse, [named, head], said, lex) if c.subject in named.iris]
            if checks:
                return checks[:1], named, said
    return None

"""Parse -> Frame: what the question asks, decided from the schema rather than from sentences.

The types of the entities found, the relation words and their properties' domains and ranges, the
question word and the class the answer must belong to decide which properties link what, in which
direction, and over how many hops. A frame is data: the compiler turns it into SPARQL.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .grammar import (ALONE, ARTICLES, COMMANDS, DO_SUPPORT, FUNCTION_WORDS, HOW_MODIFIERS, LIGHT_VERBS, LISTING,
                      PRONOUNS,
                      WH_WORDS, grammatical)
from kg import terms

from .account import carries_meaning
from .lexicon import Lexicon
from .parse import Mention, Parse


#: The most relation words and names a question is read with. The project's question sets (over
#: 750 questions written by runners, coaches and physios) use at most 3 of each; more is word
#: salad or several questions at once, and would make the search for a reading grow fast.
MAX_RELATIONS = 4
MAX_NAMES = 4
#: The most groups of readings (by score) tried for one way of reading a question.
MAX_TIERS = 8
#: The most assignments of properties and directions weighed for one order of relation words.
MAX_COMBINATIONS = 4096


@dataclass
class Node:
    """A position in a query: a known entity (iri) or a variable that must be of ``cls``."""

    iri: str | None = None
    cls: str | None = None


@dataclass
class Hop:
    """One triple pattern: subject node, canonical property, object node."""

    subject: str
    prop: str
    object: str
    mention: Mention | None = None   # the relation words that name it; None for a hop no word names


@dataclass
class Reading:
    """One way of reading a list question: triple patterns over nodes; ``answer`` is what is asked."""

    nodes: dict[str, Node]
    hops: list[Hop]
    answer: str = "answer"


@dataclass
class Check:
    """A yes/no question: about one triple, class membership, a value, or whether answers exist."""

    kind: str                       # triple | type | value | exists
    subject: str
    prop: str | None = None         # canonical property
    object: str | None = None       # entity IRI (triple), class IRI (type)
    uses: list = field(default_factory=list)  # the mentions it was built from
    state: Mention | None = None    # a state asked about that the relation does not speak of
    via: tuple[str, str] | None = None  # (subject|object, kg:proxy property): that end names what the property links


@dataclass
class Frame:
    type: str                       # relation | count | list | yesno | definition | path | ambiguous |
                                    # unknown_term | out_of_domain | not_understood
    parse: Parse
    entities: list[tuple[Mention, str]] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    fallbacks: list[list[Reading]] = field(default_factory=list)   # tried in order when readings find nothing
    checks: list[Check] = field(default_factory=list)
    answer_class: str | None = None
    answer_mention: Mention | None = None
    states: list[tuple[Mention, Mention]] = field(default_factory=list)   # (state, the entity in it)
    account: object = None          # nlp.account.Account: which words the frame explains
    alone: bool = False             # asks whether something does it by itself ("running alone")
    value_prop: str | None = None   # for a value question: the datatype property asked for
    value_mentions: list = field(default_factory=list)
    unknown: str | None = None
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    explain: list[str] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        return self.type not in ("ambiguous", "unknown_term", "out_of_domain", "not_understood")


def build(parse: Parse, lex: Lexicon) -> Frame:
    """Decide what ``parse`` asks: the first way of reading it, in order of preference, that
    accounts for every word that matters; else the first refusal, saying what was not understood."""
    refusals = []
    for frame in _candidates(parse, lex):
        frame = _accounted(frame, lex)
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
                     answer_mention=base.answer_mention, answer_class=base.answer_class)

    if not parse.content:
        yield _give_up(new(), "not_understood", "the question has no words")
        return
    frame = base

    entities = parse.of("entity")
    classes = [m for m in parse.of("class") if not _inside(m, entities)]
    strong, weak = _relations(parse, classes, lex)
    frame.states = _attach(parse.of("state"), entities + classes, lex)
    if frame.states and not strong and not weak:
        # "weak hips?", "exercises for tight hamstrings": a state alone asks for its remedy.
        strong = [Mention("relation", s.start, s.end, s.text, list(lex.remedies.get(s.iris[0], [])),
                          s.start_char, s.end_char, general=True) for s, _ in frame.states]
    elif parse.request_at is not None and not strong:
        # "I want sleeker thighs, what should I do?": a request for what to do, answered by the
        # relations the graph marks as answering one (kg:request): what helps, what is advised.
        at = parse.request_at
        strong = [_expand(Mention("relation", at, at + 1, parse.words[at], [p.iri for p in lex.properties.values()
                                                                           if p.request]), lex)]
    relations = _merge(strong, lex) or weak
    answer = _answer_class(parse, classes, relations, entities)
    frame.answer_mention = answer
    answer_class = frame.answer_class = answer.iris[0] if answer else None
    slot_classes = [c for c in _heads(classes, parse) if c.iris[0] != answer_class]

    if _foreign(parse, relations):
        yield _give_up(new(), "out_of_domain", "most of the question's words name nothing the graph knows")
        return
    ambiguous = _ambiguous_name(parse, entities, lex)
    if ambiguous:
        yield ambiguous(new())
        return
    compound = _unknown_compound(parse, entities)
    if compound is not None:
        yield _unknown_term(new(), compound, _expected_class(relations, answer_class, lex), lex)
        return
    names = len({tuple(e.iris) for e in entities})
    kinds = len({tuple(sorted(r.iris)) for r in strong})  # the same word again adds nothing
    if kinds > MAX_RELATIONS or names > MAX_NAMES:
        # Word salad, or several questions at once: no reading could account for it all.
        yield _give_up(new(), "not_understood", f"it names {names} things and {kinds} relations; "
                                                "ask about one or two things at a time")
        return
    if parse.negated and parse.form in ("wh", "command") and relations:
        yield _give_up(new(), "not_understood", "questions about what is NOT related are not supported: the "
                                                "graph records what is, so it cannot list what is not")
        return

    if parse.path_words and len(entities) >= 2:
        yield _path(new(), entities[:2], lex)
    if parse.defining and entities and not strong and not parse.unknown and parse.form != "yesno":
        yield _definition(new(), entities, lex)
    if parse.form == "yesno":
        yield _yes_no(new(), entities, relations, classes, lex)
        if len(entities) >= 2 and not strong and weak:
            # Only prepositions or light verbs link the names ("can you spot reduce thigh fat with
            # running?"): the names alone may say what is asked.
            yield _yes_no(new(), entities, [], classes, lex)
        if entities and classes and relations:
            # "can weak glutes cause knee problems?": is there an injury of the knee that weak
            # glutes cause? A class with the other names joined to it.
            yield _exists(new(), entities, strong, weak, classes, lex)
        return
    if len(entities) == 2 and not strong and answer_class is None:
        # Two names joined by prepositions or light verbs only ("what do sumo squats have to do
        # with the adductors?") ask how the two are connected.
        frame = new()
        frame.explain.append("two names and no relation word: how they connect")
        yield _path(frame, entities, lex)
    if entities and relations:
        if len(relations) == 1 and len(entities) == 2 and answer_class is None and \
                _opposite_ends(entities, relations[0], lex):
            # "what does running do for weight loss?": both ends are named, so the link itself is asked.
            frame = new()
            frame.explain.append("both ends of the relation are named: show how they connect")
            yield _path(frame, entities, lex)
        yield _relation(new(), entities, strong, weak, answer_class, slot_classes, lex)
        if answer is not None and not _right_after_question(parse, answer):
            # "what does weakness in the muscles used for sprinting lead to?": the class named
            # first may be a step on the way rather than what is asked.
            frame = new()
            frame.answer_class = frame.answer_mention = None
            yield _relation(frame, entities, strong, weak, None, _heads(classes, parse), lex)
    values = [r for r in parse.of("relation") if any(lex.properties[i].datatype for i in r.iris)]
    if values and entities:
        # "how many minutes should a beginner build up to?": a value of what the names lead to.
        yield _value(new(), entities, values, lex)
    if relations and slot_classes and not parse.unknown:
        # "which exercises prevent injuries?": a class fills the entity's place.
        yield _relation(new(), [], strong, weak, answer_class, slot_classes, lex)
    if entities:
        if answer_class is not None and not _is_own_class(entities, answer_class, lex):
            yield _connect(new(), entities, answer_class, lex)
        elif not parse.unknown:
            yield _definition(new(), entities, lex)
    if answer_class is not None and not parse.unknown:
        # "list all exercises", "what outcomes are covered?": nothing for a relation to start from.
        yield _list(new(), answer_class, lex)
    if len(entities) == 2 and answer_class is None:
        # "what do sumo squats have to do with the adductors?": two names and only light words
        # between them ask how the two are connected.
        yield _path(new(), entities, lex)
    yield _not_found(new(), relations, answer_class, lex)


# -- list questions -------------------------------------------------------------------------------

def _relation(frame, entities, strong, weak, answer_class, slot_classes, lex):
    """Entities (or a class standing for any member) joined to the answer through relations."""
    relations = strong or weak
    if not strong and entities and answer_class is not None:
        # Only prepositions link the words. One right before an entity may name its relation to the
        # answer ("which muscles are in the adductor group?"); otherwise the answer class and the
        # entity speak for themselves ("the job of the quads in running").
        tiers = [t for r in weak for e in entities if e.start in (r.end, r.end + 1)
                 for t in _chain(frame, e, [r], answer_class, slot_classes, lex)]
        connected = _connect(Frame(frame.type, frame.parse, explain=frame.explain), entities, answer_class, lex)
        tiers += [connected.readings] if connected.readings else []
        if tiers:
            frame.type = "count" if frame.parse.counting else "relation"
            frame.readings, frame.fallbacks = tiers[0], tiers[1:]
            return frame
    if len(relations) >= 2 and len(relations) == len(entities):
        tiers = _conjunction(frame, entities, relations, answer_class, lex)
        if tiers:
            frame.type = "count" if frame.parse.counting else "relation"
            frame.readings, frame.fallbacks = tiers[0], tiers[1:]
            return frame
    coordinated = len(relations) == 1 and len(entities) > 1 and _joined(frame.parse, entities)
    if coordinated:
        tiers = _coordinated(frame, entities, relations[0], answer_class, lex)
        anchor = entities[0]
    else:
        anchor = entities[0] if entities else slot_classes[0]
        if len(entities) > 1:
            anchor = min(entities, key=lambda e: min(abs(e.start - r.start) for r in relations))
        tiers = _chain(frame, anchor, relations, answer_class, slot_classes, lex)
        merged = _merge(relations, lex)
        if len(merged) < len(relations):
            # The same relation named twice ("weakness ... cause") may be one hop, not two.
            tiers += _chain(frame, anchor, merged, answer_class, slot_classes, lex)
            relations = merged
        if len(relations) > 1:
            # If the words do not chain in the graph ("what helps tight hamstrings?"), the one
            # nearest the anchor speaks alone.
            for relation in sorted(relations, key=lambda r: abs(r.start - anchor.start)):
                tiers += _chain(frame, anchor, [relation], answer_class, slot_classes, lex)
        for other in entities:
            # The nearest name may be said in passing ("why do runners get runner's knee?"): the
            # others may anchor the reading instead (accounting for every word decides).
            if other is not anchor:
                tiers += _chain(frame, other, relations, answer_class, slot_classes, lex)
                for relation in sorted(relations, key=lambda r: abs(r.start - other.start)) if len(relations) > 1 else []:
                    tiers += _chain(frame, other, [relation], answer_class, slot_classes, lex)
    if strong and weak:
        # A preposition or question word ("between", "when") may say what the others did not.
        for relation in weak:
            for entity in entities or [anchor]:
                tiers += _chain(frame, entity, [relation], answer_class, slot_classes, lex)
    if not coordinated:
        # Last resort: a hop no word names, implied by the class words.
        tiers += _chain(frame, anchor, relations, answer_class, slot_classes, lex, implied=True)
    if not tiers:
        if entities and answer_class is not None:
            return _connect(frame, entities, answer_class, lex)
        frame.reason = ("the words " + ", ".join(repr(r.text) for r in relations) + " do not fit "
                        + ", ".join(lex.label(e.iris[0]) for e in entities or slot_classes))
        return _not_found(frame, relations, answer_class, lex)
    frame.type = "count" if frame.parse.counting else "relation"
    frame.readings, frame.fallbacks = tiers[0], tiers[1:]
    return frame


def _conjunction(frame, entities, relations, answer_class, lex) -> list[list[Reading]]:
    """'Which phases of running use the adductors?': each relation word with its own entity, all
    about the same answer. Pairs follow word order; every pair must fit the schema."""
    pairs = list(zip(sorted(relations, key=lambda r: r.start), sorted(entities, key=lambda e: e.start)))
    first = {(tuple(r.iris), tuple(e.iris)): pair for pair in reversed(pairs) for r, e in [pair]}
    for relation, entity in pairs:  # a pair named again is the same pair ("... and ... again")
        kept = first[(tuple(relation.iris), tuple(entity.iris))][0]
        if kept is not relation and (relation.start, relation.end) not in kept.also:
            kept.also.append((relation.start, relation.end))
    pairs = [pair for pair in pairs if first[(tuple(pair[0].iris), tuple(pair[1].iris))] is pair]
    nodes, hops = {"answer": Node(cls=answer_class)}, []
    for k, (relation, entity) in enumerate(pairs):
        tiers = _chain(Frame("relation", frame.parse), entity, [relation], answer_class, [], lex)
        if not tiers:
            return []
        reading = tiers[0][0]
        nodes[f"n{k}"] = reading.nodes["n0"]
        if reading.nodes["answer"].cls and (nodes["answer"].cls is None or
                                            reading.nodes["answer"].cls in lex.ancestors(nodes["answer"].cls) is False):
            nodes["answer"] = Node(cls=_narrower(nodes["answer"].cls, reading.nodes["answer"].cls, lex))
        for hop in reading.hops:
            rename = {"n0": f"n{k}", "answer": "answer"}
            hops.append(Hop(rename.get(hop.subject, hop.subject), hop.prop, rename.get(hop.object, hop.object),
                            hop.mention))
    frame.explain.append("each relation word with its own entity, one answer for all: " + "; ".join(
        f"{r.text!r} + {e.text!r}" for r, e in pairs))
    return [[Reading(nodes, hops)]]


def _list(frame, answer_class, lex):
    frame.type = "count" if frame.parse.counting else "list"
    frame.readings = [Reading({"answer": Node(cls=answer_class)}, [])]
    frame.explain.append(f"list the members of {lex.label(answer_class)}")
    return frame


def _coordinated(frame, entities, relation, answer_class, lex) -> list[list[Reading]]:
    """'What prevents ITBS and runner's knee?': one relation, several entities in the same place."""
    per_entity = []
    for entity in entities:
        tiers = _chain(frame, entity, [relation], answer_class, [], lex)
        if tiers:
            per_entity.append(tiers[0])
    if not per_entity:
        return []
    if frame.parse.all_of and len(per_entity) > 1:
        # "both": one reading whose answer satisfies every entity's hops.
        nodes, hops = {"answer": Node(cls=answer_class)}, []
        for i, readings in enumerate(per_entity):
            reading = readings[0]
            for name, node in reading.nodes.items():
                if name != "answer":
                    nodes[f"{name}_{i}"] = node
            for hop in reading.hops:
                rename = {n: (n if n == "answer" else f"{n}_{i}") for n in (hop.subject, hop.object)}
                hops.append(Hop(rename[hop.subject], hop.prop, rename[hop.object], hop.mention))
        frame.explain.append("answers must hold for every entity named (both)")
        return [[Reading(nodes, hops)]]
    unique = {}
    for reading in (r for readings in per_entity for r in readings):  # a name said twice is asked once
        unique.setdefault((tuple((h.subject, h.prop, h.object) for h in reading.hops),
                           tuple((n, node.iri, node.cls) for n, node in sorted(reading.nodes.items()))), reading)
    return [list(unique.values())]


def _joined(parse: Parse, entities: list[Mention]) -> bool:
    """Whether the names stand side by side, joined by "and", "or" or commas ("ITBS and runner's knee")."""
    ordered = sorted(entities, key=lambda e: e.start)
    return all(all(not w.strip() or w in (",", "and", "or", "&", "/") or w in ARTICLES or w in PRONOUNS
                   for w in parse.words[a.end:b.start]) for a, b in zip(ordered, ordered[1:]))


def _opposite_ends(entities, relation, lex) -> bool:
    """Whether one entity is named before the relation word and fits one end, the other after it."""
    first, second = entities
    if not (first.start < relation.start < second.start):
        return False
    for prop in relation.iris:
        p = lex.properties[prop]
        if p.domain == p.range:
            continue
        for a, b in ((first, second), (second, first)):
            if any(lex.is_a(x, p.domain) for x in a.iris) and any(lex.is_a(y, p.range) for y in b.iris):
                return True
    return False


def _implied_tiers(frame, anchor, ordered, answer_class, intermediate, lex) -> list[list[Reading]]:
    """Readings with one hop that no word names but a class word implies."""
    options = []
    if answer_class is not None:
        # "the functions of the muscles whose weakness ...": the answer class implies the last hop.
        options = _options(anchor, ordered + [_implied(lex, answer_class)], answer_class, intermediate, lex,
                           frame.parse)
    if not options and intermediate:
        # "exercises that tone the muscles that keep the hip from collapsing": a class word between
        # the anchor and the relation implies the first hop.
        options = _options(anchor, [_implied(lex, intermediate[0].iris[0])] + ordered, answer_class,
                           intermediate, lex, frame.parse)
    return _tiers(frame, options, lex)


def _chain(frame, anchor: Mention, relations, answer_class, slot_classes, lex, implied=False) -> list[list[Reading]]:
    """Hops from the anchor (an entity, or a class standing for any member) out to the answer.

    The relation nearest the anchor applies to it; each further relation applies to the result of
    the one before. Every candidate property and direction is scored by how well the schema fits
    (the anchor's types against the domain or range, the answer class against the far end, word
    order where both directions fit). Readings come back in tiers, best score first; the answerer
    uses the first tier the graph can answer.
    """
    ordered = sorted(relations, key=lambda r: abs(r.start - anchor.start))
    intermediate = [c for c in slot_classes if c is not anchor]
    options = _options(anchor, ordered, answer_class, intermediate, lex, frame.parse)
    if not options and len(ordered) > 1:
        # Nearest is not always first ("the muscles used while standing stabilize"): any order the
        # schema accepts will do.
        for order in itertools.permutations(ordered):
            if list(order) != ordered:
                options += _options(anchor, list(order), answer_class, intermediate, lex, frame.parse)
    if not options and implied:
        return _implied_tiers(frame, anchor, ordered, answer_class, intermediate, lex)
    return _tiers(frame, options, lex)


def _tiers(frame, options, lex) -> list[list[Reading]]:
    """Readings grouped by score, best first; the best tier goes into the explanation."""
    tiers: dict[float, list[Reading]] = {}
    seen = set()
    options = [(score, reading) for score, reading in options if _fits(reading, frame.states, lex)]
    for score, reading in sorted(options, key=lambda o: -o[0]):
        key = tuple((h.subject, h.prop, h.object) for h in reading.hops) + tuple(
            (n, node.iri, node.cls) for n, node in sorted(reading.nodes.items()))
        if key not in seen:
            seen.add(key)
            tiers.setdefault(score, []).append(reading)
    ranked = [tiers[s] for s in sorted(tiers, reverse=True)]
    for reading in ranked[0] if ranked else []:
        frame.explain.append("reading: " + " . ".join(
            f"{_show(reading, h.subject, lex)} {lex.label(h.prop)} {_show(reading, h.object, lex)}"
            for h in reading.hops))
    return ranked


def _options(anchor, ordered, answer_class, intermediate, lex, parse):
    """Every way of reading the relations in order (a property and a direction for each) that the
    schema lets follow on from the anchor, scored. Steps that cannot follow on from any reading of
    the step before are dropped first, so the search stays small however many words there are."""
    steps, before = [], None
    for i, relation in enumerate(ordered):
        pairs = []
        for prop in relation.iris:
            p = lex.properties[prop]
            if p.datatype:
                continue
            for forward in (True, False):
                near, far = (p.domain, p.range) if forward else (p.range, p.domain)
                if i == 0:
                    fits = lex.compatible(anchor.iris[0], near) if anchor.kind == "class" else \
                        any(lex.is_a(iri, near) for iri in anchor.iris) or _proxy(anchor.iris, near, lex) is not None
                else:
                    fits = any(lex.compatible(f, near) for f in before)
                if fits:
                    pairs.append((prop, forward, far))
        if not pairs:
            return []
        before = {far for _, _, far in pairs}
        steps.append(pairs)
    if math.prod(len(pairs) for pairs in steps) > MAX_COMBINATIONS:
        return []  # too many ways to read the words in this order to weigh them all
    options = []
    for combo in itertools.product(*steps):
        scored = _score(anchor, ordered, [c[0] for c in combo], [c[1] for c in combo], answer_class, intermediate,
                        lex, parse)
        if scored is not None:
            options.append(scored)
    return options


def _implied(lex: Lexicon, cls: str) -> Mention:
    """A hop no word names, implied by a class word: any property that can reach the class."""
    props = [p.iri for p in lex.properties.values() if p.canonical and not p.datatype and not p.abstract
             and (lex.compatible(p.range, cls) or lex.compatible(p.domain, cls))]
    return Mention("implied", -1, -1, "", props, best=[], start_char=-1, end_char=-1)


def _score(anchor, relations, props, directions, answer_class, intermediate, lex, parse):
    """Score one assignment of properties and directions, or None when the schema rules it out."""
    anchor_is_class = anchor.kind == "class"
    score = 0.0
    nodes = {"n0": Node(cls=anchor.iris[0]) if anchor_is_class else Node()}
    hops, current = [], "n0"
    for i, (relation, prop, forward) in enumerate(zip(relations, props, directions)):
        canonical, flipped = lex.canonical(prop)
        p = lex.properties[prop]
        if p.datatype or (hops and hops[-1].prop == canonical):
            return None  # a relation twice in a row only goes back and forth
        # forward: the current node is the subject of the property as typed.
        near, far = (p.domain, p.range) if forward else (p.range, p.domain)
        last = i == len(relations) - 1
        implied = relation.kind == "implied"
        if prop in relation.best:
            score += 0.5  # the phrase typed most like this property's own words
        if implied:
            score -= 1.5
        if i == 0:
            if anchor_is_class:
                if not lex.compatible(anchor.iris[0], near):
                    return None
                far_fits = lex.compatible(anchor.iris[0], far)
            else:
                fitting = [iri for iri in anchor.iris if lex.is_a(iri, near)]
                if not fitting:
                    # "which exercises tone your butt?": a name standing for what is linked to it.
                    bridge = _proxy(anchor.iris, near, lex)
                    if bridge is None:
                        return None
                    iri, q, cls = bridge
                    nodes["n0"], nodes["b0"] = Node(iri=iri), Node(cls=cls)
                    hops.append(Hop("b0", q, "n0"))
                    current = "b0"
                    score += 1
                    far_fits = False
                else:
                    nodes["n0"] = Node(iri=fitting[0])
                    score += 3 + (fitting[0] == anchor.iris[0])
                    far_fits = lex.is_a(fitting[0], far)
            if far_fits:
                # Both directions fit the anchor's type: word order decides.
                score += not implied and forward == _anchor_is_subject(anchor, relation, parse)
        else:
            if not lex.compatible(nodes[current].cls, near):
                return None
            score += 2
        name = "answer" if last else f"x{i + 1}"
        nodes[name] = Node(cls=far)
        if last and answer_class is not None:
            if not lex.compatible(far, answer_class):
                return None
            nodes[name] = Node(cls=_narrower(far, answer_class, lex))
            score += 2
        elif not last and intermediate:
            cls = intermediate[min(i, len(intermediate) - 1)].iris[0]
            if lex.compatible(far, cls):
                nodes[name] = Node(cls=_narrower(far, cls, lex))
                score += 1
            elif implied:
                return None
        s, o = (current, name) if forward else (name, current)
        if flipped:
            s, o = o, s
        hops.append(Hop(s, canonical, o, None if implied else relation))
        current = name
    return score, Reading(nodes, hops)


def _proxy(iris: list[str], needed: str | None, lex: Lexicon) -> tuple[str, str, str] | None:
    """(entity, property, class) when a name may stand for the things of ``needed`` class that a
    kg:proxy relation links to it: a body region for the muscles in it, a piece of equipment for
    the activities that use it."""
    for iri in iris:
        for p in lex.properties.values():
            if p.proxy and p.canonical and lex.is_a(iri, p.range) and lex.compatible(p.domain, needed):
                return iri, p.iri, _narrower(p.domain, needed, lex)
    return None


def _anchor_is_subject(anchor: Mention, relation: Mention, parse: Parse) -> bool:
    """Word order: named before the relation word, the anchor is its subject (unless passive)."""
    if relation.text.lower() in WH_WORDS:
        return True  # the question word is fronted: "where is X" asks about X
    first = anchor.start < relation.start
    if any(i in parse.passive_at for i in range(relation.start, relation.end)):
        first = not first
    return first


# -- yes / no ---------------------------------------------------------------------------------------

def _yes_no(frame, entities, relations, classes, lex):
    frame.type = "yesno"
    parse = frame.parse
    if parse.unknown and len(entities) < 2:
        # "does swimming tone the thighs?": the thing asked about is not in the graph.
        return _unknown_term(frame, parse.unknown[0].text, _expected_class(relations, None, lex), lex)
    if len(entities) >= 2:
        if not relations:
            # "does running burn calories?", "are the glutes thigh muscles?": no relation word, so
            # the names alone say what is asked; any relation the schema allows between them.
            relations = [Mention("implied", -1, -1, "", [p.iri for p in lex.properties.values() if p.canonical
                                                         and not p.datatype and not p.abstract])]
        checks = [c for relation in relations for c in _triple_checks(parse, entities, relation, lex)]
        fitting = [c for c in checks if _check_fits(c, frame.states, lex)]
        if checks and not fitting and frame.states:
            # "do tight hamstrings cause runner's knee?": the graph has the relation, but not of
            # a muscle in that state; the answer can only be "not known".
            for c in checks:
                c.state = next((s for s, m in frame.states if m in c.uses), None)
            fitting = [c for c in checks if c.state is not None]
        checks = fitting
        if not checks:
            same = [(a, b) for a, b in itertools.combinations(entities, 2) if set(a.iris) & set(b.iris)]
            if same and all(r.kind == "implied" for r in relations):
                # "are the adductors the same as the inner thigh muscles?": two names of one thing.
                a, b = same[0]
                iri = next(i for i in a.iris if i in b.iris)
                frame.checks = [Check("same", iri, None, iri, [a, b])]
                frame.entities = [(a, iri), (b, iri)]
                return frame
            names = " and ".join(lex.label(e.iris[0]) for e in entities[:2])
            return _give_up(frame, "not_understood", f"no relation the graph has links {names} as the question asks")
        frame.checks = checks
        frame.entities = [(m, next((i for i in m.iris if i in (checks[0].subject, checks[0].object)), m.iris[0]))
                          for m in checks[0].uses if m.kind == "entity"]
        for c in checks:
            frame.explain.append(f"check: {lex.label(c.subject)} {lex.label(c.prop)} {lex.label(c.object)}")
        return frame
    if len(entities) == 1:
        entity = entities[0]
        flags = [p.iri for p in lex.properties.values() if p.datatype and p.range == terms.XSD + "boolean"
                 and lex.is_a(entity.iris[0], p.domain)]
        if not relations and not classes and len(flags) == 1:
            # "can you spot reduce thigh fat?": of a thing that can only be or not be, whether it is.
            frame.entities = [(entity, entity.iris[0])]
            frame.checks = [Check("value", entity.iris[0], flags[0], None, [entity])]
            return frame
        values = [iri for r in relations for iri in r.iris if lex.properties[iri].datatype
                  and any(lex.is_a(e, lex.properties[iri].domain) for e in entity.iris)]
        if values:
            subject = next(e for e in entity.iris if lex.is_a(e, lex.properties[values[0]].domain))
            relation = next(r for r in relations if values[0] in r.iris)
            frame.entities = [(entity, subject)]
            frame.checks = [Check("value", subject, values[0], None, [entity, relation])]
            return frame
        if classes and not relations:
            cls = _heads(classes, parse)[-1]
            frame.entities = [(entity, entity.iris[0])]
            frame.checks = [Check("type", entity.iris[0], None, cls.iris[0], [entity, cls])]
            return frame
        if relations:
            # "Does running engage any muscles?": is there at least one answer?
            found = _relation(Frame("relation", parse), [entity], relations, [],
                              _heads(classes, parse)[0].iris[0] if classes else None, [], lex)
            if found.readings:
                frame.readings, frame.fallbacks = found.readings, found.fallbacks
                frame.entities = [(entity, found.readings[0].nodes["n0"].iri)]
                frame.checks = [Check("exists", found.readings[0].nodes["n0"].iri)]
                return frame
    return _not_found(frame, relations, None, lex)


def _exists(frame, entities, strong, weak, classes, lex):
    """A yes/no asking whether something of a class stands in a relation to the names: yes when
    the reading finds anything."""
    frame.type = "yesno"
    found = _relation(Frame("relation", frame.parse, states=frame.states), entities, strong, weak,
                      _heads(classes, frame.parse)[-1].iris[0], [], lex)
    if not found.readings:
        return _not_found(frame, strong or weak, None, lex)
    frame.readings, frame.fallbacks = found.readings, found.fallbacks
    anchor = next((n.iri for r in found.readings for n in r.nodes.values() if n.iri), entities[0].iris[0])
    frame.checks = [Check("exists", anchor)]
    frame.explain += [line for line in found.explain if line.startswith("reading")]
    return frame


def _triple_checks(parse: Parse, entities: list[Mention], relation: Mention, lex: Lexicon) -> list[Check]:
    """For each property the relation words may mean, the two entities it links, as one check.

    The schema decides which can be the subject; where both orders fit, the first named is (the
    second, in the passive); of several pairs, the one nearest the relation words.
    """
    passive = any(i in parse.passive_at for i in range(relation.start, relation.end))
    checks = []
    for prop in relation.iris:
        p = lex.properties[prop]
        if p.datatype:
            continue
        options = []
        for s_m, o_m in itertools.permutations(entities, 2):
            if s_m is o_m or set(s_m.iris) & set(o_m.iris):
                continue
            in_order = (s_m.start < o_m.start) != passive
            distance = abs(s_m.start - relation.start) + abs(o_m.start - relation.start)
            for s in s_m.iris:
                for o in o_m.iris:
                    if lex.is_a(s, p.domain) and lex.is_a(o, p.range):
                        options.append((0, not in_order, distance, s_m.iris.index(s) + o_m.iris.index(o), s, o,
                                        s_m, o_m, None))
            # A name standing for what a kg:proxy relation links to it ("does a foam roller help
            # with tight hamstrings?": the activity that uses it).
            named = relation.kind != "implied"  # only a relation the words name, not one they leave open
            s_proxy = _proxy(s_m.iris, p.domain, lex) if named and not any(lex.is_a(s, p.domain) for s in s_m.iris) \
                else None
            o_proxy = _proxy(o_m.iris, p.range, lex) if named and not any(lex.is_a(o, p.range) for o in o_m.iris) \
                else None
            if s_proxy and any(lex.is_a(o, p.range) for o in o_m.iris):
                o = next(o for o in o_m.iris if lex.is_a(o, p.range))
                options.append((1, not in_order, distance, 0, s_proxy[0], o, s_m, o_m, ("subject", s_proxy[1])))
            if o_proxy and any(lex.is_a(s, p.domain) for s in s_m.iris):
                s = next(s for s in s_m.iris if lex.is_a(s, p.domain))
                options.append((1, not in_order, distance, 0, s, o_proxy[0], s_m, o_m, ("object", o_proxy[1])))
        if options:
            _, _, _, _, s, o, s_m, o_m, via = min(options, key=lambda x: x[:4])
            canonical, flipped = lex.canonical(prop)
            if flipped and via:
                via = ("object" if via[0] == "subject" else "subject", via[1])
            checks.append(Check("triple", o if flipped else s, canonical, s if flipped else o, [s_m, o_m, relation],
                                via=via))
    return checks


def _check_fits(check: Check, states, lex: Lexicon) -> bool:
    """_fits, for a yes/no check."""
    for state, entity in states:
        if entity in check.uses and not _state_holds(state.iris[0], check.prop, check.subject in entity.iris, lex):
            return False
    relation = next((m for m in check.uses if m.kind == "relation"), None)
    if relation is not None and relation.general:
        remedies = _remedies(Node(iri=check.object), lex)
        if remedies and check.prop not in remedies:
            return False
    return True


# -- other shapes ---------------------------------------------------------------------------------

def _definition(frame, entities, lex):
    entity = entities[0]
    frame.type = "definition"
    frame.entities = [(entity, entity.iris[0])]
    frame.explain.append(f"define {lex.label(entity.iris[0])}")
    return frame


def _connect(frame, entities, answer_class, lex):
    """An entity and an answer class but no relation word: every property that links the two."""
    entity = entities[0]
    readings = []
    for iri in entity.iris[:1]:
        for prop in lex.properties.values():
            if prop.datatype or not prop.canonical or prop.abstract:
                continue
            if lex.is_a(iri, prop.domain) and lex.compatible(prop.range, answer_class):
                readings.append(Reading({"n0": Node(iri=iri), "answer": Node(cls=_narrower(prop.range, answer_class, lex))},
                                        [Hop("n0", prop.iri, "answer")]))
            if lex.is_a(iri, prop.range) and lex.compatible(prop.domain, answer_class):
                readings.append(Reading({"n0": Node(iri=iri), "answer": Node(cls=_narrower(prop.domain, answer_class, lex))},
                                        [Hop("answer", prop.iri, "n0")]))
    if not readings:
        return _not_found(frame, [], answer_class, lex)
    frame.type = "count" if frame.parse.counting else "relation"
    frame.readings = readings
    frame.explain.append(f"no relation word: every property linking {lex.label(answer_class)} and "
                         f"{lex.label(entity.iris[0])} ({len(readings)})")
    return frame


def _value(frame, entities, mentions, lex):
    """A literal value (minutes, how often) of an entity, or of what one hop from an entity reaches."""
    prop = next(i for m in mentions for i in m.iris if lex.properties[i].datatype)
    domain = lex.properties[prop].domain
    entity = entities[0]
    frame.type = "value"
    frame.value_prop, frame.value_mentions = prop, [m for m in mentions if prop in m.iris]
    if lex.is_a(entity.iris[0], domain):
        frame.readings = [Reading({"answer": Node(iri=entity.iris[0])}, [])]
    else:
        connected = _connect(Frame("relation", frame.parse), [entity], domain, lex)
        frame.readings = connected.readings
    frame.explain.append(f"the value of {lex.label(prop)} for {lex.label(entity.iris[0])}")
    return frame if frame.readings else _not_found(frame, [], domain, lex)


def _path(frame, entities, lex):
    frame.type = "path"
    frame.entities = [(m, m.iris[0]) for m in entities]
    frame.explain.append("how two things are related: shortest paths in the graph")
    return frame


def _ambiguous_name(parse: Parse, entities, lex):
    """A name the graph has only in part, which could mean several entities.

    Either known words that name nothing whole ('squats', 'one-legged exercise') where no entity was
    found, or an entity followed by a relation word that ends several names ('knee pain').
    """
    if parse.partial and not entities:
        words = {parse.norms[i] for p in parse.partial for i in range(p.start, p.end) if parse.norms[i].strip()}
        candidates = _containing(words, lex, every=True) or _containing(words, lex, every=False)
        if len(candidates) > 1:
            text = parse.partial[0].text
            return lambda frame: _ambiguous(frame, text, candidates, lex)
    for entity in entities:
        after = next((m for m in parse.mentions if m.kind == "relation" and m.start in (entity.end, entity.end + 1)
                      and m.end - m.start == 1 and not any((c.start, c.end) == (m.start, m.end)
                                                           for c in parse.of("class"))), None)
        before = next((w for w in reversed(parse.words[:entity.start]) if w.strip() and w not in ARTICLES), "")
        if after is None or before in DO_SUPPORT or before in WH_WORDS or before in ("that", "who"):
            continue  # "does running tone ...", "the muscles that running works": the word after is a verb
        word = parse.norms[after.start]
        if not carries_meaning(parse, after.start, lex):
            continue
        # Names that end in the word ("IT band pain", "patellofemoral pain" for "knee pain").
        holders = [iri for iri in _containing({word}, lex, every=True) if iri not in entity.iris
                   and any(lex.lemma(n.lower().split()[-1]) == word for n in lex.entity(iri).names)]
        if len(holders) > 1:
            text = parse.question[entity.start_char:after.end_char]
            return lambda frame: _ambiguous(frame, text, holders, lex)
    return None


def _unknown_compound(parse: Parse, entities) -> str | None:
    """'hamstring strain', 'hip flexors': a known name run into words the graph does not know."""
    for entity in entities:
        before = next((w for w in reversed(parse.words[:entity.start]) if w.strip() and w not in ARTICLES), "")
        if before in DO_SUPPORT or before in WH_WORDS:
            continue  # "do the hip muscles play ...": the word after the name is its verb
        for unknown in parse.unknown:
            if _next_to(parse, entity, unknown):
                return parse.question[entity.start_char:unknown.end_char]
    return None


def _next_to(parse: Parse, first: Mention, second: Mention) -> bool:
    """Whether only spaces separate two mentions, in that order."""
    return second.start >= first.end and all(not w.strip() for w in parse.words[first.end:second.start])


def _ambiguous(frame, text, iris, lex):
    frame.type = "ambiguous"
    frame.unknown = text
    frame.candidates = list(dict.fromkeys(iris))[:8]
    frame.reason = f"{text!r} could mean " + ", ".join(lex.label(i) for i in frame.candidates)
    return frame


def _unknown_term(frame, term, expected, lex):
    frame.type = "unknown_term"
    frame.unknown = term
    frame.candidates = _closest(term, expected, lex)
    frame.reason = f"the graph has nothing called {term!r}"
    return frame


def _give_up(frame, kind, reason):
    frame.type = kind
    frame.reason = reason
    return frame


def _foreign(parse: Parse, relations) -> bool:
    """Whether the question is mostly words the graph has never seen, around one or two it knows
    ("how fast did Eliud Kipchoge run his fastest marathon?"): then it is about something else."""
    known = len(parse.of("entity")) + len(parse.of("class")) + sum(_telling(r, parse) for r in relations)
    strange = sum(1 for u in parse.unknown for w in parse.words[u.start:u.end] if w.isalpha())
    return strange > 0 and strange - known >= 2


def _not_found(frame, relations, answer_class, lex):
    """Nothing to query: an unknown term if the question is about the domain, else out of domain."""
    parse = frame.parse
    known = len(parse.of("entity")) + len(parse.of("class")) + sum(_telling(r, parse) for r in relations)
    domain = known > 0 and not _foreign(parse, relations)
    if parse.unknown and domain:
        return _unknown_term(frame, parse.unknown[-1].text, _expected_class(relations, answer_class, lex), lex)
    if domain:
        return _give_up(frame, "not_understood", frame.reason or "the words found do not make a question "
                                                                  "the graph can answer")
    return _give_up(frame, "out_of_domain", "nothing in the question names anything the graph knows")


def _telling(relation: Mention, parse: Parse) -> bool:
    """Whether a relation word says something about the domain ('prevent', 'where') rather than being a
    light verb or preposition any question has ('make', 'in') - unless it is the question's last word."""
    words = relation.text.lower().split()
    if any(w in WH_WORDS for w in words):
        return True
    if not all(w in STOP_WORDS for w in words):
        return True
    last = max((i for i, w in enumerate(parse.words) if w.isalpha()), default=-1)
    return relation.end - 1 == last


# -- states -----------------------------------------------------------------------------------------

def _attach(states: list[Mention], things: list[Mention], lex: Lexicon) -> list[tuple[Mention, Mention]]:
    """Each state word with the nearest entity or class that can be in it ('weak hips', 'hamstring
    tightness', 'which muscles, when weak, ...')."""
    pairs = []
    for state in states:
        kinds = lex.states[state.iris[0]]
        fitting = [m for m in things if any((lex.is_a(i, k) if m.kind == "entity" else lex.compatible(i, k))
                                            for i in m.iris[:1 if m.kind == "class" else None] for k in kinds)]
        if fitting:
            pairs.append((state, min(fitting, key=lambda m: abs(m.start - state.start))))
    return pairs


def _state_holds(state: str, prop: str, entity_is_subject: bool, lex: Lexicon) -> bool:
    """Whether a relation speaks of a thing in the state: remedies it (thing as object) or
    follows from it (thing as subject: a weak muscle's weakness causes ...)."""
    if entity_is_subject:
        return lex.properties[prop].in_state == state
    return prop in lex.remedies.get(state, [])


def _nodes_of(reading: Reading, mention: Mention, lex: Lexicon) -> set[str]:
    """The nodes of a reading that stand for an entity mention, or for a class mention's members."""
    if mention.kind == "entity":
        return {n for n, node in reading.nodes.items() if node.iri in mention.iris}
    return {n for n, node in reading.nodes.items() if node.iri is None and node.cls
            and mention.iris[0] in lex.ancestors(node.cls)}


def _remedies(node: Node, lex: Lexicon) -> list[str]:
    """The relations that put a problem right: its own kg:remedy, or its classes'."""
    if node.iri:
        entity = lex.entity(node.iri)
        return lex.remedies.get(node.iri) or [r for t in (entity.types if entity else []) for r in lex.remedies.get(t, [])]
    return [r for t in lex.ancestors(node.cls) for r in lex.remedies.get(t, [])] if node.cls else []


def _fits(reading: Reading, states, lex: Lexicon) -> bool:
    """Whether every state named about a node is spoken of by one of its hops, and whether each
    general relation ("what helps ...") asked of a problem is the problem's remedy."""
    for state, mention in states:
        nodes = _nodes_of(reading, mention, lex)
        if nodes and not any(_state_holds(state.iris[0], h.prop, h.subject in nodes, lex)
                             for h in reading.hops if h.subject in nodes or h.object in nodes):
            return False
    for hop in reading.hops:
        if hop.mention is not None and hop.mention.general:
            remedies = _remedies(reading.nodes[hop.object], lex)
            if remedies and hop.prop not in remedies:
                return False
    return True


# -- accounting -------------------------------------------------------------------------------------

def _accounted(frame: Frame, lex: Lexicon) -> Frame:
    """Keep the readings (or checks) that explain every word that carries meaning; if none does,
    answer nothing and say which words were not understood."""
    from .account import account

    if not frame.understood:
        frame.account = account(frame.parse, lex, [])
        frame.explain += frame.account.lines(frame.parse)
        return frame
    if frame.type in ("relation", "count", "list", "value") or \
            frame.type == "yesno" and frame.checks and frame.checks[0].kind == "exists":
        first, kept = None, []
        for tier in [frame.readings, *frame.fallbacks][:MAX_TIERS]:
            found = account(frame.parse, lex, _used(frame, tier, lex))
            first = first or found
            if found.left:
                # Names the reading leaves out may still narrow its answer ("which muscles propel
                # you forward when you run?": those muscles, among the ones running engages).
                tier = _attach_rest(frame, tier, lex)
                found = account(frame.parse, lex, _used(frame, tier, lex)) if tier else found
            if not found.left:
                kept.append((tier, found))
        if not kept:
            return _unaccounted(frame, first, lex)
        frame.readings, frame.fallbacks = kept[0][0], [tier for tier, _ in kept[1:]]
        frame.account = kept[0][1]
    elif frame.checks and frame.checks[0].kind == "same":
        same = {i: "asks whether two names name one thing" for i, w in enumerate(frame.parse.words) if w == "same"}
        frame.account = account(frame.parse, lex, _used(frame, [], lex), same)
        if frame.account.left:
            return _unaccounted(frame, frame.account, lex)
    elif frame.type == "yesno" and frame.checks and frame.checks[0].kind == "triple":
        # Each check is one reading of the question: keep those that explain every word. "Alone"
        # qualifies the subject; the answer says what the graph knows of that.
        alone = {i: "asks whether it does so by itself" for i in _alone(frame.parse)}
        frame.alone = bool(alone)
        found = [(c, account(frame.parse, lex, _used(frame, [], lex, [c]), alone)) for c in frame.checks]
        kept = [(c, a) for c, a in found if not a.left]
        if not kept:
            return _unaccounted(frame, found[0][1], lex)
        frame.checks, frame.account = [c for c, _ in kept], kept[0][1]
    else:
        frame.account = account(frame.parse, lex, _used(frame, frame.readings, lex))
        if frame.account.left:
            return _unaccounted(frame, frame.account, lex)
    frame.explain += frame.account.lines(frame.parse)
    return frame


def _alone(parse: Parse) -> list[int]:
    """Positions of the words that say something does it by itself: "alone", "by itself", and
    "without (any) other <thing>"."""
    words = [(i, w) for i, w in enumerate(parse.words) if w.strip()]
    found = [i for i, w in words if w in ALONE]
    for k, (i, w) in enumerate(words):
        if w == "without":
            following = words[k + 1:k + 4]
            other = next((j for j, (_, x) in enumerate(following) if x in ("other", "another", "extra", "additional")),
                         None)
            if other is not None and other + 1 < len(following):
                found += [i] + [j for j, _ in following[:other + 2]]
    return found


def _attach_rest(frame: Frame, tier: list[Reading], lex: Lexicon) -> list[Reading]:
    """The tier's readings, each with the names it leaves out joined to one of its nodes: by a
    relation word next to the name if one fits, else by any relation the schema allows there."""
    parse = frame.parse
    used = {id(m) for m, _ in _used(frame, tier, lex)}
    rest = [m for m in parse.of("entity") if id(m) not in used and not lex.topic & set(m.iris)]
    free = [r for r in parse.of("relation") if id(r) not in used
            and any(carries_meaning(parse, i, lex) for i in range(r.start, r.end))]
    if not rest or len(rest) > 2:
        return []
    implied = lex.plain
    grown = tier
    for k, entity in enumerate(rest):
        near = [r for r in free if abs(r.start - entity.start) <= 3 or abs(entity.end - r.end) <= 3]
        attached = []
        for reading in grown:
            links = [link for r in near for link in _links(reading, entity, r.iris, r, lex)] or \
                    _links(reading, entity, implied, None, lex)
            for name, iri, prop, forward, mention in links[:6]:
                if len(attached) >= 36:
                    break
                node = f"e{k}"
                hop = Hop(name, prop, node, mention) if forward else Hop(node, prop, name, mention)
                attached.append(Reading({**reading.nodes, node: Node(iri=iri)}, [*reading.hops, hop], reading.answer))
        if not attached:
            return []
        grown = attached
    frame.explain.append("joined " + ", ".join(repr(e.text) for e in rest) + " to the reading: " + "; ".join(
        f"{_show(r, h.subject, lex)} {lex.label(h.prop)} {_show(r, h.object, lex)}" for r in grown[:3]
        for h in r.hops[len(r.hops) - len(rest):]))
    return grown


def _links(reading: Reading, entity: Mention, props: list[str], mention, lex: Lexicon):
    """(node, entity IRI, canonical property, node is subject, mention) for each way the entity
    fits a property with one of the reading's nodes."""
    iri = entity.iris[0]
    ends = []  # (canonical property, the class the node must fit, node is subject)
    for prop in dict.fromkeys(lex.canonical(p)[0] for p in props):
        p = lex.properties[prop]
        if p.datatype or p.abstract:
            continue
        if lex.is_a(iri, p.range):
            ends.append((prop, p.domain, True))
        if lex.is_a(iri, p.domain):
            ends.append((prop, p.range, False))
    found = {}
    for name, node in reading.nodes.items():
        for prop, cls, forward in ends:
            if lex.is_a(node.iri, cls) if node.iri else lex.compatible(node.cls, cls):
                found.setdefault((name, iri, prop, forward), (name, iri, prop, forward, mention))
    return list(found.values())


def _used(frame: Frame, readings: list[Reading], lex: Lexicon, checks=None) -> list[tuple[Mention, str]]:
    """The mentions a frame's readings, checks or entities use, each with what it stands for."""
    parse = frame.parse
    checks = frame.checks if checks is None else checks
    used = [(m, f"entity {lex.label(iri)}") for m, iri in frame.entities
            if not checks or any(m in c.uses for c in checks)]
    used += [(m, f"asks for its {lex.label(frame.value_prop)}") for m in frame.value_mentions]
    if frame.type == "path":
        ends = [m for m, _ in frame.entities]
        used += [(s, f"state {lex.label(s.iris[0])} of {m.text!r}") for s, m in frame.states if m in ends]
    for check in checks:
        used += [(m, f"{m.kind} {lex.label(check.prop) if m.kind == 'relation' and check.prop else lex.label(m.iris[0])}")
                 for m in check.uses if m.kind != "implied"]
        for state, entity in frame.states:
            if entity in check.uses and check.prop and \
                    _state_holds(state.iris[0], check.prop, check.subject in entity.iris, lex):
                used.append((state, f"state {lex.label(state.iris[0])}"))
        if check.state is not None:
            used.append((check.state, f"state {lex.label(check.state.iris[0])}, asked about"))
    for reading in readings:
        for name, node in reading.nodes.items():
            if node.iri:
                used += [(m, f"entity {lex.label(node.iri)}") for m in parse.mentions
                         if m.kind == "entity" and node.iri in m.iris]
            elif node.cls:
                if name == reading.answer and frame.answer_mention is not None \
                        and lex.compatible(node.cls, frame.answer_class):
                    used.append((frame.answer_mention, f"the class asked for: {lex.label(frame.answer_class)}"))
                used += [(m, f"class {lex.label(m.iris[0])}") for m in parse.of("class")
                         if m is not frame.answer_mention and node.cls in _below(m.iris[0], lex)]
        for hop in reading.hops:
            if hop.mention is not None:
                used.append((hop.mention, f"relation {lex.label(hop.prop)}"))
        for state, mention in frame.states:
            nodes = _nodes_of(reading, mention, lex)
            if any(_state_holds(state.iris[0], h.prop, h.subject in nodes, lex)
                   for h in reading.hops if h.subject in nodes or h.object in nodes):
                used.append((state, f"state {lex.label(state.iris[0])}"))
    return used + _described(parse, used, lex)


def _described(parse: Parse, used: list[tuple[Mention, str]], lex: Lexicon) -> list[tuple[Mention, str]]:
    """Class words that only describe a used name: 'the adductor group' (a muscle group), 'muscle
    functions' (functions of muscles), 'the runner's knee injury'."""
    found = []
    names = [m for m, _ in used]
    for c in parse.of("class"):
        for m in names:
            if m.kind == "entity" and (_next_to(parse, m, c) or _next_to(parse, c, m)) \
                    and any(lex.is_a(i, c.iris[0]) for i in m.iris):
                found.append((c, f"the class of {m.text!r}"))
            elif m.kind == "class" and m is not c and _next_to(parse, c, m):
                found.append((c, f"describes {m.text!r}"))
    return found



def _below(cls: str, lex: Lexicon) -> set[str]:
    """The class and every class beneath it."""
    return {c for c in lex.classes if cls in lex.ancestors(c)} | {cls}


def _unaccounted(frame: Frame, found, lex: Lexicon) -> Frame:
    """Nothing answered: some words carry meaning that no reading explains."""
    parse = frame.parse
    frame.account = found
    frame.explain += found.lines(parse)
    runs, current = [], []
    for i in found.left:
        if current and any(parse.words[j].strip() for j in range(current[-1] + 1, i)):
            runs.append(current)
            current = []
        current.append(i)
    runs.append(current)
    texts = [parse.question[parse_char(parse, run[0]):parse_char(parse, run[-1], end=True)] for run in runs]
    strange = [t for t, run in zip(texts, runs) if any(parse.norms[i] not in lex.vocabulary for i in run)]
    frame.readings, frame.fallbacks, frame.checks = [], [], []
    if strange:
        return _unknown_term(frame, strange[0], _expected_class([], frame.answer_class, lex), lex)
    return _give_up(frame, "not_understood", "I could not fit " + _join_words(texts) +
                    " into a question the graph can answer")


def parse_char(parse: Parse, i: int, end: bool = False) -> int:
    """The character offset in the question where the token at ``i`` starts (or ends)."""
    return parse.offsets[i] + (len(parse.words[i]) if end else 0)


def _join_words(texts: list[str]) -> str:
    quoted = [repr(t) for t in texts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


# -- helpers ----------------------------------------------------------------------------------------

def _relations(parse: Parse, classes: list[Mention], lex: Lexicon) -> tuple[list[Mention], list[Mention]]:
    """The relation words that carry the question: (strong, weak).

    A word that is both a class and a relation ('exercises', 'function') is read as the class; the
    schema then finds the properties linking it to the entities named. Phrases made only of
    prepositions or question words ('in', 'when') are weak: they mostly join the others.
    """
    alone = set(_alone(parse))
    relations = [r for r in parse.of("relation")
                 if not any((c.start, c.end) == (r.start, r.end) for c in classes)
                 and not all(i in alone for i in range(r.start, r.end))]  # "without other training"
    for r in relations:
        # A general relation no fact states ("help") is asked as the specific ones beneath it.
        _expand(r, lex)
    # The question word itself ("where are ...") is what is asked, so it is never weak.
    for r, after in zip(relations, relations[1:]):
        if r.general and all(w in ("to",) or w in PRONOUNS or not w.strip() for w in parse.words[r.end:after.start]):
            # "help prevent", "helps you strengthen": a general verb leading a specific one is
            # part of it, not a relation of its own.
            after.also.append((r.start, r.end))
            r.kind = "absorbed"
    for r in relations:
        following = [m for m in parse.of("state") if m.start > r.start]
        state = min(following, key=lambda m: m.start) if following else None
        speaks_of = state is not None and any(
            lex.properties[i].in_state == state.iris[0] or i in lex.remedies.get(state.iris[0], []) for i in r.iris)
        if state is not None and not speaks_of and r.end - r.start == 1 and all(
                not w.strip() or grammatical(w) for w in parse.words[r.end:state.start]):
            # "feel tight", "get stiff": a verb that only says something is in a state.
            state.also.append((r.start, r.end))
            r.kind = "absorbed"
        if r.start == parse.request_at:
            r.kind = "absorbed"  # "what should I do?" asks for an action, not for a relation
    relations = [r for r in relations if r.kind == "relation"]
    # Prepositions and question words ("in", "when"), and light verbs ("get", "make", "do"), mostly
    # join the other words: a reading may use them, or leave them as grammar.
    weak = [r for r in relations if (all(w in FUNCTION_WORDS for w in r.text.lower().split()) or _light(parse, r))
            and not (r.text.lower() == parse.qword and r.text.lower() in WH_WORDS) and not r.also]
    strong = [r for r in relations if r not in weak]
    # The question word and a relation word for the same thing are one hop ("where ... located").
    asked = [r for r in strong if r.text.lower() == parse.qword]
    if asked:
        families = {lex.canonical(i)[0] for i in asked[0].iris}
        twins = [r for r in strong if r is not asked[0] and families & {lex.canonical(i)[0] for i in r.iris}]
        if twins:
            strong = [r for r in strong if r is not asked[0]]
    return strong, _merge(weak, lex)


def _expand(mention: Mention, lex: Lexicon) -> Mention:
    """A general relation no fact states ("help") read as the specific ones beneath it, and as
    the relations outside it that share its words ("help with" an outcome: results in)."""
    general = [i for i in mention.iris if lex.properties[i].abstract]
    if general:
        mention.general = True
        mention.iris = list(dict.fromkeys(s for i in mention.iris
                                          for s in (lex.subs.get(i, []) if i in general else [i])))
        words = {phrase for i in general for phrase in lex.properties[i].phrases}
        domains = [lex.properties[i].domain for i in general]
        mention.iris += [p.iri for p in lex.properties.values() if p.iri not in mention.iris and not p.datatype
                         and not p.abstract and words & set(p.phrases)
                         and any(lex.compatible(p.domain, d) for d in domains)]
    return mention


def _light(parse: Parse, mention: Mention) -> bool:
    """Whether a relation's words are light verbs or prepositions only ("getting", "make", "in")."""
    return all(parse.norms[i] in LIGHT_VERBS or parse.words[i] in FUNCTION_WORDS or not parse.words[i].strip()
               for i in range(mention.start, mention.end))


def _merge(relations: list[Mention], lex: Lexicon) -> list[Mention]:
    """One mention per relation: 'weakness ... cause' name the same property twice."""
    merged: list[Mention] = []
    for m in relations:
        families = {lex.canonical(i)[0] for i in m.iris}
        twin = next((r for r in merged if families & {lex.canonical(i)[0] for i in r.iris}), None)
        if twin is not None:
            twin.iris = [i for i in twin.iris if lex.canonical(i)[0] in families]
            twin.also += [(m.start, m.end), *m.also]
            continue
        merged.append(Mention(m.kind, m.start, m.end, m.text, list(m.iris), m.start_char, m.end_char,
                              list(m.best), list(m.also), m.general))
    return merged


def _answer_class(parse, classes, relations, entities) -> Mention | None:
    """The class the answer must belong to: the one named where the question asks.

    That is the class right after the question word or command ('which exercises', 'how many
    injuries', 'list all muscles'), or in a command or bare phrase the one named; else the first
    class named before any relation or entity. Of class words in a row ('muscle functions') the
    last is the head.
    """
    if not classes or parse.qword in ("where", "when", "why"):
        return None
    heads = _heads(classes, parse)
    asked = [c for c in heads if _right_after_question(parse, c)]
    if asked:
        return asked[0]
    if parse.form in ("command", "fragment") or not relations:
        return heads[0]
    first = heads[0]
    before_relation = not relations or first.start < relations[0].start
    before_entity = not entities or first.start < entities[0].start
    if (before_relation and before_entity) or not entities:
        return first
    return None


def _heads(classes: list[Mention], parse: Parse) -> list[Mention]:
    """Class mentions, keeping only the last of each run of adjacent ones ('muscle functions')."""
    heads: list[Mention] = []
    for c in classes:
        if heads and _next_to(parse, heads[-1], c):
            heads[-1] = c
        else:
            heads.append(c)
    return heads


def _right_after_question(parse: Parse, mention: Mention) -> bool:
    """Whether only fillers separate the mention from the question word or command."""
    openers = WH_WORDS | COMMANDS | HOW_MODIFIERS | LISTING | {"me", "us", "of", "are", "is", "do", "does"}
    i = mention.start - 1
    while i >= 0 and (not parse.words[i].strip() or parse.words[i] in {"the", "a", "an", "all", "every", "some",
                                                                         "any", "other"}):
        i -= 1
    return i >= 0 and parse.words[i] in openers


def _is_own_class(entities, cls, lex) -> bool:
    return any(lex.is_a(iri, cls) for e in entities for iri in e.iris)


def _narrower(a: str | None, b: str | None, lex: Lexicon) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if a in lex.ancestors(b) else a


def _inside(m: Mention, others: list[Mention]) -> bool:
    return any(o.start <= m.start and m.end <= o.end for o in others)


def _show(reading, name, lex):
    node = reading.nodes[name]
    if node.iri:
        return lex.label(node.iri)
    return f"?{name}" + (f" ({lex.label(node.cls)})" if node.cls else "")


def _expected_class(relations, answer_class, lex) -> str | None:
    """The class an unknown term was probably meant to be: the relation's other end."""
    for r in relations:
        p = lex.properties[r.iris[0]]
        for end in (p.range, p.domain):
            if end and end != answer_class:
                return end
    return None


def _closest(term: str, expected: str | None, lex: Lexicon, n: int = 5) -> list[str]:
    """Entities whose names are closest to ``term``; of the expected class first.

    Candidates are the entities sharing a word with the term and, if a class is expected, some of
    its members; then difflib ranks them by spelling. The graph may be large, so nothing scans it.
    """
    import difflib

    term = term.lower()
    words = {lex.lemma(w) for w in re.findall(r"[a-z0-9]+", term)}
    candidates = list(dict.fromkeys(lex.containing(words, every=False)[:200] +
                                    (lex.members(expected, 200) if expected else [])))
    scored = []
    for iri in candidates:
        entity = lex.entity(iri)
        best = max(difflib.SequenceMatcher(None, term, name.lower()).ratio() for name in entity.names)
        scored.append((lex.is_a(iri, expected) if expected else False, best, iri))
    scored.sort(reverse=True)
    if expected and any(fits for fits, _, _ in scored):
        return [iri for fits, _, iri in scored if fits][:n]
    return [iri for _, score, iri in scored[:n] if score > 0.5]


def _containing(words: set[str], lex: Lexicon, every: bool) -> list[str]:
    """Entities with a name that contains every (or any) of the lemmas, most words first."""
    return lex.containing(words, every)

"""Parse -> Frame: what the question asks, decided from the schema rather than from sentences.

The types of the entities found, the relation words and their properties' domains and ranges, the
question word and the class the answer must belong to decide which properties link what, in which
direction, and over how many hops. A frame is data: the compiler turns it into SPARQL.
"""

import itertools
import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .grammar import ARTICLES, COMMANDS, DO_SUPPORT, FUNCTION_WORDS, HOW_MODIFIERS, LISTING, WH_WORDS
from .lexicon import Lexicon
from .parse import Mention, Parse


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
    phrase: str = ""


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
    prop: str | None = None         # canonical property, or None for "any property"
    object: str | None = None       # entity IRI (triple), class IRI (type)


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
    unknown: str | None = None
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    explain: list[str] = field(default_factory=list)

    @property
    def understood(self) -> bool:
        return self.type not in ("ambiguous", "unknown_term", "out_of_domain", "not_understood")


def build(parse: Parse, lex: Lexicon) -> Frame:
    """Decide what ``parse`` asks."""
    frame = Frame("not_understood", parse)
    frame.explain.append(f"form: {parse.form}" + (f", question word: {parse.qword}" if parse.qword else ""))
    for m in parse.mentions:
        frame.explain.append(f"{m.kind}: {m.text!r} -> " + ", ".join(lex.label(i) for i in m.iris))
    for typed, fixed in parse.corrections:
        frame.explain.append(f"spelling: {typed!r} read as {fixed!r}")
    if not parse.content:
        return _give_up(frame, "not_understood", "the question has no words")

    entities = parse.of("entity")
    classes = [m for m in parse.of("class") if not _inside(m, entities)]
    strong, weak = _relations(parse, classes, lex)
    relations = _merge(strong, lex) or weak
    answer_class = _answer_class(parse, classes, relations, entities)
    frame.answer_class = answer_class
    slot_classes = [c for c in _heads(classes, parse) if c.iris[0] != answer_class]

    if _foreign(parse, relations):
        return _give_up(frame, "out_of_domain", "most of the question's words name nothing the graph knows")
    ambiguous = _ambiguous_name(parse, entities, lex)
    if ambiguous:
        return ambiguous(frame)
    compound = _unknown_compound(parse, entities)
    if compound is not None:
        return _unknown_term(frame, compound, _expected_class(relations, answer_class, lex), lex)

    if parse.negated and parse.form in ("wh", "command") and relations:
        return _give_up(frame, "not_understood", "questions about what is NOT related are not supported: the "
                                                 "graph records what is, so it cannot list what is not")
    if parse.path_words and len(entities) >= 2:
        return _path(frame, entities[:2], lex)
    if parse.defining and entities and not strong and not parse.unknown and parse.form != "yesno":
        return _definition(frame, entities, lex)
    if parse.form == "yesno":
        return _yes_no(frame, entities, relations, classes, lex)
    if entities and relations:
        return _relation(frame, entities, strong, weak, answer_class, slot_classes, lex)
    if relations and slot_classes and not parse.unknown:
        # "which exercises prevent injuries?": a class fills the entity's place.
        return _relation(frame, [], strong, weak, answer_class, slot_classes, lex)
    if entities:
        if answer_class is not None and not _is_own_class(entities, answer_class, lex):
            return _connect(frame, entities, answer_class, lex)
        if parse.unknown:
            # A known name among words the graph does not know: not a question about that name.
            return _not_found(frame, relations, answer_class, lex)
        return _definition(frame, entities, lex)
    if answer_class is not None and not parse.unknown:
        # "list all exercises", "what outcomes are covered?": nothing for a relation to start from.
        return _list(frame, answer_class, lex)
    return _not_found(frame, relations, answer_class, lex)


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
    if len(relations) == 1 and len(entities) == 2 and answer_class is None and \
            _opposite_ends(entities, relations[0], lex):
        # "what does running do for weight loss?": both ends are named, so the link itself is asked.
        frame.explain.append("both ends of the relation are named: show how they connect")
        return _path(frame, entities, lex)
    if len(relations) == 1 and len(entities) > 1:
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
    if strong and weak:
        # A preposition or question word ("between", "when") may say what the others did not.
        for relation in weak:
            for entity in entities or [anchor]:
                tiers += _chain(frame, entity, [relation], answer_class, slot_classes, lex)
    if not (len(relations) == 1 and len(entities) > 1):
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
    pairs = [pair for pair in pairs if first[(tuple(pair[0].iris), tuple(pair[1].iris))] is pair]  # once each
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
                            hop.phrase))
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
                hops.append(Hop(rename[hop.subject], hop.prop, rename[hop.object], hop.phrase))
        frame.explain.append("answers must hold for every entity named (both)")
        return [[Reading(nodes, hops)]]
    return [[reading for readings in per_entity for reading in readings]]


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
    options = []
    for props in itertools.product(*[r.iris for r in ordered]):
        for directions in itertools.product((True, False), repeat=len(ordered)):
            scored = _score(anchor, ordered, props, directions, answer_class, intermediate, lex, parse)
            if scored is not None:
                options.append(scored)
    return options


def _implied(lex: Lexicon, cls: str) -> Mention:
    """A hop no word names, implied by a class word: any property that can reach the class."""
    props = [p.iri for p in lex.properties.values() if p.canonical and not p.datatype
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
                    return None
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
        hops.append(Hop(s, canonical, o, relation.text))
        current = name
    return score, Reading(nodes, hops)


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
        first, second = entities[0], entities[1]
        checks = []
        for relation in relations:
            passive = any(i in parse.passive_at for i in range(relation.start, relation.end))
            for prop in relation.iris:
                p = lex.properties[prop]
                if p.datatype:
                    continue
                # The schema decides which is the subject; where both fit, the first named is (the
                # second, in the passive).
                options = [(s_m is first, s, o) for s_m, o_m in ((first, second), (second, first))
                           for s in s_m.iris for o in o_m.iris if lex.is_a(s, p.domain) and lex.is_a(o, p.range)]
                if not options:
                    continue
                _, s, o = ([x for x in options if x[0] != passive] or options)[0]
                canonical, flipped = lex.canonical(prop)
                checks.append(Check("triple", o if flipped else s, canonical, s if flipped else o))
        if not checks:
            # No relation word fits both: any property linking them, either way, answers.
            checks = [Check("triple", first.iris[0], None, second.iris[0])]
            frame.explain.append("no relation word fits both: any link between them counts")
        chosen = {checks[0].subject, checks[0].object}
        frame.entities = [(m, next((i for i in m.iris if i in chosen), m.iris[0])) for m in (first, second)]
        frame.checks = checks
        for c in checks:
            frame.explain.append(f"check: {lex.label(c.subject)} "
                                 f"{lex.label(c.prop) if c.prop else '(any relation)'} {lex.label(c.object)}")
        return frame
    if len(entities) == 1:
        entity = entities[0]
        values = [iri for r in relations for iri in r.iris if lex.properties[iri].datatype
                  and any(lex.is_a(e, lex.properties[iri].domain) for e in entity.iris)]
        if values:
            subject = next(e for e in entity.iris if lex.is_a(e, lex.properties[values[0]].domain))
            frame.entities = [(entity, subject)]
            frame.checks = [Check("value", subject, values[0])]
            return frame
        if classes and not relations:
            cls = _heads(classes, parse)[-1].iris[0]
            frame.entities = [(entity, entity.iris[0])]
            frame.checks = [Check("type", entity.iris[0], None, cls)]
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
            if prop.datatype or not prop.canonical:
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
                      and m.end - m.start == 1), None)
        before = next((w for w in reversed(parse.words[:entity.start]) if w.strip() and w not in ARTICLES), "")
        if after is None or before in DO_SUPPORT or before in WH_WORDS:
            continue  # "does running tone ...": the word after the name is its verb
        word = parse.norms[after.start]
        holders = [iri for iri in _containing({word}, lex, every=True) if iri not in entity.iris]
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


# -- helpers ----------------------------------------------------------------------------------------

def _relations(parse: Parse, classes: list[Mention], lex: Lexicon) -> tuple[list[Mention], list[Mention]]:
    """The relation words that carry the question: (strong, weak).

    A word that is both a class and a relation ('exercises', 'function') is read as the class; the
    schema then finds the properties linking it to the entities named. Phrases made only of
    prepositions or question words ('in', 'when') are weak: they mostly join the others.
    """
    relations = [r for r in parse.of("relation")
                 if not any((c.start, c.end) == (r.start, r.end) for c in classes)]
    # The question word itself ("where are ...") is what is asked, so it is never weak.
    weak = [r for r in relations if all(w in FUNCTION_WORDS for w in r.text.lower().split())
            and not (r.text.lower() == parse.qword and r.text.lower() in WH_WORDS)]
    strong = [r for r in relations if r not in weak]
    # The question word and a relation word for the same thing are one hop ("where ... located").
    asked = [r for r in strong if r.text.lower() == parse.qword]
    if asked:
        families = {lex.canonical(i)[0] for i in asked[0].iris}
        twins = [r for r in strong if r is not asked[0] and families & {lex.canonical(i)[0] for i in r.iris}]
        if twins:
            strong = [r for r in strong if r is not asked[0]]
    return strong, _merge(weak, lex)


def _merge(relations: list[Mention], lex: Lexicon) -> list[Mention]:
    """One mention per relation: 'weakness ... cause' name the same property twice."""
    merged: list[Mention] = []
    for m in relations:
        families = {lex.canonical(i)[0] for i in m.iris}
        twin = next((r for r in merged if families & {lex.canonical(i)[0] for i in r.iris}), None)
        if twin is not None:
            twin.iris = [i for i in twin.iris if lex.canonical(i)[0] in families]
            continue
        merged.append(Mention(m.kind, m.start, m.end, m.text, list(m.iris), m.start_char, m.end_char))
    return merged


def _answer_class(parse, classes, relations, entities) -> str | None:
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
        return asked[0].iris[0]
    if parse.form in ("command", "fragment") or not relations:
        return heads[0].iris[0]
    first = heads[0]
    before_relation = not relations or first.start < relations[0].start
    before_entity = not entities or first.start < entities[0].start
    if (before_relation and before_entity) or not entities:
        return first.iris[0]
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

"""The search for readings of a question that asks for things: chains of relations from a name
out to the answer, each property and direction weighed against the schema (the anchor's types,
the answer's class, word order), grouped in tiers by score.
"""

import itertools
import math

from .frame import Frame, Hop, Node, Reading, show_node
from .grammar import WH_WORDS
from .lexicon import Lexicon
from .parse import Mention, Parse
from .refuse import give_up, not_found
from .states import fits_states
from .words import joined, merge_relations, narrower


#: The most assignments of properties and directions weighed for one order of relation words.
MAX_COMBINATIONS = 4096
#: The longest reading, in hops; the suites' longest questions need three.
MAX_HOPS = 4


def relation_frame(frame, entities, strong, weak, answer_class, slot_classes, lex):
    """Entities (or a class standing for any member) joined to the answer through relations."""
    relations = strong or weak
    if not strong and entities and answer_class is not None:
        # Only prepositions link the words. One right before an entity may name its relation to the
        # answer ("which muscles are in the adductor group?"); otherwise the answer class and the
        # entity speak for themselves ("the job of the quads in running").
        tiers = [t for r in weak for e in entities if e.start in (r.end, r.end + 1)
                 for t in chain(frame, e, [r], answer_class, slot_classes, lex)]
        connected = connect_frame(Frame(frame.type, frame.parse, explain=frame.explain), entities, answer_class, lex)
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
    coordinated = len(relations) == 1 and len(entities) > 1 and joined(frame.parse, entities)
    if coordinated:
        tiers = _coordinated(frame, entities, relations[0], answer_class, lex)
        anchor = entities[0]
    else:
        anchor = entities[0] if entities else slot_classes[0]
        if len(entities) > 1:
            anchor = min(entities, key=lambda e: min(abs(e.start - r.start) for r in relations))
        tiers = chain(frame, anchor, relations, answer_class, slot_classes, lex)
        merged = merge_relations(relations, lex)
        if len(merged) < len(relations):
            # The same relation named twice ("weakness ... cause", "exercises for stronger ...") may
            # be one hop, not two; that reading explains the words with less, so it comes first.
            tiers = chain(frame, anchor, merged, answer_class, slot_classes, lex) + tiers
            relations = merged
        if len(relations) > 1:
            # If the words do not chain in the graph ("what helps tight hamstrings?"), the one
            # nearest the anchor speaks alone.
            for relation in sorted(relations, key=lambda r: abs(r.start - anchor.start)):
                tiers += chain(frame, anchor, [relation], answer_class, slot_classes, lex)
        for other in entities:
            # The nearest name may be said in passing ("why do runners get runner's knee?"): the
            # others may anchor the reading instead (accounting for every word decides).
            if other is not anchor:
                tiers += chain(frame, other, relations, answer_class, slot_classes, lex)
                for relation in sorted(relations, key=lambda r: abs(r.start - other.start)) if len(relations) > 1 else []:
                    tiers += chain(frame, other, [relation], answer_class, slot_classes, lex)
    if strong and weak:
        # A preposition or question word ("between", "when") may say what the others did not.
        for relation in weak:
            for entity in entities or [anchor]:
                tiers += chain(frame, entity, [relation], answer_class, slot_classes, lex)
    if not coordinated:
        # Last resort: a hop no word names, implied by the class words.
        tiers += chain(frame, anchor, relations, answer_class, slot_classes, lex, implied=True)
    if not tiers:
        if entities and answer_class is not None:
            return connect_frame(frame, entities, answer_class, lex)
        frame.reason = ("the words " + ", ".join(repr(r.text) for r in relations) + " do not fit "
                        + ", ".join(lex.label(e.iris[0]) for e in entities or slot_classes))
        return not_found(frame, relations, answer_class, lex)
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
        tiers = chain(Frame("relation", frame.parse), entity, [relation], answer_class, [], lex)
        if not tiers:
            return []
        reading = tiers[0][0]
        # Every node but the answer is this pair's own (the name, and any node between).
        rename = {name: name if name == "answer" else f"{name}_{k}" for name in reading.nodes}
        for name, node in reading.nodes.items():
            if name != "answer":
                nodes[rename[name]] = node
        if reading.nodes["answer"].cls and (nodes["answer"].cls is None or
                                            reading.nodes["answer"].cls not in lex.ancestors(nodes["answer"].cls)):
            nodes["answer"] = Node(cls=narrower(nodes["answer"].cls, reading.nodes["answer"].cls, lex))
        for hop in reading.hops:
            hops.append(Hop(rename[hop.subject], hop.prop, rename[hop.object], hop.mention))
    frame.explain.append("each relation word with its own entity, one answer for all: " + "; ".join(
        f"{r.text!r} + {e.text!r}" for r, e in pairs))
    return [[Reading(nodes, hops)]]


def list_frame(frame, answer_class, lex):
    frame.type = "count" if frame.parse.counting else "list"
    frame.readings = [Reading({"answer": Node(cls=answer_class)}, [])]
    frame.explain.append(f"list the members of {lex.label(answer_class)}")
    return frame


def _coordinated(frame, entities, relation, answer_class, lex) -> list[list[Reading]]:
    """'What prevents ITBS and runner's knee?': one relation, several entities in the same place."""
    per_entity = []
    for entity in entities:
        tiers = chain(frame, entity, [relation], answer_class, [], lex)
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


def opposite_ends(entities, relation, lex) -> bool:
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


def chain(frame, anchor: Mention, relations, answer_class, slot_classes, lex, implied=False) -> list[list[Reading]]:
    """Hops from the anchor (an entity, or a class standing for any member) out to the answer.

    The relation nearest the anchor applies to it; each further relation applies to the result of
    the one before. Every candidate property and direction is scored by how well the schema fits
    (the anchor's types against the domain or range, the answer class against the far end, word
    order where both directions fit). Readings come back in tiers, best score first; the answerer
    uses the first tier the graph can answer.
    """
    if len(relations) + implied > MAX_HOPS:
        return []  # more hops than any question asks: word salad, or several questions at once
    ordered = sorted(relations, key=lambda r: abs(r.start - anchor.start))
    intermediate = [c for c in slot_classes if c is not anchor]
    options = _options(anchor, ordered, answer_class, intermediate, lex, frame.parse)
    if not options and len(ordered) > 1:
        # Nearest is not always first ("the muscles used while standing stabilize"): any order the
        # schema accepts will do.
        tried = {tuple(tuple(r.iris) for r in ordered)}
        for order in itertools.permutations(ordered):
            key = tuple(tuple(r.iris) for r in order)  # the same words swapped read the same
            if key not in tried:
                tried.add(key)
                options += _options(anchor, list(order), answer_class, intermediate, lex, frame.parse)
    if not options and implied:
        return _implied_tiers(frame, anchor, ordered, answer_class, intermediate, lex)
    return _tiers(frame, options, lex)


def _tiers(frame, options, lex) -> list[list[Reading]]:
    """Readings grouped by score, best first; the best tier goes into the explanation."""
    tiers: dict[float, list[Reading]] = {}
    seen = set()
    options = [(score, reading) for score, reading in options if fits_states(reading, frame.states, lex)]
    for score, reading in sorted(options, key=lambda o: -o[0]):
        key = tuple((h.subject, h.prop, h.object) for h in reading.hops) + tuple(
            (n, node.iri, node.cls) for n, node in sorted(reading.nodes.items()))
        if key not in seen:
            seen.add(key)
            tiers.setdefault(score, []).append(reading)
    ranked = [tiers[s] for s in sorted(tiers, reverse=True)]
    for reading in ranked[0] if ranked else []:
        frame.explain.append("reading: " + " . ".join(
            f"{show_node(reading, h.subject, lex)} {lex.label(h.prop)} {show_node(reading, h.object, lex)}"
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
                        any(lex.is_a(iri, near) for iri in anchor.iris) or proxy(anchor.iris, near, lex) is not None
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
                    bridge = proxy(anchor.iris, near, lex)
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
        if last and not forward and not implied and relation.text.lower() == parse.qword:
            # The question word asks for the far end of the property it is a phrase of ("where":
            # the region a muscle is located in, not the muscles located in a region).
            return None
        name = "answer" if last else f"x{i + 1}"
        nodes[name] = Node(cls=far)
        if last and answer_class is not None:
            if not lex.compatible(far, answer_class):
                return None
            nodes[name] = Node(cls=narrower(far, answer_class, lex))
            score += 2
        elif not last and intermediate:
            cls = intermediate[min(i, len(intermediate) - 1)].iris[0]
            if lex.compatible(far, cls):
                nodes[name] = Node(cls=narrower(far, cls, lex))
                score += 1
            elif implied:
                return None
        s, o = (current, name) if forward else (name, current)
        if flipped:
            s, o = o, s
        hops.append(Hop(s, canonical, o, None if implied else relation))
        current = name
    return score, Reading(nodes, hops)


def proxy(iris: list[str], needed: str | None, lex: Lexicon) -> tuple[str, str, str] | None:
    """(entity, property, class) when a name may stand for the things of ``needed`` class that a
    kg:proxy relation links to it: a body region for the muscles in it, a piece of equipment for
    the activities that use it."""
    for iri in iris:
        for p in lex.properties.values():
            if p.proxy and p.canonical and lex.is_a(iri, p.range) and lex.compatible(p.domain, needed):
                return iri, p.iri, narrower(p.domain, needed, lex)
    return None


def _anchor_is_subject(anchor: Mention, relation: Mention, parse: Parse) -> bool:
    """Word order: named before the relation word, the anchor is its subject (unless passive)."""
    if relation.text.lower() in WH_WORDS:
        return True  # the question word is fronted: "where is X" asks about X
    if relation.start >= 1 and parse.words[relation.start - 1] in WH_WORDS and anchor.start > relation.end + 1:
        # Fronted with the question word and kept apart from the name ("what type of exercise is
        # X?"): the question word stands in the phrase's object, so the name is its subject.
        return True
    first = anchor.start < relation.start
    if any(i in parse.passive_at for i in range(relation.start, relation.end)):
        first = not first
    return first


def definition_frame(frame, entities, lex):
    entity = entities[0]
    frame.type = "definition"
    frame.entities = [(entity, entity.iris[0])]
    frame.explain.append(f"define {lex.label(entity.iris[0])}")
    return frame


def connect_frame(frame, entities, answer_class, lex, subject=False):
    """An entity and an answer class but no relation word: every property that links the two
    (``subject``: only those whose subject is the answer)."""
    entity = entities[0]
    readings = []
    for iri in entity.iris[:1]:
        for prop in lex.properties.values():
            if prop.datatype or not prop.canonical or prop.abstract:
                continue
            if lex.is_a(iri, prop.domain) and lex.compatible(prop.range, answer_class) and not subject:
                readings.append(Reading({"n0": Node(iri=iri), "answer": Node(cls=narrower(prop.range, answer_class, lex))},
                                        [Hop("n0", prop.iri, "answer")]))
            if lex.is_a(iri, prop.range) and lex.compatible(prop.domain, answer_class):
                readings.append(Reading({"n0": Node(iri=iri), "answer": Node(cls=narrower(prop.domain, answer_class, lex))},
                                        [Hop("answer", prop.iri, "n0")]))
    if not readings:
        return not_found(frame, [], answer_class, lex)
    frame.type = "count" if frame.parse.counting else "relation"
    frame.readings = readings
    frame.explain.append(f"no relation word: every property linking {lex.label(answer_class) if answer_class else 'anything'} and "
                         f"{lex.label(entity.iris[0])} ({len(readings)})")
    return frame


def choice_frame(frame, choice, relations, answer_class, lex):
    """ "Which is stronger, quads or hamstrings?": the names offered that stand in the relation to
    another of them, the one asked for as its subject (what "is stronger")."""
    frame.type = "relation"
    frame.readings = []
    for relation in relations:
        for prop in relation.iris:
            p = lex.properties[prop]
            if p.datatype or p.abstract:
                continue
            stated, flipped = lex.canonical(prop)
            for other in choice:
                if lex.is_a(other.iris[0], p.range) and lex.compatible(answer_class, p.domain):
                    hop = Hop("n0", stated, "answer", relation) if flipped else Hop("answer", stated, "n0", relation)
                    frame.readings.append(Reading({"answer": Node(cls=answer_class), "n0": Node(iri=other.iris[0])},
                                                  [hop]))
    frame.entities = [(m, m.iris[0]) for m in choice]
    return frame if frame.readings else not_found(frame, relations, answer_class, lex)


def value_frame(frame, entities, mentions, lex):
    """A literal value (minutes, how often) of an entity, or of what one hop from an entity reaches."""
    prop = next(i for m in mentions for i in m.iris if lex.properties[i].datatype)
    domain = lex.properties[prop].domain
    entity = entities[0]
    frame.type = "value"
    frame.value_prop, frame.value_mentions = prop, [m for m in mentions if prop in m.iris]
    if lex.is_a(entity.iris[0], domain):
        frame.readings = [Reading({"answer": Node(iri=entity.iris[0])}, [])]
    else:
        connected = connect_frame(Frame("relation", frame.parse), [entity], domain, lex)
        frame.readings = connected.readings
    frame.explain.append(f"the value of {lex.label(prop)} for {lex.label(entity.iris[0])}")
    return frame if frame.readings else not_found(frame, [], domain, lex)


def members_frame(frame, entity, lex):
    """ "How many calf muscles are there?": a group named alone and counted means its members, by
    the properties the graph marks as membership (kg:membership). None when there are none."""
    props = [p for p in lex.properties.values() if p.membership and any(lex.is_a(i, p.range) for i in entity.iris[:1])]
    if not props:
        return None
    frame.type = "count"
    frame.readings = []
    for p in props:  # member -> group, asked in the direction the facts are stated
        stated, flipped = lex.canonical(p.iri)
        hop = Hop("n0", stated, "answer") if flipped else Hop("answer", stated, "n0")
        frame.readings.append(Reading({"n0": Node(iri=entity.iris[0]), "answer": Node(cls=p.domain)}, [hop]))
    frame.explain.append(f"counted alone, {lex.label(entity.iris[0])} means its members")
    return frame


def path_frame(frame, entities, lex):
    ends = [m.iris[0] for m in entities]
    if len(ends) == 2 and ends[0] == ends[1]:
        # Two names for one thing ("the adductors" and "the inner thigh"): another meaning of
        # either, if it has one; else there is no connection to show.
        other = next((i for m in reversed(entities) for i in m.iris[1:] if i != ends[0]), None)
        if other is None:
            return give_up(frame, "not_understood", f"{entities[0].text!r} and {entities[1].text!r} both name "
                                                    f"{lex.label(ends[0])}; ask how it relates to something else")
        ends[1 if other in entities[1].iris else 0] = other
    frame.type = "path"
    frame.entities = [(m, iri) for m, iri in zip(entities, ends)]
    frame.explain.append("how two things are related: shortest paths in the graph")
    return frame

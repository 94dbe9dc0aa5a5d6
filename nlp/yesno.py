"""Yes/no questions: the triples to check, in the direction the schema and word order give; a
class asked about; a value; or whether any answer exists.
"""

import itertools

from kg import terms

from .frame import Check, Frame, Node
from .lexicon import Lexicon
from .parse import Mention, Parse
from .refuse import expected_class, give_up, not_found, unknown_term
from .search import proxy, relation_frame
from .states import remedies_of, state_holds
from .words import class_heads


def yes_no_frame(frame, entities, relations, classes, lex):
    frame.type = "yesno"
    parse = frame.parse
    if parse.unknown and len(entities) < 2:
        # "does swimming tone the thighs?": the thing asked about is not in the graph.
        return unknown_term(frame, parse.unknown[0].text, expected_class(relations, None, lex), lex)
    if len(entities) >= 2:
        if not relations:
            # "does running burn calories?", "are the glutes thigh muscles?": no relation word, so
            # the names alone say what is asked; any relation the schema allows between them.
            relations = [Mention("implied", -1, -1, "", [p.iri for p in lex.properties.values() if p.canonical
                                                         and not p.datatype and not p.abstract])]
        checks = [c for relation in relations for c in triple_checks(parse, entities, relation, lex)]
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
            return give_up(frame, "not_understood", f"no relation in my sources links {names} as the question asks")
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
        if classes and not relations and not _existential(parse):
            cls = class_heads(classes, parse)[-1]
            frame.entities = [(entity, entity.iris[0])]
            frame.checks = [Check("type", entity.iris[0], None, cls.iris[0], [entity, cls])]
            return frame
        if relations:
            # "Does running engage any muscles?": is there at least one answer?
            found = relation_frame(Frame("relation", parse), [entity], relations, [],
                              class_heads(classes, parse)[0].iris[0] if classes else None, [], lex)
            if found.readings:
                frame.readings, frame.fallbacks = found.readings, found.fallbacks
                frame.entities = [(entity, found.readings[0].nodes["n0"].iri)]
                frame.checks = [Check("exists", found.readings[0].nodes["n0"].iri)]
                return frame
    return not_found(frame, relations, None, lex)


def _existential(parse: Parse) -> bool:
    """ "is there any benefit to ...?", "are there exercises for ...?": asks whether something of
    the class exists in some relation the words leave open, not whether the name is of the class."""
    content = [w for w in parse.words if w.strip() and any(c.isalnum() for c in w)]
    return content[1:2] == ["there"]


def exists_frame(frame, entities, strong, weak, classes, lex):
    """A yes/no asking whether something of a class stands in a relation to the names: yes when
    the reading finds anything."""
    frame.type = "yesno"
    found = relation_frame(Frame("relation", frame.parse, states=frame.states), entities, strong, weak,
                      class_heads(classes, frame.parse)[-1].iris[0], [], lex)
    if not found.readings:
        return not_found(frame, strong or weak, None, lex)
    frame.readings, frame.fallbacks = found.readings, found.fallbacks
    anchor = next((n.iri for r in found.readings for n in r.nodes.values() if n.iri), entities[0].iris[0])
    frame.checks = [Check("exists", anchor)]
    frame.explain += [line for line in found.explain if line.startswith("reading")]
    return frame


def triple_checks(parse: Parse, entities: list[Mention], relation: Mention, lex: Lexicon) -> list[Check]:
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
            s_proxy = proxy(s_m.iris, p.domain, lex) if named and not any(lex.is_a(s, p.domain) for s in s_m.iris) \
                else None
            o_proxy = proxy(o_m.iris, p.range, lex) if named and not any(lex.is_a(o, p.range) for o in o_m.iris) \
                else None
            if s_proxy and any(lex.is_a(o, p.range) for o in o_m.iris):
                o = next(o for o in o_m.iris if lex.is_a(o, p.range))
                options.append((1, not in_order, distance, 0, s_proxy[0], o, s_m, o_m, ("subject", s_proxy[1])))
            if o_proxy and any(lex.is_a(s, p.domain) for s in s_m.iris):
                s = next(s for s in s_m.iris if lex.is_a(s, p.domain))
                options.append((1, not in_order, distance, 0, s, o_proxy[0], s_m, o_m, ("object", o_proxy[1])))
        # Word order picks the direction of a relation the words name; one they leave open is
        # asked both ways ("are the glutes thigh muscles?": the thigh muscles have the glutes).
        chosen = [min(options, key=lambda x: x[:4])] if options else []
        if relation.kind == "implied":
            chosen = list({(x[4], x[5]): x for x in sorted(options, key=lambda x: x[:4], reverse=True)}.values())
        for _, _, _, _, s, o, s_m, o_m, via in chosen:
            canonical, flipped = lex.canonical(prop)
            if flipped and via:
                via = ("object" if via[0] == "subject" else "subject", via[1])
            checks.append(Check("triple", o if flipped else s, canonical, s if flipped else o, [s_m, o_m, relation],
                                via=via))
    return checks


def _check_fits(check: Check, states, lex: Lexicon) -> bool:
    """fits_states, for a yes/no check."""
    for state, entity in states:
        if entity in check.uses and not state_holds(state.iris[0], check.prop, check.subject in entity.iris, lex):
            return False
    relation = next((m for m in check.uses if m.kind == "relation"), None)
    if relation is not None and relation.general:
        remedies = remedies_of(Node(iri=check.object), lex)
        if remedies and check.prop not in remedies:
            return False
    return True

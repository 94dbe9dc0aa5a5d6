"""States a thing can be in (weak, tight) and the remedies of problems, as the graph defines them
(kg:appliesTo, kg:remedy, kg:inState): which name a state word is about, and whether a reading
speaks of it.
"""

from .frame import Node, Reading
from .lexicon import Lexicon
from .parse import Mention


def attach_states(states: list[Mention], things: list[Mention], lex: Lexicon) -> list[tuple[Mention, Mention]]:
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


def state_holds(state: str, prop: str, entity_is_subject: bool, lex: Lexicon) -> bool:
    """Whether a relation speaks of a thing in the state: remedies it (thing as object) or
    follows from it (thing as subject: a weak muscle's weakness causes ...)."""
    if entity_is_subject:
        return lex.properties[prop].in_state == state
    return prop in lex.remedies.get(state, [])


def nodes_of(reading: Reading, mention: Mention, lex: Lexicon) -> set[str]:
    """The nodes of a reading that stand for an entity mention, or for a class mention's members."""
    if mention.kind == "entity":
        return {n for n, node in reading.nodes.items() if node.iri in mention.iris}
    return {n for n, node in reading.nodes.items() if node.iri is None and node.cls
            and mention.iris[0] in lex.ancestors(node.cls)}


def remedies_of(node: Node, lex: Lexicon) -> list[str]:
    """The relations that put a problem right: its own kg:remedy, or its classes'."""
    if node.iri:
        entity = lex.entity(node.iri)
        return lex.remedies.get(node.iri) or [r for t in (entity.types if entity else []) for r in lex.remedies.get(t, [])]
    return [r for t in lex.ancestors(node.cls) for r in lex.remedies.get(t, [])] if node.cls else []


def fits_states(reading: Reading, states, lex: Lexicon) -> bool:
    """Whether every state named about a node is spoken of by one of its hops, and whether each
    general relation ("what helps ...") asked of a problem is the problem's remedy."""
    for state, mention in states:
        nodes = nodes_of(reading, mention, lex)
        if nodes and not any(state_holds(state.iris[0], h.prop, h.subject in nodes, lex)
                             for h in reading.hops if h.subject in nodes or h.object in nodes):
            return False
    for hop in reading.hops:
        if hop.mention is not None and hop.mention.general:
            remedies = remedies_of(reading.nodes[hop.object], lex)
            if remedies and hop.prop not in remedies:
                return False
    return True

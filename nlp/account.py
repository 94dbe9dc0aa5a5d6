"""Account for every word: a reading may answer only if it explains every word that carries meaning.

Each word of a question is explained by the reading that answers it (an entity, a class, a
relation or a state it uses), by the grammar of questions (question words, auxiliaries, pronouns,
articles, prepositions and other function words), or by being the graph's topic named in passing
("after running"). A word left over that carries meaning ("ice", "shoes", "sore", "less than")
means the question asks something the reading does not: then nothing is answered.
"""

from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .frame import Frame, Hop, Node, Reading, show_node
from .grammar import (
    ARTICLES,
    DEMONSTRATIVES,
    FUNCTION_WORDS,
    LIGHT_VERBS,
    PRONOUNS,
    PURPOSE_VERBS,
    TIME_WORDS,
    amount,
    grammatical,
    number,
)
from .lexicon import Lexicon
from .parse import Mention, Parse
from .refuse import unaccounted
from .states import fits_states, nodes_of, state_holds
from .words import alone_words, below, carries_meaning, manner, of_name, next_to, word_before

#: The most groups of readings (by score) tried for one way of reading a question.
MAX_TIERS = 8


@dataclass
class Account:
    """Which words a frame explains and by what; ``left`` holds the positions of those it does not."""

    explained: dict[int, str] = field(default_factory=dict)
    left: list[int] = field(default_factory=list)

    def lines(self, parse: Parse) -> list[str]:
        """For --explain: the words, in runs that one thing accounts for, each with that thing; the
        grammar words together; then the words nothing accounts for."""
        runs: list[tuple[list[str], str]] = []
        for i, why in sorted(self.explained.items()):
            if why == "grammar":
                continue
            if runs and runs[-1][1] == why and runs[-1][2] == i - 1:
                runs[-1][0].append(parse.words[i])
                runs[-1] = (runs[-1][0], why, i)
            else:
                runs.append(([parse.words[i]], why, i))
        out = [f"words: {' '.join(words)!r} = {why}" for words, why, _ in runs]
        grammar = [parse.words[i] for i, why in sorted(self.explained.items()) if why == "grammar"]
        if grammar:
            out.append("words: " + ", ".join(repr(w) for w in grammar) + " = grammar")
        if self.left:
            out.append("not accounted for: " + ", ".join(repr(parse.words[i]) for i in self.left))
        return out


def asks_relation(parse: Parse, mention: Mention) -> bool:
    """Whether the mention is the question word opening the question, as a phrase of a relation
    ("why" asks for a cause, "where" for a place): then it says what is asked, and a reading must
    reach the answer through that relation."""
    opening = next((i for i, w in enumerate(parse.words) if w.strip() and any(c.isalnum() for c in w)), None)
    return (parse.form == "wh" and mention.start == opening and mention.end == opening + 1
            and parse.words[mention.start] == parse.qword)


def _reaches(hop: Hop, prop: str, answer: str, lex: Lexicon) -> bool:
    """Whether the hop reaches the answer as the range of ``prop`` (either way round)."""
    family, flipped = lex.canonical(prop)
    hop_family, hop_flipped = lex.canonical(hop.prop)
    if family != hop_family:
        return False
    return (hop.object if flipped == hop_flipped else hop.subject) == answer


def account(parse: Parse, lex: Lexicon, used: list[tuple[Mention, str]], extra: dict[int, str] | None = None) \
        -> Account:
    """Explain the words of ``parse`` given the mentions a frame uses, each with what it stands for
    (and ``extra`` words the frame's shape explains)."""
    result = Account(dict(extra or {}))
    for mention, why in used:
        for start, end in [(mention.start, mention.end), *mention.also]:
            for i in range(start, end):
                if parse.words[i].strip():
                    result.explained.setdefault(i, why)
    for mention in parse.mentions:
        if any(i in result.explained for i in range(mention.start, mention.end)):
            continue
        if mention.kind == "entity" and lex.topic & set(mention.iris):
            for i in range(mention.start, mention.end):
                result.explained.setdefault(i, "the graph's topic, named in passing")
            # "after running", "after long runs": a time set by the topic is the topic in passing too.
            before = [j for j in range(mention.start) if parse.words[j].strip()][-4:]
            times = [j for j in before if parse.words[j] in TIME_WORDS]
            if times:
                for j in before[before.index(times[-1]):]:
                    result.explained.setdefault(j, "the graph's topic, named in passing")
        elif mention.kind == "relation" and not asks_relation(parse, mention) and all(
                w in STOP_WORDS or n in LIGHT_VERBS or w in FUNCTION_WORDS or grammatical(w) or not w.strip()
                for w, n in zip(parse.words[mention.start:mention.end], parse.norms[mention.start:mention.end])):
            for i in range(mention.start, mention.end):
                result.explained.setdefault(i, "a light verb or preposition")
    for mention in parse.of("relation"):
        if mention.start not in result.explained and _for_a_purpose(parse, mention, result):
            result.explained[mention.start] = "a verb the words after \"to\" say the point of"
    asked = {m.start for m in parse.mentions if m.kind == "relation" and asks_relation(parse, m)}
    for i, word in enumerate(parse.words):
        if i in result.explained or not word.strip():
            continue
        if i in asked or carries_meaning(parse, i, lex):
            result.left.append(i)
        elif any(c.isalnum() for c in word):
            result.explained[i] = "an adverb: how, not which" if manner(parse, i, lex) else \
                "the sources speaking" if i in parse.said else "grammar"
    return result


def _for_a_purpose(parse: Parse, mention: Mention, result: Account) -> bool:
    """ "use ... to propel you forward": a one-word verb of PURPOSE_VERBS followed (past pronouns,
    articles and question words) by "to" and a name the reading explains."""
    if mention.end - mention.start != 1 or parse.norms[mention.start] not in PURPOSE_VERBS:
        return False
    i = mention.end
    while i < len(parse.words) and (not parse.words[i].strip() or parse.words[i] in PRONOUNS | ARTICLES):
        i += 1
    if i >= len(parse.words) or parse.words[i] != "to":
        return False
    after = next((j for j in range(i + 1, len(parse.words)) if parse.words[j].strip()), None)
    return after is not None and after in result.explained and result.explained[after].startswith("entity")


# -- the gate: readings that account for every word ---------------------------------------------

def accounted(frame: Frame, lex: Lexicon) -> Frame:
    """Keep the readings (or checks) that explain every word that carries meaning; if none does,
    answer nothing and say which words were not understood."""
    from .account import account

    if not frame.understood:
        frame.account = account(frame.parse, lex, [])
        strange = [i for i in frame.account.left if frame.parse.norms[i] not in lex.vocabulary]
        if frame.type == "not_understood" and strange:
            # A word the graph has never seen is the likeliest reason: name it.
            return unaccounted(frame, frame.account, lex)
        frame.explain += frame.account.lines(frame.parse)
        return frame
    if frame.type in ("relation", "count", "list", "value") or \
            frame.type == "yesno" and frame.checks and frame.checks[0].kind == "exists":
        first, kept = None, []
        expected = _expected_count(frame)
        for tier in [frame.readings, *frame.fallbacks][:MAX_TIERS]:
            found = account(frame.parse, lex, used_mentions(frame, tier, lex), expected)
            first = first or found
            if found.left:
                # Names the reading leaves out may still narrow its answer ("which muscles propel
                # you forward when you run?": those muscles, among the ones running engages).
                tier = _attach_rest(frame, tier, lex)
                found = account(frame.parse, lex, used_mentions(frame, tier, lex), expected) if tier else found
            if not found.left:
                kept.append((tier, found))
        if not kept:
            return unaccounted(frame, first, lex)
        frame.readings, frame.fallbacks = kept[0][0], [tier for tier, _ in kept[1:]]
        frame.account = kept[0][1]
        # The readings weighed on the way are noise in the explanation: show the ones kept.
        frame.explain = [line for line in frame.explain if not line.startswith(("reading:", "joined "))]
        frame.explain += ["reading: " + " . ".join(f"{show_node(r, h.subject, lex)} {lex.label(h.prop)} "
                                                   f"{show_node(r, h.object, lex)}" for h in r.hops)
                          for r in frame.readings]
    elif frame.type == "names":
        naming = {i: "asks for another name" for i in frame.parse.naming}
        # "which injury is also known as ...": the class says what the thing named is.
        iri = frame.entities[0][1]
        naming.update({i: f"the class of {lex.label(iri)}" for c in frame.parse.of("class")
                       if lex.is_a(iri, c.iris[0]) for i in range(c.start, c.end)})
        frame.account = account(frame.parse, lex, used_mentions(frame, [], lex), naming)
        if frame.account.left:
            return unaccounted(frame, frame.account, lex)
    elif frame.checks and frame.checks[0].kind == "same":
        same = {i: "asks whether two names name one thing" for i, w in enumerate(frame.parse.words) if w == "same"}
        same.update({i: "asks whether two names name one thing" for i in frame.parse.naming})
        frame.account = account(frame.parse, lex, used_mentions(frame, [], lex), same)
        if frame.account.left:
            return unaccounted(frame, frame.account, lex)
    elif frame.type == "yesno" and frame.checks and frame.checks[0].kind == "triple":
        # Each check is one reading of the question: keep those that explain every word. "Alone"
        # qualifies the subject; the answer says what the graph knows of that.
        alone = {i: "asks whether it does so by itself" for i in alone_words(frame.parse)}
        frame.alone = bool(alone)
        found = [(c, account(frame.parse, lex, used_mentions(frame, [], lex, [c]), alone)) for c in frame.checks]
        kept = [(c, a) for c, a in found if not a.left]
        both = [] if kept else _coordinated_checks(frame, lex, alone)
        if both:
            # "is ITBS caused by weak hip and glute muscles?": one check for each name joined by
            # "and", all of them asked (Frame.each).
            (c, d, found_both) = both[0]
            frame.checks, frame.each, frame.account = [c, d], [[c], [d]], found_both
        elif not kept:
            # "can running correct the imbalances it creates?": the first relation is asked, the
            # second only says which imbalances; both together account for every word.
            pairs = [(c, d, account(frame.parse, lex, used_mentions(frame, [], lex, [c, d]), alone))
                     for c in frame.checks for d in frame.checks
                     if c.uses[2] is not d.uses[2] and c.uses[2].start < d.uses[2].start
                     and {c.subject, c.object} == {d.subject, d.object}]
            pairs = [(c, d, a) for c, d, a in pairs if not a.left]
            if not pairs:
                # "does running cause imbalances in the thighs?": a name joined to a checked one
                # by a preposition says which (the imbalances in the thighs), taken as given.
                pairs = [(c, g, a) for c, g in _qualified(frame, frame.checks, lex)
                         for a in [account(frame.parse, lex, used_mentions(frame, [], lex, [c, g]), alone)]
                         if not a.left]
            if not pairs:
                return unaccounted(frame, found[0][1], lex)
            main, given, found_both = pairs[0]
            frame.checks, frame.given, frame.account = [main], [given], found_both
            frame.explain.append(f"given: {lex.label(given.subject)} {lex.label(given.prop)} {lex.label(given.object)}")
        else:
            frame.checks, frame.account = [c for c, _ in kept], kept[0][1]
    else:
        frame.account = account(frame.parse, lex, used_mentions(frame, frame.readings, lex))
        if frame.account.left:
            return unaccounted(frame, frame.account, lex)
    frame.explain += frame.account.lines(frame.parse)
    return frame


def _coordinated_checks(frame: Frame, lex: Lexicon, extra: dict[int, str]):
    """(check, check, account): a check, and the same check of a name joined to one of its names
    by "and" ("caused by weak hip and glute muscles"), that together explain every word."""
    from .yesno import triple_checks

    parse, found = frame.parse, []
    for c in frame.checks:
        named = [m for m in c.uses if m.kind == "entity"]
        relation = next((m for m in c.uses if m.kind == "relation"), None)
        for m in named:
            for other in parse.of("entity"):
                if other in named:
                    continue
                first, second = (m, other) if m.end <= other.start else (other, m)
                between = [w for w in parse.words[first.end:second.start] if w.strip() and w not in ARTICLES]
                if between not in (["and"], [","], ["&"], [",", "and"]) or relation is None:
                    continue
                shared = next(n for n in named if n is not m)
                for d in triple_checks(parse, [shared, other], relation, lex):
                    if d.prop != c.prop:
                        continue
                    result = account(parse, lex, used_mentions(frame, [], lex, [c, d]), extra)
                    if not result.left:
                        found.append((c, d, result))
    return found


def _expected_count(frame: Frame) -> dict[int, str]:
    """ "which two injuries ...", "the two running injuries": a number right before the class the
    answers must be of (other names may stand between) says how many the asker expects, not what
    the answers are."""
    parse, asked = frame.parse, frame.answer_mention
    if asked is None:
        return {}
    covered = {i for m in parse.mentions for i in range(m.start, m.end)}
    for i, word in enumerate(parse.words[:asked.start]):
        if number(word) and amount(word) is not None:
            between = [j for j in range(i + 1, asked.start) if parse.words[j].strip() and parse.words[j] != "-"]
            if all(j in covered for j in between):
                return {i: "how many answers the question expects"}
    return {}


def _qualified(frame: Frame, checks, lex: Lexicon):
    """(check, given) pairs: a name the check leaves out, right after a relation word that follows
    one of the check's names ("imbalances in the thighs"), linked to that name as the word says."""
    from .yesno import triple_checks

    parse = frame.parse
    for check in checks:
        named = [m for m in check.uses if m.kind == "entity"]
        for rest in parse.of("entity"):
            if rest in named or lex.topic & set(rest.iris):
                continue
            relation = next((r for r in parse.of("relation") if r.end <= rest.start and
                             all(w in ARTICLES or w in PRONOUNS or not w.strip() for w in parse.words[r.end:rest.start])),
                            None)
            head = next((m for m in named if relation is not None and m.end <= relation.start and
                         not any(w.strip() for w in parse.words[m.end:relation.start])), None)
            if head is not None:
                yield from ((check, g) for g in triple_checks(parse, [head, rest], relation, lex))


def _attach_rest(frame: Frame, tier: list[Reading], lex: Lexicon) -> list[Reading]:
    """The tier's readings, each with the names it leaves out joined to one of its nodes: by a
    relation word next to the name if one fits, else by any relation the schema allows there."""
    parse = frame.parse
    used = {id(m) for m, _ in used_mentions(frame, tier, lex)}
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
            # A name left out narrows what is asked ("knee problems": problems of the knee), not
            # another name already fixed: links to a variable come first.
            links.sort(key=lambda link: reading.nodes[link[0]].iri is not None)
            if frame.type == "value":
                # A value belongs to the thing found: a name linked only to a name already fixed
                # says nothing of it ("how long should I run to lose weight?": running leads to
                # weight loss whatever the advice says), so it must link to the thing itself.
                links = [link for link in links if reading.nodes[link[0]].iri is None]
            for name, iri, prop, forward, mention in links[:6]:
                if len(attached) >= 36:
                    break
                node = f"e{k}"
                hop = Hop(name, prop, node, mention) if forward else Hop(node, prop, name, mention)
                attached.append(Reading({**reading.nodes, node: Node(iri=iri)}, [*reading.hops, hop], reading.answer))
        # Joined names obey the states and remedies too ("fix an imbalance": what corrects it).
        attached = [r for r in attached if fits_states(r, frame.states, lex)]
        if not attached:
            return []
        grown = attached
    frame.explain.append("joined " + ", ".join(repr(e.text) for e in rest) + " to the reading: " + "; ".join(
        f"{show_node(r, h.subject, lex)} {lex.label(h.prop)} {show_node(r, h.object, lex)}" for r in grown[:3]
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


def used_mentions(frame: Frame, readings: list[Reading], lex: Lexicon, checks=None) -> list[tuple[Mention, str]]:
    """The mentions a frame's readings, checks or entities use, each with what it stands for."""
    parse = frame.parse
    checks = frame.checks if checks is None else checks
    used = [(m, f"entity {lex.label(iri)}") for m, iri in frame.entities
            if not checks or any(m in c.uses for c in checks)]
    used += [(m, f"{'states' if m is frame.stated else 'asks for'} its {lex.label(frame.value_prop)}")
             for m in frame.value_mentions]
    if readings and frame.choice:
        used += [(m, f"offered as an answer: {lex.label(m.iris[0])}") for m in frame.choice]
    if readings and frame.members_of is not None:
        used.append((frame.members_of, f"asks which of {lex.label(frame.members_of.iris[0])}"))
    if readings and frame.given:
        used += [(m, f"{m.kind} {lex.label(m.iris[0])}, in what the question takes as given")
                 for g in frame.given for m in g.uses if m.kind in ("entity", "relation")]
    if readings and frame.excluded:
        used += [(m, f"left out of the answers: {lex.label(m.iris[0])}") for m in frame.excluded]
        used += [(Mention("absorbed", i, i + 1, parse.words[i], []), "leaves names out of the answers")
                 for i in frame.excluding]
    if frame.type == "definition" and frame.answer_mention is not None:
        # "which muscle is the hamstrings?": the class asks what kind of thing the name is.
        used.append((frame.answer_mention, "asks what kind of thing it is"))
    if frame.type == "path":
        ends = [m for m, _ in frame.entities]
        used += [(s, f"state {lex.label(s.iris[0])} of {m.text!r}") for s, m in frame.states if m in ends]
    for check in checks:
        used += [(m, f"{m.kind} {lex.label(check.prop) if m.kind == 'relation' and check.prop else lex.label(m.iris[0])}")
                 for m in check.uses if m.kind != "implied"]
        for state, entity in frame.states:
            if entity in check.uses and check.prop and \
                    state_holds(state.iris[0], check.prop, check.subject in entity.iris, lex):
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
                         if m is not frame.answer_mention and node.cls in below(m.iris[0], lex)
                         and not pointed_at(parse, m)]
        for hop in reading.hops:
            if hop.mention is not None:
                used.append((hop.mention, f"relation {lex.label(hop.prop)}"))
            used += [(m, f"asks for what {lex.label(iri)} reaches") for m in parse.mentions
                     if m.kind == "relation" and asks_relation(parse, m)
                     for iri in m.iris if _reaches(hop, iri, reading.answer, lex)][:1]
        for state, mention in frame.states:
            nodes = nodes_of(reading, mention, lex)
            if any(state_holds(state.iris[0], h.prop, h.subject in nodes, lex)
                   for h in reading.hops if h.subject in nodes or h.object in nodes):
                used.append((state, f"state {lex.label(state.iris[0])}"))
    return used + _described(parse, used, lex)


def pointed_at(parse: Parse, mention: Mention) -> bool:
    """Whether a class word follows a demonstrative ("this muscle", "those exercises"): it means one
    thing named elsewhere, not any member, and a single question does not say which."""
    at = word_before(parse, mention)
    return at is not None and parse.words[at] in DEMONSTRATIVES


def _described(parse: Parse, used: list[tuple[Mention, str]], lex: Lexicon) -> list[tuple[Mention, str]]:
    """Class words that only describe a used name: 'the adductor group' (a muscle group), 'muscle
    functions' (functions of muscles), 'the runner's knee injury'."""
    found = []
    names = [m for m, _ in used]
    for c in parse.of("class"):
        for m in names:
            if m.kind == "entity" and (next_to(parse, m, c) or next_to(parse, c, m) or of_name(parse, c, m, lex)) \
                    and any(lex.is_a(i, c.iris[0]) for i in m.iris):
                found.append((c, f"the class of {m.text!r}"))
            elif m.kind == "class" and m is not c and next_to(parse, c, m):
                found.append((c, f"describes {m.text!r}"))
    return found

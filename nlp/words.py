"""What the words of a question say beyond the names they match: which relation words carry the
question and which only join the others, what a general word ("help") stands for, which class is
asked for, and the small facts about word positions the other stages share.
"""

from spacy.lang.en.stop_words import STOP_WORDS

from .grammar import (
    ALONE,
    ARTICLES,
    COMMANDS,
    EXCLUDING,
    THE_REST,
    WHETHER,
    FUNCTION_WORDS,
    HOW_MODIFIERS,
    KNOWING,
    LIGHT_VERBS,
    LINKING_VERBS,
    LISTING,
    NAMING,
    PRONOUNS,
    RESTRICTIVE,
    SETTING_WORDS,
    WH_DETERMINERS,
    WH_WORDS,
    adverb,
    grammatical,
    number,
    usual,
)
from .lexicon import Lexicon
from .parse import Mention, Parse


def joined(parse: Parse, entities: list[Mention]) -> bool:
    """Whether the names stand side by side, joined by "and", "or" or commas ("ITBS and runner's knee")."""
    ordered = sorted(entities, key=lambda e: e.start)
    return all(all(not w.strip() or w in (",", "and", "or", "&", "/") or w in ARTICLES or w in PRONOUNS
                   for w in parse.words[a.end:b.start]) for a, b in zip(ordered, ordered[1:]))


def next_to(parse: Parse, first: Mention, second: Mention) -> bool:
    """Whether only spaces separate two mentions, in that order."""
    return second.start >= first.end and all(not w.strip() for w in parse.words[first.end:second.start])


def of_name(parse: Parse, cls: Mention, entity: Mention, lex: Lexicon) -> bool:
    """Whether a class word names what a name is, through "of" ("the muscles of the inner thighs":
    the adductors, which are muscles), so it describes the name rather than asking for members."""
    between = [w for w in parse.words[cls.end:entity.start] if w.strip()]
    return bool(between) and between[0] == "of" and all(w in ARTICLES or w in PRONOUNS for w in between[1:]) \
        and any(lex.is_a(i, cls.iris[0]) for i in entity.iris)


def alone_words(parse: Parse) -> list[int]:
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


def below(cls: str, lex: Lexicon) -> set[str]:
    """The class and every class beneath it."""
    return {c for c in lex.classes if cls in lex.ancestors(c)} | {cls}


def relation_words(parse: Parse, classes: list[Mention], lex: Lexicon) -> tuple[list[Mention], list[Mention]]:
    """The relation words that carry the question: (strong, weak).

    A word that is both a class and a relation ('exercises', 'function') is read as the class; the
    schema then finds the properties linking it to the entities named. Phrases made only of
    prepositions or question words ('in', 'when') are weak: they mostly join the others.
    """
    alone = set(alone_words(parse))
    relations = [r for r in parse.of("relation")
                 if not any((c.start, c.end) == (r.start, r.end) for c in classes)
                 and not all(i in alone for i in range(r.start, r.end))]  # "without other training"
    for r in relations:
        # A general relation no fact states ("help") is asked as the specific ones beneath it.
        expand_general(r, lex)
    # The question word itself ("where are ...") is what is asked, so it is never weak.
    for k, r in enumerate(relations):
        # The next relation word that is not only a preposition ("help in preventing").
        after = next((a for a in relations[k + 1:] if not all(w in FUNCTION_WORDS for w in a.text.lower().split())),
                     None)
        if after is not None and r.general and all(w in ("to", "in", "with") or w in PRONOUNS or not w.strip()
                                                   for w in parse.words[r.end:after.start]):
            # "help prevent", "helps you strengthen", "help in preventing": a general verb leading
            # a specific one is part of it, not a relation of its own.
            after.also.append((r.start, r.end))
            r.kind = "absorbed"
    for r in relations:
        following = [m for m in parse.of("state") if m.start > r.start]
        state = min(following, key=lambda m: m.start) if following else None
        speaks_of = state is not None and any(
            lex.properties[i].in_state == state.iris[0] or i in lex.remedies.get(state.iris[0], []) for i in r.iris)
        if state is not None and not speaks_of and r.end - r.start == 1 and parse.norms[r.start] in LINKING_VERBS \
                and all(not w.strip() or grammatical(w) for w in parse.words[r.end:state.start]):
            # "feel tight", "get stiff": a verb that only says something is in a state.
            state.also.append((r.start, r.end))
            r.kind = "absorbed"
        if r.start == parse.request_at:
            r.kind = "absorbed"  # "what should I do?" asks for an action, not for a relation
        elif spoken_by_sources(r, parse, lex):
            r.kind = "absorbed"
            parse.said.update(range(r.start, r.end))
    relations = [r for r in relations if r.kind == "relation"]
    # Prepositions and question words ("in", "when"), and light verbs ("get", "make", "do"), mostly
    # join the other words: a reading may use them, or leave them as grammar.
    weak = [r for r in relations if (all(w in FUNCTION_WORDS for w in r.text.lower().split()) or _light(parse, r))
            and not (r.text.lower() == parse.qword and r.text.lower() in WH_WORDS) and not r.also
            or r.also and _only_grammar(parse, r)]
    strong = [r for r in relations if r not in weak]
    # The question word and a relation word for the same thing are one hop ("where ... located").
    asked = [r for r in strong if r.text.lower() == parse.qword]
    if asked:
        families = {lex.canonical(i)[0] for i in asked[0].iris}
        twins = [r for r in strong if r is not asked[0] and families & {lex.canonical(i)[0] for i in r.iris}]
        if twins:
            strong = [r for r in strong if r is not asked[0]]
    return strong, merge_relations(weak, lex)


def expand_general(mention: Mention, lex: Lexicon) -> Mention:
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


def _only_grammar(parse: Parse, mention: Mention) -> bool:
    """Whether a phrase split around other words holds only grammar words ("best … for" around
    "the best exercises for targeting ..."): a preposition with a filler, not a relation of its own."""
    return all(grammatical(parse.words[i]) or parse.words[i] in FUNCTION_WORDS or not parse.words[i].strip()
               for start, end in [(mention.start, mention.end), *mention.also] for i in range(start, end))


def _light(parse: Parse, mention: Mention) -> bool:
    """Whether a relation's words are light verbs or prepositions only ("getting", "make", "in")."""
    return all(parse.norms[i] in LIGHT_VERBS or parse.words[i] in FUNCTION_WORDS or not parse.words[i].strip()
               for i in range(mention.start, mention.end))


def merge_relations(relations: list[Mention], lex: Lexicon) -> list[Mention]:
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


def answer_class_mention(parse, classes, relations, entities) -> Mention | None:
    """The class the answer must belong to: the one named where the question asks.

    That is the class right after the question word or command ('which exercises', 'how many
    injuries', 'list all muscles'), or in a command or bare phrase the one named; else the first
    class named before any relation or entity. Of class words in a row ('muscle functions') the
    last is the head.
    """
    if not classes or parse.qword in ("where", "when", "why"):
        return None
    heads = class_heads(classes, parse)
    asked = [c for c in heads if right_after_question(parse, c)] or \
        [c for c in heads if right_after_question(parse, _phrase_start(parse, c))]
    if asked:
        # "the thigh is the region between which two body parts?": the class the question word
        # stands before is asked, not one after "is".
        return next((c for c in asked if right_after_question(parse, c, WH_WORDS)), asked[0])
    if parse.form in ("command", "fragment") or not relations:
        return heads[0]
    first = heads[0]
    before_relation = not relations or first.start < relations[0].start
    before_entity = not entities or first.start < entities[0].start
    if (before_relation and before_entity) or not entities:
        return first
    return None


def class_heads(classes: list[Mention], parse: Parse) -> list[Mention]:
    """Class mentions, keeping only the last of each run of adjacent ones ('muscle functions')."""
    heads: list[Mention] = []
    for c in classes:
        if heads and next_to(parse, heads[-1], c):
            heads[-1] = c
        else:
            heads.append(c)
    return heads


def _phrase_start(parse: Parse, head: Mention) -> Mention:
    """The first of the names run together before a class word, as one noun phrase ("how many
    inner thigh strengthening moves": from "inner thigh"); the class itself when none is."""
    first = head
    while True:
        before = [m for m in parse.mentions if m.kind in ("entity", "relation", "class") and m is not first
                  and next_to(parse, m, first) and m.end <= first.start]
        if not before:
            return first
        first = before[0]


def right_after_question(parse: Parse, mention: Mention, openers=None) -> bool:
    """Whether only fillers (and a number: "which two body parts") separate the mention from the
    question word or command (or one of ``openers``)."""
    if openers is None:
        openers = WH_WORDS | COMMANDS | HOW_MODIFIERS | LISTING | {"me", "us", "of", "are", "is", "do", "does"}
    i = mention.start - 1
    while i >= 0 and (not parse.words[i].strip() or parse.words[i] in {"the", "a", "an", "all", "every", "some",
                                                                         "any", "other"} or number(parse.words[i])):
        i -= 1
    return i >= 0 and parse.words[i] in openers


def is_own_class(entities, cls, lex) -> bool:
    return any(lex.is_a(iri, cls) for e in entities for iri in e.iris)


def narrower(a: str | None, b: str | None, lex: Lexicon) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return b if a in lex.ancestors(b) else a


def inside(m: Mention, others: list[Mention]) -> bool:
    return any(o.start <= m.start and m.end <= o.end for o in others)


def carries_meaning(parse: Parse, i: int, lex: Lexicon) -> bool:
    """Whether the word at ``i`` says something a reading must explain.

    Grammar words never do; nor do other stop words, unless they name a thing ('back', 'side')
    or restrict what is asked ('only', 'than', 'without', numbers).
    """
    word = parse.words[i]
    if i in parse.idioms or i in parse.said:
        return False
    if word in KNOWING and parse.qword == "how" and next(
            (w for w in parse.words[i + 1:] if w.strip()), None) in WHETHER:
        return True  # "how do I know if my glutes are firing?": asks for a way to tell
    if len(word) < 2 and not word.isdigit() or not any(c.isalnum() for c in word):
        return False  # a letter alone: "r u", the s of "whats"
    if usual(parse.words, i):
        return False  # "an ordinary run": the usual kind picks out nothing
    if word in RESTRICTIVE or number(word):
        return True
    if grammatical(word) or word in FUNCTION_WORDS:
        return False
    if word in STOP_WORDS:
        return word in NAMING
    return not manner(parse, i, lex)


def manner(parse: Parse, i: int, lex: Lexicon) -> bool:
    """Whether the word at ``i`` is an adverb the graph does not know in a question that asks for
    things ("how can I proactively prevent ITBS?"): it says how something is done, not which
    things answer. In a yes/no question it is part of what is claimed, so it carries meaning."""
    return parse.form in ("wh", "command") and not parse.defining and parse.norms[i] not in lex.vocabulary \
        and adverb(parse.words[i])


def in_passing(parse: Parse, mention: Mention, lex: Lexicon) -> bool:
    """Whether a name is the graph's topic said as the setting of the question, after a time word
    or a preposition ("when running", "in a run", "for runners"): not a thing the question is about."""
    if mention.kind != "entity" or not (lex.topic & set(mention.iris)):
        return False
    at = word_before(parse, mention)
    word = parse.words[at] if at is not None else None
    return word in SETTING_WORDS


def word_before(parse: Parse, mention: Mention) -> int | None:
    """The position of the last word before a mention, articles and pronouns aside."""
    return next((i for i in range(mention.start - 1, -1, -1) if parse.words[i].strip()
                 and parse.words[i] not in ARTICLES and parse.words[i] not in PRONOUNS), None)


_EXCLUDING_LONGEST_FIRST = sorted(EXCLUDING, key=len, reverse=True)


def excluded(parse: Parse) -> tuple[list[Mention], list[int]]:
    """The names a question leaves out of its answers ("besides the glutes", "other than the quads
    and hamstrings"), and the positions of the words that do so, with "else"/"other" asking for the rest."""
    words = parse.words
    out: list[Mention] = []
    at: list[int] = []
    if not any(p[0] in words for p in EXCLUDING):
        return out, at
    names = sorted(parse.of("entity"), key=lambda m: m.start)
    for i in range(len(words)):
        phrase = next((p for p in _EXCLUDING_LONGEST_FIRST if tuple(words[i:i + len(p)]) == p), None)
        if phrase is None:
            continue
        j = i + len(phrase)
        taken = []
        while True:
            while j < len(words) and (not words[j].strip() or words[j] in ARTICLES or words[j] in PRONOUNS):
                j += 1
            name = next((m for m in names if m.start == j), None)
            if name is None:
                break
            taken.append(name)
            j = name.end
            while j < len(words) and (not words[j].strip() or words[j] in (",", "and", "or")):
                j += 1
        if taken:
            out += taken
            at += list(range(i, i + len(phrase)))
    if out:
        at += [i for i, w in enumerate(words) if w in THE_REST and i not in at]
    return out, at


def spoken_by_sources(r: Mention, parse: Parse, lex: Lexicon) -> bool:
    """Whether a relation word is the sources speaking ("which exercises are recommended for the
    adductors?"): a property it names is marked kg:sourceSpeech, nothing the question names could be
    the one speaking (its subject: an advice), and nothing named fits the other properties the word
    may name ("recommended for beginners" is advice meant for an audience)."""
    named = [(m, i) for m in parse.of("entity") + parse.of("class") for i in m.iris]

    def fits(cls: str | None) -> bool:
        return cls is not None and any(lex.is_a(i, cls) if m.kind == "entity" else lex.compatible(i, cls)
                                       for m, i in named)

    spoken = False
    for iri in r.iris:
        prop = lex.properties[iri]
        inverse = lex.properties.get(prop.inverse) if prop.inverse else None
        if prop.spoken or inverse is not None and inverse.spoken:
            spoken = True
            if fits(prop.domain if prop.spoken else prop.range):
                return False
        elif fits(prop.domain) or fits(prop.range):
            return False
    return spoken


def group_asked(parse: Parse, entities: list[Mention], classes: list[Mention], lex: Lexicon):
    """"which thigh muscles get used?", "which of my thigh muscles ...": a group named as what is
    asked, right after the question word, means its members. (the mention, the class its members
    are in) or None. Not a group before a class word ("which hamstring exercises"): there it
    qualifies the class."""
    if parse.form != "wh" or parse.defining:
        return None
    members = [(p.domain, p.range) for p in lex.properties.values() if p.membership and p.domain and p.range]
    for entity in entities:
        before = [w for w in parse.words[:entity.start] if w.strip()]
        skipped = []
        while before and (before[-1] in ARTICLES or before[-1] in PRONOUNS or before[-1] == "of"):
            skipped.append(before.pop())
        # "which (of my) thigh muscles", "what thigh muscles"; not "what the hamstrings are".
        if not before or before[-1] not in WH_DETERMINERS or before[-1] != "which" and skipped:
            continue
        if any(next_to(parse, entity, c) for c in classes):
            return None
        member_class = next((domain for domain, group in members if any(lex.is_a(i, group) for i in entity.iris)), None)
        if member_class is not None:
            return entity, member_class
    return None

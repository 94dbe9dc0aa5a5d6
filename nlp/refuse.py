"""Refusals: a question about something else, a name the graph does not have, a name that could
mean several things, or words no reading accounts for; each with what the graph does know.
"""

import re
from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .frame import Frame
from .grammar import (ARTICLES, DEMONSTRATIVES, DO_SUPPORT, PRONOUNS, RESTRICTIVE, WH_DETERMINERS, WH_WORDS, grammatical,
                      number)
from .lexicon import Lexicon
from .parse import Mention, Parse
from .words import carries_meaning, next_to


def ambiguous_name(parse: Parse, entities, lex):
    """A name the graph has only in part, which could mean several entities.

    Either known words that name nothing whole ('squats', 'one-legged exercise') where no entity was
    found, or an entity followed by a relation word that ends several names ('knee pain').
    """
    if parse.partial and not entities:
        words = {parse.norms[i] for p in parse.partial for i in range(p.start, p.end) if parse.norms[i].strip()}
        candidates = _containing(words, lex, every=True) or _containing(words, lex, every=False)
        if len(candidates) > 1:
            return Ambiguity(parse.partial[0].text, candidates, lex)
    for entity in entities:
        after = next((m for m in parse.mentions if m.kind == "relation" and m.start in (entity.end, entity.end + 1)
                      and m.end - m.start == 1 and not any((c.start, c.end) == (m.start, m.end)
                                                           for c in parse.of("class"))), None)
        before = next((w for w in reversed(parse.words[:entity.start]) if w.strip() and w not in ARTICLES), "")
        if after is None or before in DO_SUPPORT or before in WH_WORDS or before in ("that", "who"):
            continue  # "does running tone ...", "the muscles that running works": the word after is a verb
        following = [i for i in range(after.end, len(parse.words))
                     if parse.words[i].strip() and parse.words[i] not in ARTICLES | PRONOUNS | WH_DETERMINERS][:1]
        if any(m.start in following for m in parse.mentions if m.kind in ("entity", "class")):
            continue  # "running tones the thighs", "lunges work which muscles": a word with an object after it is a verb
        word = parse.norms[after.start]
        if not carries_meaning(parse, after.start, lex):
            continue
        # Names that end in the word ("IT band pain", "patellofemoral pain" for "knee pain").
        holders = [iri for iri in _containing({word}, lex, every=True) if iri not in entity.iris
                   and any(lex.lemma(n.lower().split()[-1]) == word for n in lex.entity(iri).names)]
        if len(holders) > 1:
            text = parse.question[entity.start_char:after.end_char]
            # What each meaning would be: the name and the word read as one name.
            meanings = [Mention("entity", entity.start, after.end, text, [iri], entity.start_char, after.end_char)
                        for iri in dict.fromkeys(holders)]
            return Ambiguity(text, holders, lex, meanings, (entity, after))
    return None


@dataclass
class Ambiguity:
    """A name that could mean several things: called with a frame, the refusal that says so;
    ``meanings`` are the mentions it could be, each replacing the mentions in ``replaces``."""

    text: str
    candidates: list[str]
    lex: Lexicon
    meanings: list[Mention] = field(default_factory=list)
    replaces: tuple = ()

    def __call__(self, frame: Frame) -> Frame:
        return ambiguous_frame(frame, self.text, self.candidates, self.lex)


def unknown_compound(parse: Parse, entities) -> str | None:
    """'hamstring strain', 'hip flexors': a known name run into words the graph does not know."""
    for entity in entities:
        before = next((w for w in reversed(parse.words[:entity.start]) if w.strip() and w not in ARTICLES), "")
        if before in DO_SUPPORT or before in WH_WORDS:
            continue  # "do the hip muscles play ...": the word after the name is its verb
        for unknown in parse.unknown:
            if next_to(parse, entity, unknown):
                return parse.question[entity.start_char:unknown.end_char]
    return None


def ambiguous_frame(frame, text, iris, lex):
    frame.type = "ambiguous"
    frame.unknown = text
    frame.candidates = list(dict.fromkeys(iris))[:8]
    frame.reason = f"{text!r} could mean " + ", ".join(lex.label(i) for i in frame.candidates)
    return frame


def unknown_term(frame, term, expected, lex):
    frame.type = "unknown_term"
    frame.unknown = term
    frame.candidates = closest(term, expected, lex)
    frame.reason = f"my sources have nothing called {term!r}"
    return frame


def give_up(frame, kind, reason):
    frame.type = kind
    frame.reason = reason
    return frame


def foreign(parse: Parse, relations) -> bool:
    """Whether the question is mostly words the graph has never seen, around one or two it knows
    ("how fast did Eliud Kipchoge run his fastest marathon?"): then it is about something else."""
    known = len(parse.of("entity")) + len(parse.of("class")) + sum(_telling(r, parse) for r in relations)
    strange = sum(1 for u in parse.unknown for w in parse.words[u.start:u.end] if w.isalpha())
    return strange > 0 and strange - known >= 2


def not_found(frame, relations, answer_class, lex):
    """Nothing to query: an unknown term if the question is about the domain, else out of domain."""
    parse = frame.parse
    known = len(parse.of("entity")) + len(parse.of("class")) + sum(_telling(r, parse) for r in relations)
    domain = known > 0 and not foreign(parse, relations)
    if parse.unknown and domain:
        return unknown_term(frame, parse.unknown[-1].text, expected_class(relations, answer_class, lex), lex)
    if domain:
        return give_up(frame, "not_understood", frame.reason or "the words found do not make a question "
                                                                  "my sources can answer")
    return give_up(frame, "out_of_domain", "nothing in the question names anything my sources know")


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


def unaccounted(frame: Frame, found, lex: Lexicon) -> Frame:
    """Nothing answered: some words carry meaning that no reading explains."""
    parse = frame.parse
    frame.account = found
    frame.explain += found.lines(parse)
    texts = _runs(parse, found.left)
    # Words the graph has never seen, function words aside: the likeliest reason ("treadmill").
    strange = _runs(parse, [i for i in found.left if parse.norms[i] not in lex.vocabulary
                            and parse.words[i] not in RESTRICTIVE and not number(parse.words[i])
                            and not grammatical(parse.words[i])])
    frame.readings, frame.fallbacks, frame.checks = [], [], []
    if strange:
        return unknown_term(frame, strange[0], expected_class([], frame.answer_class, lex), lex)
    pointed = [i for i in found.left if i > 0 and parse.words[i - 1] in DEMONSTRATIVES]
    if pointed:
        i = pointed[0]
        return give_up(frame, "not_understood", f"'{parse.words[i - 1]} {parse.words[i]}' points at something "
                       "the question does not name; ask again with its name")
    return give_up(frame, "not_understood", "I could not fit " + _join_words(texts) +
                    " into a question my sources can answer")


def _runs(parse: Parse, positions: list[int]) -> list[str]:
    """The question's text for each run of the positions with only spaces between."""
    runs, current = [], []
    for i in positions:
        if current and any(parse.words[j].strip() for j in range(current[-1] + 1, i)):
            runs.append(current)
            current = []
        current.append(i)
    if current:
        runs.append(current)
    return [parse.question[parse_char(parse, run[0]):parse_char(parse, run[-1], end=True)] for run in runs]


def parse_char(parse: Parse, i: int, end: bool = False) -> int:
    """The character offset in the question where the token at ``i`` starts (or ends)."""
    return parse.offsets[i] + (len(parse.words[i]) if end else 0)


def _join_words(texts: list[str]) -> str:
    quoted = [repr(t) for t in texts]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def expected_class(relations, answer_class, lex) -> str | None:
    """The class an unknown term was probably meant to be: the relation's other end."""
    for r in relations:
        p = lex.properties[r.iris[0]]
        for end in (p.range, p.domain):
            if end and end != answer_class:
                return end
    return None


def closest(term: str, expected: str | None, lex: Lexicon, n: int = 5) -> list[str]:
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

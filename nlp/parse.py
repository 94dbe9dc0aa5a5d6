"""Question -> Parse: the words matched to entities, classes and relations, and the question's form.

The only words listed here are English grammar: question words, auxiliaries, commands, negation.
Everything about the domain comes from the lexicon, which comes from the graph.
"""

from dataclasses import dataclass, field
from typing import Literal

from spacy.lang.en.stop_words import STOP_WORDS

from kg.terms import XSD

from .grammar import (
    ALL_OF,
    ARTICLES,
    AUXILIARIES,
    EMBEDDING,
    COMMANDS,
    FILLERS,
    COUNTING,
    DEFINING,
    FUNCTION_WORDS,
    HOW_MODIFIERS,
    LISTING,
    MODALS,
    OTHER_NAMES,
    NEGATIONS,
    PATH_WORDS,
    PRONOUNS,
    SUBORDINATE,
    TIME_WORDS,
    WH_WORDS,
    adverb,
    amount,
    grammatical,
    usual,
)
from .lexicon import Lexicon, normalize

#: What words of a question were matched to: "implied" is a hop no word names, "absorbed" a
#: relation word folded into another, "unknown" and "partial" runs of words the graph does not name,
#: "quantity" a number said with the unit a value of the graph is counted in ("30 minutes").
MentionKind = Literal["entity", "class", "relation", "state", "implied", "absorbed", "unknown", "partial",
                      "quantity"]


@dataclass
class Mention:
    """Words of the question matched to the graph: an entity, a class or a relation."""

    kind: MentionKind
    start: int
    end: int
    text: str
    iris: list[str]
    start_char: int = 0
    end_char: int = 0
    best: list[str] = field(default_factory=list)   # the candidates whose own words match the typed ones best
    also: list[tuple[int, int]] = field(default_factory=list)  # more words naming the same thing (merged)
    general: bool = False   # names a general relation ("help"), asked as the specific ones beneath it


@dataclass
class Parse:
    """What the parser saw in a question, before any decision about its meaning."""

    question: str
    words: list[str]                      # lower-case text of each token
    offsets: list[int]                    # where each token starts in the question
    norms: list[str]                      # lemma (or spelling-corrected lemma) of each token
    mentions: list[Mention]
    form: str                             # wh | yesno | command | fragment
    qword: str | None                     # what, which, where, how many, ...
    command: str | None
    negated: bool
    all_of: bool
    path_words: bool
    defining: bool
    counting: bool
    listing: bool
    passive_at: set[int]                  # token positions of relation words in a passive phrase
    unknown: list[Mention] = field(default_factory=list)  # runs of content words the graph does not know
    partial: list[Mention] = field(default_factory=list)  # runs of known words that name nothing whole
    corrections: list[tuple[str, str]] = field(default_factory=list)
    choice: list[Mention] = field(default_factory=list)  # names offered to choose between ("quads or hamstrings")
    naming: list[int] = field(default_factory=list)      # words asking for or giving another name ("also known as")
    idioms: set[int] = field(default_factory=set)   # positions of words that ask for a meaning ("stand for")
    said: set[int] = field(default_factory=set)     # positions of words that say the sources speak ("recommended")
    request_at: int | None = None  # the "do" of "what should I do?": a request for what to do

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    @property
    def content(self) -> bool:
        """Whether any word at all was left once punctuation and spaces are dropped."""
        return any(w.strip() and any(c.isalnum() for c in w) for w in self.words)


class Parser:
    """The spaCy pipeline with the graph's vocabulary loaded: ``parser(question) -> Parse``."""

    def __init__(self, lexicon: Lexicon, nlp=None):
        self.lexicon = lexicon
        self.nlp = nlp if nlp is not None else make_nlp()
        for name in ("kg_lemmatizer", "kg_spellcheck", "kg_phrases"):
            self.nlp.get_pipe(name).load(lexicon)
        self.vocabulary = lexicon.vocabulary
        # One-word relation phrases: a longer name holding one ("sprint work") may be a name and a verb.
        self.verbs = {lexicon.lemma(p) for prop in lexicon.properties.values() for p in prop.phrases if " " not in p}
        # Relation phrases of several words, split in two, for phrases said around their object
        # ("keep IT band syndrome away", "keep the knee stable"): head words -> (tail words, property).
        self.split_phrases: dict[tuple[str, ...], list[tuple[tuple[str, ...], str]]] = {}
        for prop in lexicon.properties.values():
            for phrase in prop.phrases:
                lemmas = [lexicon.lemma(w) for w in normalize(phrase).lower().split()]
                for k in range(1, len(lemmas)):
                    self.split_phrases.setdefault(tuple(lemmas[:k]), []).append((tuple(lemmas[k:]), prop.iri))

    def __call__(self, question: str, exclude: set | None = None) -> Parse:
        """Parse a question; ``exclude`` names matches (start, end, kind) not to take, for a second
        way of cutting the question into names."""
        from .components import SPANS

        doc = self.nlp.make_doc(normalize(question))
        doc.user_data["kg_exclude"] = exclude or set()
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        words = [t.lower_ for t in doc]
        norms = [t.norm_ for t in doc]
        for i, _, fixed in doc._.kg_corrections or []:
            if fixed in WH_WORDS:
                words[i] = fixed  # a mistyped question word is that word to the grammar
        idioms = self._asking_meaning(doc)
        candidates = doc.user_data.get("kg_candidates", {})
        mentions = []
        for span in doc.spans[SPANS]:
            if span.label_ == "relation" and (_auxiliary(doc, span) or _command(doc, span)):
                continue
            if any(i in idioms for i in range(span.start, span.end)):
                continue  # "what does ITBS stand for": the words ask for a meaning, they name nothing
            iris, best = candidates[(span.start, span.end, span.label_)]
            # A name that names only states ("weak", "tightness") says what condition something is in.
            kind = "state" if span.label_ == "entity" and all(i in self.lexicon.states for i in iris) \
                else span.label_
            mentions.append(Mention(kind, span.start, span.end, question[span.start_char:span.end_char],
                                    iris, span.start_char, span.end_char, best))
        mentions = _restatements(self._split_relations(doc, question, mentions), words)
        mentions = sorted(mentions + _quantities(words, mentions, self.lexicon) +
                          _stated_values(words, norms, mentions, self.lexicon), key=lambda m: m.start)
        _shared_heads(mentions, words, norms, self.lexicon)
        covered = {i for m in mentions for i in range(m.start, m.end)} | \
            {i for m in mentions for start, end in m.also for i in range(start, end)}
        qword, command = _question_word(words)
        form = _form(words, qword, command)
        choice = _choice(words, mentions, self.lexicon)
        joiners = {i for m, n in zip(choice, choice[1:]) for i in range(m.end, n.start)}
        path_words = any(t.norm_ in PATH_WORDS or t.lower_ in PATH_WORDS for t in doc
                         if t.i not in covered and t.i not in joiners)
        if path_words or form == "fragment":
            # "quads vs hamstrings: what's the difference?" asks how they compare; a bare "quads
            # vs hamstrings" asks nothing to choose by.
            choice = []
        if choice and form == "yesno":
            form = "wh"  # "is that a quads thing or a hamstrings thing?" asks which of the two
        # An adverb may be passed over in a question asking for things, never in one asking what
        # words mean ("what does 'exercising regularly' mean?"): there it is part of the term.
        defining = any(w in DEFINING for w in words) or bool(idioms)
        unknown, partial = _leftovers(doc, question, covered | idioms, self.vocabulary, words,
                                      None if defining else form)
        corrections = [(typed, fixed) for i, typed, fixed in (doc._.kg_corrections or []) if i in covered]
        return Parse(
            question=question,
            words=words,
            offsets=[t.idx for t in doc],
            norms=norms,
            mentions=mentions,
            form=form,
            qword=qword,
            command=command,
            # A negation inside a name ("running without stopping") is part of the name.
            negated=any(w in NEGATIONS for i, w in enumerate(words) if i not in covered),
            all_of=any(w in ALL_OF for w in words),
            path_words=path_words,
            defining=defining,
            idioms=idioms,
            request_at=_request(words),
            counting=qword == "how many" or any(w in COUNTING for w in words),
            listing=command in ("list", "show", "name", "give", "enumerate", "display")
            or any(w in LISTING for w in words),
            passive_at=_passive(doc),
            unknown=unknown,
            partial=partial,
            corrections=corrections,
            choice=choice,
            naming=_naming(words, covered),
        )


    def _asking_meaning(self, doc) -> set[int]:
        """Positions of the words of phrases of several words that ask what a name means ("stand
        for", the graph's kg:phrase on skos:definition); they name nothing themselves."""
        norms = [t.norm_ for t in doc]
        found = set()
        for phrase in self.lexicon.defining:
            for start in range(len(doc) - len(phrase) + 1):
                if norms[start:start + len(phrase)] == phrase:
                    found |= set(range(start, start + len(phrase)))
        return found

    def splittable(self, parse: Parse) -> set[tuple[int, int, str]]:
        """Names of several words that hold a relation word ("sprinting works" read as the name
        "sprint work"): the matches to leave out for a second reading of the question."""
        return {(m.start, m.end, m.kind) for m in parse.mentions if m.kind == "entity"
                and any(parse.norms[i] in self.verbs for i in range(m.start, m.end))}

    def _split_relations(self, doc, question: str, mentions: list[Mention]) -> list[Mention]:
        """Relation phrases said around the thing they apply to: the head, one to four words that
        name something (an entity or class, with articles or pronouns), then the tail."""
        norms = [t.norm_ for t in doc]
        named = {i for m in mentions if m.kind in ("entity", "class") for i in range(m.start, m.end)}
        found = []
        for start in range(len(doc)):
            for k in (1, 2):
                tails = self.split_phrases.get(tuple(norms[start:start + k]))
                if not tails:
                    continue
                for tail, prop in tails:
                    for gap in range(1, 7):
                        at = start + k + gap
                        between = range(start + k, at)
                        if tuple(norms[at:at + len(tail)]) != tail or not any(i in named for i in between):
                            continue
                        if all(i in named or not doc[i].text.strip() or doc[i].lower_ in ARTICLES | PRONOUNS
                               for i in between):
                            found.append((start, start + k, at, at + len(tail), prop))
        if not found:
            return mentions
        joined: dict[tuple[int, int, int, int], list[str]] = {}
        for *span, prop in found:
            joined.setdefault(tuple(span), []).append(prop)
        for (s1, e1, s2, e2), props in joined.items():
            if any(m.kind == "relation" and m.start <= s2 and m.end >= e2 and m.end - m.start > e2 - s2
                   for m in mentions):
                continue  # "make ... stronger than": "stronger than" is said whole
            mentions = [m for m in mentions if m.kind != "relation" or m.end <= s1 or m.start >= e1 and
                        (m.end <= s2 or m.start >= e2)]
            text = f"{question[doc[s1].idx:doc[e1 - 1].idx + len(doc[e1 - 1])]} … " \
                   f"{question[doc[s2].idx:doc[e2 - 1].idx + len(doc[e2 - 1])]}"
            mentions.append(Mention("relation", s1, e1, text, list(dict.fromkeys(props)), doc[s1].idx,
                                    doc[e1 - 1].idx + len(doc[e1 - 1]), also=[(s2, e2)]))
        return sorted(mentions, key=lambda m: (m.start, m.end))


def make_nlp():
    """``spacy.blank("en")`` with the rule components, not yet loaded with a lexicon."""
    import spacy

    from . import components  # noqa: F401  (registers the factories)

    nlp = spacy.blank("en")
    nlp.add_pipe("kg_lemmatizer")
    nlp.add_pipe("kg_spellcheck")
    nlp.add_pipe("kg_phrases")
    return nlp


def _question_word(words: list[str]) -> tuple[str | None, str | None]:
    qword = command = None
    for i, word in enumerate(words):
        if qword is None and word in WH_WORDS:
            qword = "what" if word == "whats" else word
            following = [w for w in words[i + 1:] if w.strip()]
            if word == "how" and following and following[0] in HOW_MODIFIERS:
                qword = f"how {following[0]}"
        if command is None and word in COMMANDS:
            command = word
    return qword, command


def _form(words: list[str], qword: str | None, command: str | None) -> str:
    content = [w for w in words if w.strip() and any(c.isalnum() for c in w)]
    clauses = _clause_starts(words)
    opens_with_aux = any(w in AUXILIARIES for w in clauses)
    asks_to_do = command is not None and any(
        content[i] in AUXILIARIES and i + 2 < len(content) and content[i + 1] == "you" and content[i + 2] in COMMANDS
        for i in range(len(content)))
    if qword is not None and not (opens_with_aux and qword in SUBORDINATE and not asks_to_do):
        return "wh"
    if any(a in EMBEDDING and b in ("if", "whether") for a, b in zip(content, content[1:])):
        return "yesno"  # "I want to know if running tones the thighs": a yes/no question, embedded
    if command is not None and (content and content[0] in COMMANDS or asks_to_do):
        return "command"
    if opens_with_aux or (qword is None and any(w in AUXILIARIES for w in content)):
        return "yesno"
    if qword is not None:
        return "wh"
    if command is not None:
        return "command"
    return "fragment"


_OTHER_NAMES_LONGEST_FIRST = sorted(OTHER_NAMES, key=len, reverse=True)
_NAME_WORDS = {word for phrase in OTHER_NAMES for word in phrase}


def _naming(words: list[str], covered: set[int]) -> list[int]:
    """Positions of the phrases of OTHER_NAMES outside any name, longest first."""
    found: list[int] = []
    if not _NAME_WORDS & set(words):
        return found
    content = [i for i, w in enumerate(words) if w.strip()]
    for phrase in _OTHER_NAMES_LONGEST_FIRST:
        for k in range(len(content) - len(phrase) + 1):
            at = content[k:k + len(phrase)]
            if [words[i] for i in at] == list(phrase) and not (set(at) & covered) and not set(at) & set(found):
                found += at
    return sorted(found)


def _shared_heads(mentions: list[Mention], words: list[str], norms: list[str], lex: Lexicon) -> None:
    """ "hip and glute muscles": the head the second name ends with is the first's too, when the
    first with it is a name ("hip muscles"); the first mention then names that, first."""
    names = [m for m in mentions if m.kind == "entity"]
    for first, second in zip(names, names[1:]):
        between = [w for w in words[first.end:second.start] if w.strip()]
        if not between or any(w not in ("and", "or", ",", "&", "/") for w in between):
            continue
        own = [norms[i] for i in range(first.start, first.end) if norms[i].strip()]
        tail = [norms[i] for i in range(second.start, second.end) if norms[i].strip()]
        for cut in range(1, len(tail)):
            found = [iri for kind, iri, _ in lex.lookup(" ".join(own + tail[cut:])) if kind == "entity"]
            if found:
                first.iris = list(dict.fromkeys(found + first.iris))
                first.best = found[:1]
                break


def _choice(words: list[str], mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Names of things of one kind offered as alternatives ("quads or hammies", "climbs, sprints,
    or downhills", "a quads thing or a hamstrings thing", "quads vs hamstrings"): joined by "or"
    or "vs" (and commas), with only articles and fillers between. Empty when there are none, or
    they are not of one kind."""
    names = [m for m in mentions if m.kind == "entity"]
    joining = {"or", ",", "vs", "versus"}
    for first in range(len(names) - 1):
        chain, said_or = [names[first]], False
        for m in names[first + 1:]:
            between = [w for w in words[chain[-1].end:m.start] if w.strip()]
            if not between or any(w not in joining and w not in ARTICLES and w not in FILLERS for w in between):
                break
            said_or = said_or or bool({"or", "vs", "versus"} & set(between))
            chain.append(m)
            if said_or:
                break
        kinds = {lex.specific_type(m.iris[0]) for m in chain}
        if said_or and len(chain) >= 2 and len(kinds) == 1 and None not in kinds \
                and len({m.iris[0] for m in chain}) == len(chain):
            return chain
    return []


def _clause_starts(words: list[str]) -> list[str]:
    """The first word of the question and of each clause after a comma, colon or dash."""
    starts, expect = [], True
    for w in words:
        if not w.strip():
            continue
        if w in {",", ":", ";", "-", "--", "—", "–", "?", "!", "."}:
            expect = True
            continue
        if expect and any(c.isalnum() for c in w):
            starts.append(w)
            expect = False
    return starts


def _passive(doc) -> set[int]:
    """Positions of past participles after a form of 'be' or 'get' (were engaged, is used by)."""
    found = set()
    be = {"is", "are", "was", "were", "be", "been", "being", "get", "gets", "got", "am"}
    for token in doc:
        if token.i == 0:
            continue
        text = token.lower_
        looks_participle = text.endswith(("ed", "en")) or text in {"made", "used", "done", "built", "worked"}
        if not looks_participle:
            continue
        before = [t for t in doc[max(0, token.i - 4):token.i] if t.lower_.strip()]
        nxt = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
        if any(t.lower_ in be for t in before) or nxt == "by":
            found.add(token.i)
    return found


def _request(words: list[str]) -> int | None:
    """The position of "do" after a modal ("what should I do?", "what can a beginner do to ..."),
    which asks what to do rather than naming a relation."""
    for i, word in enumerate(words):
        if word == "do" and any(w in MODALS for w in [w for w in words[max(0, i - 4):i] if w.strip()]):
            return i
    return None


def _auxiliary(doc, span) -> bool:
    """Whether a one-word relation match is just an auxiliary ('what DO the adductors do?'): one
    stands before its subject, while a verb followed by a preposition or a time word is the main
    verb ('what do hip muscles DO when running?')."""
    if span.end - span.start != 1 or span[0].lower_ not in AUXILIARIES:
        return False
    after = [t for t in doc[span.end:] if t.text.strip()]
    return bool(after) and (after[0].is_alpha or after[0].is_digit) and \
        after[0].lower_ not in FUNCTION_WORDS and after[0].lower_ not in TIME_WORDS


def _command(doc, span) -> bool:
    """Whether a one-word relation match is the command opening the question ('define PFPS')."""
    if span.end - span.start != 1 or span[0].lower_ not in COMMANDS:
        return False
    before = [t for t in doc[:span.start] if t.text.strip() and (t.is_alpha or t.is_digit)]
    return not before or before[-1].lower_ in ("please", "you", "me")


def _leftovers(doc, question: str, covered: set[int], vocabulary: set[str], words: list[str], form: str):
    """Runs of content words no mention covers: unknown to the graph, or known but naming nothing.

    A run that mixes both ('bulgarian split squats') is an unknown term as a whole. An adverb the
    graph does not know, in a question asking for things, says how, not what (nlp.words.manner).
    """
    runs, current = [], []
    for token in doc:
        word = words[token.i]
        # Stop words count when the graph uses them in names ("side", "back", "front").
        content = (token.is_alpha and token.i not in covered and len(word) > 1 and not grammatical(word)
                   and (word not in STOP_WORDS or token.norm_ in vocabulary) and token.norm_ not in PATH_WORDS
                   and not (form in ("wh", "command") and token.norm_ not in vocabulary and adverb(word))
                   and not usual(words, token.i))
        if content:
            current.append(token)
        elif not word.strip() and current:
            continue
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    unknown, partial = [], []
    for run in runs:
        mention = Mention("unknown", run[0].i, run[-1].i + 1, question[run[0].idx:run[-1].idx + len(run[-1])], [],
                          run[0].idx, run[-1].idx + len(run[-1]))
        if all(t.norm_ in vocabulary for t in run):
            mention.kind = "partial"
            partial.append(mention)
        else:
            unknown.append(mention)
    return unknown, partial


#: The ranges of values that are counted (a number in a question can be one of them).
_COUNTED = {XSD + kind for kind in ("integer", "int", "decimal", "double", "float", "nonNegativeInteger",
                                    "positiveInteger")}


def _quantities(words: list[str], mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """Numbers said with the unit of a counted value ("30 minutes", "a 30-minute run"): each a
    quantity mention with the value's properties, its text the number."""
    found = []
    for unit in mentions:
        props = [i for i in unit.iris if unit.kind == "relation" and lex.properties[i].datatype
                 and lex.properties[i].range in _COUNTED]
        before = [k for k in range(unit.start) if words[k].strip() and words[k] != "-"][-1:]
        if props and before and amount(words[before[0]]) is not None:
            at = before[0]
            found.append(Mention("quantity", at, at + 1, str(amount(words[at])), props))
    return found


def _stated_values(words: list[str], norms: list[str], mentions: list[Mention], lex: Lexicon) -> list[Mention]:
    """A text value of a worded datatype property said in the question, whole or its first words
    ("most days" for "most days of the week"), outside other names: a quantity mention whose text
    is the graph's value."""
    taken = {i for m in mentions for i in range(m.start, m.end) if m.kind in ("entity", "class")}
    content = [i for i, w in enumerate(words) if w.strip()]
    found = []
    for prop in lex.properties.values():
        for value in prop.values:
            wanted = [lex.lemma(w) for w in normalize(value).lower().split()]
            for size in range(len(wanted), 1, -1):
                runs = [content[k:k + size] for k in range(len(content) - size + 1)
                        if [norms[i] for i in content[k:k + size]] == wanted[:size]]
                runs = [run for run in runs if not set(run) & taken]
                if runs:
                    found.append(Mention("quantity", runs[0][0], runs[0][-1] + 1, value, [prop.iri]))
                    break
    return found


def _restatements(mentions: list[Mention], words: list[str]) -> list[Mention]:
    """A name restated right after itself in another form, set off only by punctuation ("runner's
    knee (patellofemoral pain syndrome)", "PFPS - runner's knee"): one mention of one thing."""
    kept: list[Mention] = []
    for m in mentions:
        last = next((k for k in reversed(kept) if k.kind == "entity"), None)
        if m.kind == "entity" and last is not None and set(m.iris) == set(last.iris) and \
                not any(c.isalnum() for w in words[last.end:m.start] for c in w) and \
                not any(k.start >= last.end and k.end <= m.start for k in kept):
            last.also.append((m.start, m.end))
            continue
        kept.append(m)
    return kept

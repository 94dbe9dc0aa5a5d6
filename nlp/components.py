"""spaCy rule components for questions, registered with ``Language.factory``.

The pipeline is ``spacy.blank("en")`` plus, in order:

- ``kg_lemmatizer``: sets each token's lemma and norm from the lexicon's lemma table;
- ``kg_spellcheck``: maps a word the graph does not know to the closest word it does (typos);
- ``kg_phrases``: finds the longest runs of lemmas that name an entity, a class or a relation.

Each component takes the lexicon through ``load(lexicon)``; none of them lists domain words.
"""

import difflib
import functools

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from .grammar import WH_WORDS, grammatical

SPANS = "kg"  # doc.spans key for matched phrases

if not Doc.has_extension("kg_corrections"):
    Doc.set_extension("kg_corrections", default=None)


class Lemmatizer:
    """Lemma and norm of every token from a lookup table built from the graph's own words."""

    def __init__(self):
        self.table: dict[str, str] = {}

    def load(self, lexicon) -> None:
        self.table = lexicon.lemmas

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            lower = token.lower_
            lemma = self.table.get(lower, lower)
            token.lemma_ = lemma
            token.norm_ = lemma
        return doc


class Spellcheck:
    """Read a word the graph does not know as the vocabulary word it was probably meant to be.

    A correction is taken only when it looks like a typo: one letter dropped, added, or swapped
    with its neighbour, or replaced by a key next to it on a QWERTY keyboard, keeping the first
    letter; or, for words of nine letters or more, a close match (difflib ratio >= ``cutoff``) with
    the same first letter. A word
    next to another word that has no such correction is left alone: "shin splints" is a name the
    graph lacks, not a typo of "sprints". Corrections are recorded on ``doc._.kg_corrections``.
    """

    def __init__(self, cutoff: float = 0.85):
        self.cutoff = cutoff
        self.lexicon = None
        self.known: set[str] = set()
        self.lemmas: dict[str, str] = {}

    def load(self, lexicon) -> None:
        self.lexicon = lexicon
        self.lemmas = lexicon.lemmas
        self.known = lexicon.spelled

    def __call__(self, doc: Doc) -> Doc:
        unknown = {t.i for t in doc if self._unknown(t)}
        fixes = {i: self._correct(doc[i].lower_) for i in unknown}
        for t in doc:
            # A question word mistyped ("wat does ITBS stand for"): short, so only one edit away.
            if t.i not in unknown and t.is_alpha and 2 <= len(t) <= 5 and not grammatical(t.lower_) \
                    and t.lower_ not in self.known and t.norm_ not in self.known:
                near = sorted(w for w in _one_edit(t.lower_) if w in WH_WORDS and w[0] == t.lower_[0])
                if near:
                    unknown.add(t.i)
                    fixes[t.i] = near[0]
        corrections = []
        for i, fix in fixes.items():
            if fix is None or (fix not in WH_WORDS and _english(doc[i].lower_)):
                continue  # a real word ("shoes") is not a typo of a graph word ("shows")
            neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(doc)]
            neighbours += [j for j in (i - 2, i + 2) if 0 <= j < len(doc) and not doc[(i + j) // 2].text.strip()]
            if any(j in unknown and fixes.get(j) is None for j in neighbours):
                continue
            doc[i].norm_ = self.lemmas.get(fix, fix)
            corrections.append((i, doc[i].text, fix))
        doc._.kg_corrections = corrections
        return doc

    def _unknown(self, token) -> bool:
        word = token.lower_
        return not (len(word) < 4 or not word.isalpha() or word in self.known or token.norm_ in self.known
                    or word in STOP_WORDS or grammatical(word))

    def _correct(self, word: str) -> str | None:
        # People seldom mistype the first letter, so a correction keeps it (or swaps the first two).
        near = [w for w in _one_edit(word) if w in self.known and (w[0] == word[0] or w[:2] == word[1::-1])]
        if near:
            # A word that is a whole name on its own ('injury') beats a piece of a longer one ('injure').
            return sorted(near, key=lambda w: (not self.lexicon.is_name(self.lemmas.get(w, w)), w))[0]
        if len(word) >= 9:
            close = [c for c in difflib.get_close_matches(word, self.lexicon.words_like(word), n=3, cutoff=self.cutoff)
                     if c[0] == word[0]]
            return close[0] if close else None
        return None


def _english(word: str) -> bool:
    """Whether a word is in lemminflect's English dictionary. Loaded only when a correction is about
    to be made (about 0.2 s, once per process), so questions without typos never pay for it."""
    import lemminflect

    return bool(lemminflect.getAllLemmas(word))


_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _adjacent_keys(letter: str) -> str:
    for r, row in enumerate(_KEYBOARD):
        c = row.find(letter)
        if c >= 0:
            near = row[max(0, c - 1):c] + row[c + 1:c + 2]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_KEYBOARD):
                    near += _KEYBOARD[other][max(0, c - 1):c + 2]
            return near
    return ""


def _one_edit(word: str) -> set[str]:
    """Words one typo away: a letter dropped, doubled or added, two neighbours swapped, a key slipped."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    out = set()
    for i in range(len(word) + 1):
        if i < len(word):
            out.add(word[:i] + word[i + 1:])                       # an extra letter typed
            for k in _adjacent_keys(word[i]):
                out.add(word[:i] + k + word[i + 1:])               # a neighbouring key hit
        if i < len(word) - 1:
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2:])   # two letters swapped
            if word[i] == word[i + 1]:
                # the wrong letter doubled ("begginer"): undouble it, double a neighbour instead
                single = word[:i] + word[i + 1:]
                for j in range(max(0, i - 2), min(len(single), i + 3)):
                    out.add(single[:j + 1] + single[j] + single[j + 1:])
        for k in letters:
            out.add(word[:i] + k + word[i:])                       # a letter left out
    out.discard(word)
    return out


class Phrases:
    """Longest-match lookup of lemma sequences against the lexicon's names and phrases.

    A match becomes a span in ``doc.spans["kg"]`` labelled ``entity``, ``class`` or ``relation``;
    its candidate IRIs, best first, are in ``doc.user_data["kg_candidates"]``. Pronouns inside a
    name are skipped ("propel you forward"), and so are articles inside names of three words or
    more ("keep the knees and feet aligned"); a two-word name must be typed whole, so "is running
    an injury" does not read as "running injury".
    """

    def __init__(self):
        self.max_words = 1
        self.lexicon = None

    def load(self, lexicon) -> None:
        from .grammar import FUNCTION_WORDS

        self.lexicon = lexicon
        # Whitespace and skipped words sit between a name's words, so allow for them in the window.
        self.max_words = 2 * lexicon.max_words + 2
        # Words an article may follow inside a name: prepositions and the words of relation phrases.
        self.joining = FUNCTION_WORDS | {lexicon.lemma(w) for p in lexicon.properties.values()
                                         for phrase in p.phrases for w in phrase.lower().split()}

    def __call__(self, doc: Doc) -> Doc:
        from .grammar import ARTICLES, PRONOUNS

        norms = [t.norm_ for t in doc]
        words = [t.lower_ for t in doc]
        # Read once: each doc[i] makes a new Token object, and the loops below look many times.
        wordlike = [t.is_alpha or t.is_digit for t in doc]
        known = self.lexicon.vocabulary
        lookup = self.lexicon.lookup
        found = []  # (start, end, kind, iris, similarity)
        for start in range(len(doc)):
            if not wordlike[start] or words[start] in PRONOUNS or norms[start] not in known:
                continue
            for end in range(min(len(doc), start + self.max_words), start, -1):
                if not wordlike[end - 1] or words[end - 1] in PRONOUNS \
                        or (words[end - 1] in ARTICLES and end - start > 1):
                    continue
                span = [i for i in range(start, end) if norms[i].strip()]
                loose_span = [i for i in span if words[i] not in PRONOUNS]
                bare = [i for i in loose_span if words[i] not in ARTICLES]
                if any(norms[i] not in known for i in bare):
                    if len(bare) >= 3 and norms[bare[-1]] in known:
                        found.extend(_candidates(start, end, " ".join(words[i] for i in span),
                                                 self._predicative(loose_span, norms, words)))
                    continue  # a word no name has: no name can match here, so skip the lookups
                strict = " ".join(norms[i] for i in span)
                loose = " ".join(norms[i] for i in loose_span)
                entries = lookup(strict) or (loose != strict and lookup(loose))
                # An article skipped inside a longer name only after a word that takes one ("back
                # of the thigh", "keep the knees aligned"), not between nouns ("glutes a muscle group").
                if not entries and len(bare) >= 3 and all(
                        norms[i - 1] in self.joining for i in loose_span if words[i] in ARTICLES and i > start):
                    entries = lookup(" ".join(norms[i] for i in bare))
                if not entries and len(bare) >= 2:
                    entries = self._predicative(loose_span, norms, words)
                if entries:
                    typed = " ".join(words[i] for i in span)
                    found.extend(_candidates(start, end, typed, entries))
        exclude = doc.user_data.get("kg_exclude", set())
        found = [f for f in found if (f[0], f[1], f[2]) not in exclude]
        doc.user_data["kg_found"] = found
        spans, candidates = [], {}
        for start, end, kind, iris, _, _ in _resolve(found):
            spans.append(Span(doc, start, end, label=kind))
            candidates[(start, end, kind)] = iris
        doc.spans[SPANS] = spans
        doc.user_data["kg_candidates"] = candidates
        return doc


    def _predicative(self, span: list[int], norms: list[str], words: list[str]):
        """A name "<adjective> <noun>" said the other way round, the adjective as what the noun is
        or becomes ("thighs look sleeker", "make your legs bulky"): the things of that name. Only
        a linking verb may stand between; only things, not classes or relations, are named so."""
        from .grammar import BE, LINKING_VERBS, adjective

        kept = [i for i in span if words[i] not in BE and norms[i] not in LINKING_VERBS]
        if len(kept) < 2 or kept[-1] != span[-1] or any(b != k for b, k in zip(span, kept[:-1])) \
                or any(words[i] in STOP_WORDS or grammatical(words[i]) for i in kept):
            # The noun's words first, then only linking verbs, then the adjective; an article or
            # other grammar word among them ends the noun ("tone the muscles" is no "muscle tone").
            return []
        if not adjective(words[kept[-1]]):
            return []
        entries = self.lexicon.lookup(" ".join(norms[i] for i in [kept[-1], *kept[:-1]]))
        return [e for e in entries if e[0] == "entity"]


def _candidates(start, end, typed, entries):
    """One match per kind; its IRIs ordered by how closely their own words resemble what was typed."""
    by_kind: dict[str, dict[str, float]] = {}
    for kind, iri, surface in entries:
        score = by_kind.setdefault(kind, {})
        score[iri] = max(score.get(iri, 0.0), _similarity(typed, surface))
    for kind, score in by_kind.items():
        iris = sorted(score, key=lambda i: -score[i])
        best = [i for i in iris if score[i] == score[iris[0]]]
        yield start, end, kind, (iris, best), max(score.values()), len(typed.split())


@functools.lru_cache(maxsize=4096)
def _similarity(typed: str, surface: str) -> float:
    """difflib's ratio of two spellings (1.0 when equal, the common case, without difflib's work);
    cached, since the same names come up question after question."""
    return 1.0 if typed == surface else difflib.SequenceMatcher(None, typed, surface).ratio()


#: Weight per word of a match when choosing how to cut a question into names: a reading that finds
#: an entity beats one that finds only a class ("reduce the risk of injury" holds the entity
#: "risk of injury", not the relation "reduce the risk of" and the class "injury").
WEIGHTS = {"entity": 1.3, "relation": 1.0, "class": 0.8}


def _resolve(found):
    """The set of non-overlapping matches with the greatest total weight (weighted interval choice).

    A class and a relation on the same words both stay (they agree: 'function', 'exercises'). On the
    same words an entity and a relation compete; the one whose own words look most like what was
    typed wins ('tones' is the relation 'tone', not the entity named 'toning').
    """
    groups: dict[tuple[int, int], list] = {}
    for f in found:
        groups.setdefault((f[0], f[1]), []).append(f)
    options = []
    for (start, end), matches in groups.items():
        classes = [m for m in matches if m[2] == "class"]
        others = sorted((m for m in matches if m[2] != "class"), key=lambda m: (-round(m[4], 3), m[2] != "entity"))
        chosen = others[:1]
        if classes and (not chosen or chosen[0][2] == "relation"):
            chosen += classes[:1]
        words = chosen[0][5]
        # A name of several words is one thing: "running injury" is the class, not "running" + "injury".
        bonus = 0.6 if words > 1 and chosen[0][2] != "relation" else 0.0
        weight = max(WEIGHTS[m[2]] for m in chosen) * words + bonus
        options.append((start, end, weight, chosen))
    options.sort(key=lambda o: o[1])
    # best[j]: the best total over the first j options (sorted by end), classic interval scheduling.
    ends = [o[1] for o in options]
    best = [(0.0, [])]
    import bisect

    for j, (start, end, weight, chosen) in enumerate(options):
        k = bisect.bisect_right(ends, start, 0, j)
        take = best[k][0] + weight
        if take > best[j][0] + 1e-9:
            best.append((take, best[k][1] + chosen))
        else:
            best.append(best[j])
    return sorted(best[-1][1], key=lambda f: (f[0], f[1]))


@Language.factory("kg_lemmatizer")
def make_lemmatizer(nlp: Language, name: str) -> Lemmatizer:
    return Lemmatizer()


@Language.factory("kg_spellcheck", default_config={"cutoff": 0.85})
def make_spellcheck(nlp: Language, name: str, cutoff: float) -> Spellcheck:
    return Spellcheck(cutoff)


@Language.factory("kg_phrases")
def make_phrases(nlp: Language, name: str) -> Phrases:
    return Phrases()

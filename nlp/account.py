"""Account for every word: a reading may answer only if it explains every word that carries meaning.

Each word of a question is explained by the reading that answers it (an entity, a class, a
relation or a state it uses), by the grammar of questions (question words, auxiliaries, pronouns,
articles, prepositions and other function words), or by being the graph's topic named in passing
("after running"). A word left over that carries meaning ("ice", "shoes", "sore", "less than")
means the question asks something the reading does not: then nothing is answered.
"""

from dataclasses import dataclass, field

from spacy.lang.en.stop_words import STOP_WORDS

from .grammar import FUNCTION_WORDS, LIGHT_VERBS, NAMING, RESTRICTIVE, TIME_WORDS, grammatical, number
from .lexicon import Lexicon
from .parse import Mention, Parse


@dataclass
class Account:
    """Which words a frame explains and by what; ``left`` holds the positions of those it does not."""

    explained: dict[int, str] = field(default_factory=dict)
    left: list[int] = field(default_factory=list)

    def lines(self, parse: Parse) -> list[str]:
        """For --explain: each word with what accounts for it, then the words nothing accounts for."""
        shown = [f"{parse.words[i]!r}: {why}" for i, why in sorted(self.explained.items())]
        out = ["accounted for: " + "; ".join(shown)] if shown else []
        if self.left:
            out.append("not accounted for: " + ", ".join(repr(parse.words[i]) for i in self.left))
        return out


def carries_meaning(parse: Parse, i: int, lex: Lexicon) -> bool:
    """Whether the word at ``i`` says something a reading must explain.

    Grammar words never do; nor do other stop words, unless they name a thing ('back', 'side')
    or restrict what is asked ('only', 'than', 'without', numbers).
    """
    word = parse.words[i]
    if i in parse.idioms:
        return False
    if len(word) < 2 and not word.isdigit() or not any(c.isalnum() for c in word):
        return False  # a letter alone: "r u", the s of "whats"
    if word in RESTRICTIVE or number(word):
        return True
    if grammatical(word) or word in FUNCTION_WORDS:
        return False
    if word in STOP_WORDS:
        return word in NAMING
    return True


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
        elif mention.kind == "relation" and all(
                w in STOP_WORDS or n in LIGHT_VERBS or w in FUNCTION_WORDS or grammatical(w) or not w.strip()
                for w, n in zip(parse.words[mention.start:mention.end], parse.norms[mention.start:mention.end])):
            for i in range(mention.start, mention.end):
                result.explained.setdefault(i, "a light verb or preposition")
    for i, word in enumerate(parse.words):
        if i in result.explained or not word.strip():
            continue
        if carries_meaning(parse, i, lex):
            result.left.append(i)
        elif any(c.isalnum() for c in word):
            result.explained[i] = "grammar"
    return result

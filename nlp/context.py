"""Follow-up questions: a question that points back at the one before it.

A conversation keeps what the last understood question named and answered, and reads a follow-up
against it before parsing:

- a pointer word standing alone stands for what the last question named ("what prevents it?")
  or, plural, for what it answered ("what strengthens them?");
- "which of those ..." asks the same of the last answers only;
- "and ...?" / "what about ...?" with a new name asks the last question again of that name.

Nothing here knows the domain: the words are grammar (nlp/grammar.py), the names come from the
graph through the parse.
"""

from dataclasses import dataclass, field

from .grammar import AGAIN, ARTICLES, PLURAL, SINGULAR
from .parse import Parse


@dataclass
class Turn:
    """What a follow-up may point back to."""

    question: str
    named: list[tuple[str, str, str]]  # (text as typed, iri, label) of each thing the question named
    answers: list[tuple[str, str]]     # (iri, label) of each answer
    classes: list[str] = field(default_factory=list)  # the class label of the answers, when they share one


class Conversation:
    """Asks questions through an Asker, reading each against the previous one."""

    def __init__(self, asker):
        self.asker = asker
        self.last: Turn | None = None

    def ask(self, question: str):
        """The answer to ``question``, read as a follow-up where it points back; its explain says how."""
        resolved, within, note = self.resolve(question)
        answer = self.asker.ask(resolved, within=within)
        if note:
            answer.explain.insert(0, note)
        if answer.understood and (answer.answers or answer.entities):
            self.remember(resolved, answer)
        return answer

    def remember(self, question: str, answer) -> None:
        lex = self.asker.lexicon
        types = {lex.specific_type(a.iri) for a in answer.answers}
        classes = [lex.label(t) for t in types if t] if len(types) == 1 else []
        self.last = Turn(question, [(e["text"], e["iri"], e["label"]) for e in answer.entities],
                         [(a.iri, a.label) for a in answer.answers], classes)

    def resolve(self, question: str) -> tuple[str, set[str] | None, str | None]:
        """(the question to ask, the answers to keep or None, what was taken from before or None)."""
        last = self.last
        if last is None:
            return question, None, None
        parse = self.asker.parse(question)
        free = _free_words(parse)
        words = [w for w in parse.words if w.strip()]
        opening = next((a for a in sorted(AGAIN, key=len, reverse=True) if tuple(words[:len(a)]) == a), None)
        if opening and parse.of("entity") and not parse.of("relation") and last.named:
            # "and <name>?": the last question, with the new name in place of its first one.
            new = parse.of("entity")[0]
            old_text = last.named[0][0]
            if old_text in last.question:
                again = last.question.replace(old_text, new.text, 1)
                return again, None, f"follow-up: the last question again, of {new.text!r}: {again!r}"
        for i in free:
            word = parse.words[i]
            start, end = parse.offsets[i], parse.offsets[i] + len(word)
            before = [w for w in parse.words[:i] if w.strip()]
            if word in PLURAL and last.answers and before[-2:] in (["which", "of"], ["what", "of"]):
                # "which of those ...": the same question, its answers kept to the last ones.
                of = max(j for j in range(i) if parse.words[j] == "of")
                cut, rest = parse.offsets[of], question[end:]
                cls = f" {last.classes[0]}" if last.classes else ""
                asked = question[:cut].rstrip() + cls + rest
                names = ", ".join(label for _, label in last.answers)
                return asked, {iri for iri, _ in last.answers}, f"follow-up: {word!r} taken to be {names}"
            if word in PLURAL and last.answers:
                names = [label for _, label in last.answers]
                said = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
                return question[:start] + said + question[end:], None, f"follow-up: {word!r} taken to be {said}"
            if word in SINGULAR and last.named:
                label = last.named[0][2]
                return question[:start] + label + question[end:], None, f"follow-up: {word!r} taken to be {label}"
        return question, None, None


def _free_words(parse: Parse) -> list[int]:
    """Positions of the words no name, class or relation covers, that stand alone (not "those
    exercises": a pointer before a class word is the question's own noun phrase)."""
    covered = {i for m in parse.mentions for i in range(m.start, m.end)}
    classes = {m.start for m in parse.of("class")}
    free = []
    for i, word in enumerate(parse.words):
        if i in covered or word not in SINGULAR | PLURAL:
            continue
        after = next((j for j in range(i + 1, len(parse.words)) if parse.words[j].strip() and
                      parse.words[j] not in ARTICLES), None)
        if after is not None and after in classes:
            continue
        free.append(i)
    return free

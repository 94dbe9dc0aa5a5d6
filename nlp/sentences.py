"""Which part of a message is asked: one question among statements that set it up.

"Coach here. Which muscles do hill repeats load?", "What muscles does running work? The answer
might surprise you": the statements say who asks, why, or tease; the question is what to answer.
When a message holds exactly one question and some statements, the question is read alone and
the statements are set aside (``--explain`` shows them), unless the question names nothing
itself ("I want stronger hamstrings. What should I do?"; nlp.Asker decides that). Several
questions, or none marked, are read whole as before: which one to answer would be a guess.

>>> asked("Coach here. Which muscles do hill repeats load?")
('Which muscles do hill repeats load?', ['Coach here.'])
>>> asked("what prevents runner's knee?")
("what prevents runner's knee?", [])

A yes/no question may end with its contrary ("does running work the adductors, or is that gym
talk?", "... or not?"): the question is the first clause, and a yes or no answers both.

>>> asked("do calves get used when running or is it all thighs")
('do calves get used when running', ['or is it all thighs'])
"""

import re

from .grammar import AUXILIARIES, COMMANDS, CONJUNCTIONS, FILLERS, WH_WORDS

#: A sentence ends at ? ! . or an ellipsis followed by a space.
_END = re.compile(r"(?<=[?!.…])\s+")
_WORD = re.compile(r"[a-z']+")
_OPENINGS = WH_WORDS | AUXILIARIES | COMMANDS


def split(text: str) -> list[str]:
    """The sentences of ``text``, as typed."""
    return [part for part in _END.split(text.strip()) if any(c.isalnum() for c in part)]


def is_question(sentence: str) -> bool:
    """Whether a sentence asks: it ends with a question mark, or opens (after "so", "ok", "and")
    with a question word, an auxiliary or a command ("which muscles ...", "list the ...")."""
    if sentence.rstrip().endswith("?"):
        return True
    words = _WORD.findall(sentence.lower())
    first = next((w for w in words if w in _OPENINGS or w not in CONJUNCTIONS | FILLERS | {"so"}), None)
    return first in _OPENINGS


def asked(text: str) -> tuple[str, list[str]]:
    """(the part of ``text`` to answer, the statements set aside)."""
    parts = split(text)
    if len(parts) < 2:
        return contrary(text)
    questions = [p for p in parts if is_question(p)]
    if len(questions) != 1:
        return text, []
    question, tail = contrary(questions[0])
    return question, [p for p in parts if p is not questions[0]] + tail


#: Words that open the contrary of a yes/no question after "or" ("or is it ...", "or not").
_CONTRARY = AUXILIARIES | {"not", "nah", "no", "nope"}


def contrary(question: str) -> tuple[str, list[str]]:
    """(a yes/no question without the contrary it ends with, [that contrary]), or (question, [])."""
    words = _WORD.findall(question.lower())
    if not words or words[0] not in AUXILIARIES:
        return question, []
    for match in re.finditer(r"[,;]?\s+or\s+([a-z']+)", question, flags=re.IGNORECASE):
        if match.group(1).lower() in _CONTRARY and any(c.isalnum() for c in question[:match.start()]):
            return question[:match.start()], [question[match.start():].strip(" ,;")]
    return question, []

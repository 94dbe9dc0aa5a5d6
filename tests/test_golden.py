"""Golden files: question -> type, SPARQL, answers, for a fixed set of questions of every shape.

A change in how a question is read shows up here as a diff. After checking that the new output
is right, regenerate with:  UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "ask.jsonl"
QUESTIONS = [
    "what prevents runner's knee?",
    "which muscles does sprinting engage?",
    "what causes IT band syndrome?",
    "where are the glutes?",
    "what do the adductors do?",
    "what is PFPS?",
    "which exercises strengthen the muscles used when sprinting?",
    "what injuries can weakness in the muscles engaged by running uphill cause?",
    "how many exercises prevent ITBS?",
    "list all injuries",
    "does running make your legs bulky?",
    "are the hamstrings stronger than the quads?",
    "does sprinting engage the calves?",
    "how are the glutes related to runner's knee?",
    "how should a beginner start running?",
    "hamstring exercises",
    "what prevents shin splints?",
    "knee pain",
    "what is the capital of France?",
    # Each shape of answer the understanding work added (issue 10), and each kind of refusal.
    "how do I fix weak hips?",
    "what should I do about IT band syndrome?",
    "I want sleeker thighs, what should I do?",
    "how many minutes should beginners run?",
    "can weak glutes cause knee problems?",
    "are the adductors the same as the inner thigh muscles?",
    "can running alone fix muscle imbalances?",
    "can running alone tone the adductors?",
    "do tight hamstrings cause runner's knee?",
    "does a foam roller help with tight hamstrings?",
    "what do sumo squats have to do with the adductors?",
    "what does ITBS stand for?",
    "what relieves tight glutes?",
    "should I ice my quads after a long run?",
    "which shoes stop runner's knee?",
    "does uphill running tone the glutes more than sprinting?",
    "what helps prevent tone strengthen relieve stabilize the glutes hamstrings quads adductors calves",
    # the sentence says the reading that found the answer, not the first one tried
    "what does a foam roller help with?",
    # a relation said of a group holds of its members (kg:distributes); both facts cited
    "does running strengthen the hamstrings?",
    # one question among statements: the statements are set aside
    "Coach here, long-time runner. Which exercises prevent runner's knee?",
]


def _record(answer) -> dict:
    return {"question": answer.question, "type": answer.type, "understood": answer.understood,
            "sparql": answer.sparql, "answers": [[a.iri, a.inferred, a.sources] for a in answer.answers],
            "boolean": answer.boolean, "count": answer.count, "text": answer.text}


def test_golden_answers(asker):
    records = [_record(asker.ask(q)) for q in QUESTIONS]
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        pytest.skip("golden file rewritten")
    expected = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in expected] == QUESTIONS
    for got, want in zip(records, expected):
        assert got == want, got["question"]


# -- the text a runner reads ---------------------------------------------------------------------

TEXT = Path(__file__).parent / "golden" / "ask.txt"
#: (flags, question): every kind of answer and refusal, both articles' headline questions, an
#: inferred answer with and without --why, and the next step on and off.
SHOWN = [
    ((), "what prevents runner's knee?"),
    (("--why",), "what prevents runner's knee?"),
    ((), "what causes IT band syndrome?"),
    (("--no-advice",), "what causes IT band syndrome?"),
    ((), "which exercises strengthen the muscles used when sprinting?"),
    ((), "how many exercises prevent ITBS?"),
    ((), "list all injuries"),
    ((), "Does running help the inner thighs?"),
    (("--why",), "does running engage the adductors?"),
    ((), "Does Running Trim Thigh Muscles?"),
    ((), "does running make your legs bulky?"),
    ((), "are hamstrings injuries?"),
    ((), "does sprinting engage the calves?"),
    ((), "can running alone tone the adductors?"),
    ((), "what is PFPS?"),
    ((), "how are the glutes related to runner's knee?"),
    ((), "how many minutes should beginners run?"),
    ((), "what do squats strengthen?"),
    ((), "what prevents shin splints?"),
    ((), "what is the capital of France?"),
    ((), "should I ice my quads after a long run?"),
]


def test_golden_text(asker):
    """The rendered text of each answer, as `kg ask [flags] QUESTION` prints it in a pipe."""
    from nlp.render import text

    shown = []
    for flags, question in SHOWN:
        rendered = text(asker.ask(question), why="--why" in flags, advice="--no-advice" not in flags,
                        label=asker.lexicon.label)
        shown.append(f"$ kg ask {' '.join(flags) + ' ' if flags else ''}\"{question}\"\n{rendered}")
    got = "\n".join(shown)
    if os.environ.get("UPDATE_GOLDEN"):
        TEXT.write_text(got, encoding="utf-8")
        pytest.skip("golden file rewritten")
    assert got == TEXT.read_text(encoding="utf-8")

"""The question suite: questions written as users ask them, scored QALD-style against the graph.

Precision, recall and F1 per question over the answer sets (yes/no, counts and definitions score 1
or 0); the macro averages are printed in the test run's summary.
"""

from collections import Counter

import pytest

from .questions.score import HELDOUT, REPORTS, SUITE, load_suite, score, summary


def _run(asker, path):
    entries = load_suite(path)
    scores = [score(entry, asker.ask(entry["q"])) for entry in entries]
    return scores, summary(scores)


def test_questions_suite_covers_every_kind():
    entries = load_suite(SUITE)
    kinds = Counter(next(iter(e["expect"])) for e in entries)
    assert len(entries) >= 200
    assert {"answers", "boolean", "count", "definition", "path", "understood"} <= set(kinds)
    booleans = Counter(e["expect"]["boolean"] for e in entries if "boolean" in e["expect"])
    assert booleans[True] and booleans[False] and booleans[None]
    refusals = Counter(e["expect"]["type"] for e in entries if "understood" in e["expect"])
    assert refusals["out_of_domain"] and refusals["unknown_term"] and refusals["ambiguous"]


def test_questions_suite_macro_f1(asker):
    scores, result = _run(asker, SUITE)
    REPORTS["suite (tests/questions/suite.jsonl)"] = result
    failures = [f"{s.f1:.2f} {s.question!r}: got {s.got}, expected {s.expected}" for s in scores if s.f1 < 1]
    assert result["macro_f1"] >= 0.97, "\n".join(failures)


@pytest.mark.skipif(not HELDOUT.exists(), reason="no held-out set")
def test_questions_heldout_macro_f1(asker):
    """A second set, written after the parser by someone who never saw it: a check on overfitting."""
    scores, result = _run(asker, HELDOUT)
    REPORTS["held-out (tests/questions/heldout.jsonl)"] = result
    failures = [f"{s.f1:.2f} {s.question!r}: got {s.got}, expected {s.expected}" for s in scores if s.f1 < 1]
    assert result["macro_f1"] >= 0.85, "\n".join(failures)

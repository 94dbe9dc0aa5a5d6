"""QALD-style scoring of the question suite: precision, recall and F1 per question, macro averages.

    python -m tests.questions.score [--failures]
"""

import json
from dataclasses import dataclass
from pathlib import Path

from kg import terms

SUITE = Path(__file__).parent / "suite.jsonl"
HELDOUT = Path(__file__).parent / "heldout.jsonl"

#: Results of the test run, printed in the terminal summary (tests/conftest.py).
REPORTS: dict[str, dict] = {}


@dataclass
class Score:
    question: str
    category: str
    kind: str
    precision: float
    recall: float
    f1: float
    got: str
    expected: str


def load_suite(path: Path = SUITE) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _iri(name: str) -> str:
    return terms.KG + name.split(":", 1)[1] if name.startswith("kg:") else name


def _prf(got: set, gold: set) -> tuple[float, float, float]:
    if not got and not gold:
        return 1.0, 1.0, 1.0
    if not got or not gold:
        return (0.0 if got else 1.0), (0.0 if gold else 1.0), 0.0
    hit = len(got & gold)
    p, r = hit / len(got), hit / len(gold)
    return p, r, (2 * p * r / (p + r) if hit else 0.0)


def score(entry: dict, answer) -> Score:
    """Score one system answer (an nlp.Answer) against one suite entry."""
    expect = entry["expect"]
    kind = next(iter(expect))
    got_iris = {a.iri for a in answer.answers}
    if kind == "answers":
        gold = {_iri(x) for x in expect["answers"]}
        got = got_iris if answer.understood and answer.type in ("relation", "list", "count", "value") else set()
        p, r, f = _prf(got, gold)
        if not answer.understood:
            p, r, f = (0.0, 0.0, 0.0) if gold else (1.0, 1.0, 1.0)
        shown = sorted(terms.shorten(i) for i in got)
    else:
        if kind == "boolean":
            ok = answer.understood and answer.type == "yesno" and answer.boolean == expect["boolean"]
            shown = f"{answer.type} boolean={answer.boolean}"
        elif kind == "count":
            ok = answer.understood and answer.count == expect["count"]
            shown = f"{answer.type} count={answer.count}"
        elif kind == "definition":
            ok = answer.type == "definition" and got_iris == {_iri(expect["definition"])}
            shown = f"{answer.type} {sorted(terms.shorten(i) for i in got_iris)}"
        elif kind == "path":
            ends = {_iri(x) for x in expect["path"]}
            ok = answer.type == "path" and bool(answer.answers) and ends <= got_iris
            shown = f"{answer.type} {answer.text[:80]}"
        elif "type" in expect:  # refused, in a given way
            ok = not answer.understood and answer.type == expect["type"]
            shown = f"understood={answer.understood} type={answer.type}"
        else:  # refused: not understood, or understood but nothing asserted ("I don't know", "Not known")
            ok = not answer.understood or asserts_nothing(answer)
            shown = f"understood={answer.understood} type={answer.type} answers={len(answer.answers)}"
        p = r = f = 1.0 if ok else 0.0
    return Score(entry["q"], entry.get("category", ""), kind, p, r, f, str(shown), json.dumps(expect))


def asserts_nothing(answer) -> bool:
    """Whether an answer claims nothing: no items, no yes or no, no count."""
    return not answer.answers and answer.boolean is None and not answer.count


def summary(scores: list[Score]) -> dict:
    n = len(scores)
    booleans = [s for s in scores if s.kind == "boolean"]
    by_category, by_kind = {}, {}
    for s in scores:
        by_category.setdefault(s.category, []).append(s.f1)
        by_kind.setdefault(s.kind, []).append(s.f1)
    return {
        "questions": n,
        "macro_precision": sum(s.precision for s in scores) / n,
        "macro_recall": sum(s.recall for s in scores) / n,
        "macro_f1": sum(s.f1 for s in scores) / n,
        "yes_no_accuracy": sum(s.f1 for s in booleans) / len(booleans) if booleans else None,
        "by_category": {c: sum(v) / len(v) for c, v in sorted(by_category.items())},
        "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
    }


def main() -> None:
    import argparse

    from kg import open_graph
    from nlp import Asker

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every question scored below 1")
    parser.add_argument("--heldout", action="store_true", help="score the held-out set instead")
    parser.add_argument("--set", type=Path, metavar="FILE", help="score another question file (JSON Lines)")
    args = parser.parse_args()
    asker = Asker(open_graph())
    path = args.set or (HELDOUT if args.heldout else SUITE)
    scores = [score(entry, asker.ask(entry["q"])) for entry in load_suite(path)]
    result = summary(scores)
    if args.failures:
        for s in scores:
            if s.f1 < 1:
                print(f"{s.f1:.2f} [{s.category}] {s.question}\n      got {s.got}\n      expected {s.expected}")
    print(json.dumps({k: v for k, v in result.items() if k != "by_category"}, indent=1))
    print(json.dumps(result["by_category"], indent=1))


if __name__ == "__main__":
    main()

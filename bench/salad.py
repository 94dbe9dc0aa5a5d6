"""Worst-case reading time of word salads: questions of up to 60 words made of the graph's own
names and relation words, which make the parser search hardest.

Reports the slowest parse + frame times (the work before any query runs) over generated salads,
against the target of 50 ms for any question of at most 60 words.

    .venv/bin/python bench/salad.py [--salads 2000] [--seed 1]
"""

import argparse
import random
import statistics
import time

from kg import open_graph
from nlp import Asker
from nlp.read import build
from nlp.grammar import WH_WORDS


def vocabulary(asker: Asker) -> tuple[list[str], list[str], list[str]]:
    """Relation phrases, names of things, and glue words, all from the graph and the grammar."""
    lex = asker.lexicon
    relations = sorted({phrase for p in lex.properties.values() for phrase in p.phrases})
    names = sorted({n for (n,) in lex.db.execute("SELECT name FROM names")})
    glue = sorted(WH_WORDS | {"the", "and", "of", "in", "for", "with", "does", "do", "is", "are", "my", "to"})
    return relations, names, glue


def salad(rng: random.Random, relations, names, glue, words: int) -> str:
    """A question-shaped salad: names, relation phrases and glue, up to ``words`` words."""
    out: list[str] = []
    while len(" ".join(out).split()) < words:
        out.append(rng.choice([rng.choice(relations), rng.choice(names), rng.choice(glue), rng.choice(glue)]))
    return " ".join(" ".join(out).split()[:words]) + "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salads", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asker = Asker(open_graph())
    relations, names, glue = vocabulary(asker)
    rng = random.Random(args.seed)
    times = []
    for _ in range(args.salads):
        question = salad(rng, relations, names, glue, rng.randint(3, 60))
        start = time.perf_counter()
        build(asker.parse(question), asker.lexicon)
        times.append(((time.perf_counter() - start) * 1000, question))
    times.sort(reverse=True)
    print(f"{args.salads} salads of 3 to 60 words (seed {args.seed}); parse + frame, ms\n")
    print("| measure | ms |\n| --- | ---: |")
    print(f"| median | {statistics.median(t for t, _ in times):.2f} |")
    print(f"| 99th percentile | {times[len(times) // 100][0]:.2f} |")
    print(f"| slowest | {times[0][0]:.2f} |")
    print(f"\nslowest: {times[0][1]!r}")


if __name__ == "__main__":
    main()

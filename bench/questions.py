"""Warm per-question latency of `kg ask -`: 1,000 questions through one loaded pipeline.

Two measurements side by side: per-question times inside the process (the code path `kg ask -`
runs for each line: parse, frame, query, provenance, JSON), and the whole `kg ask --json -` run on
1,000 lines against the same run on one line, whose difference divided by 999 is the cost per
question including output.

    .venv/bin/python bench/questions.py [--questions 1000]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = str(Path(sys.executable).parent / "kg")


def questions(n: int) -> list[str]:
    suite = [json.loads(line)["q"] for line in (ROOT / "tests/questions/suite.jsonl").read_text().splitlines()]
    return [suite[i % len(suite)] for i in range(n)]


def in_process(qs: list[str]) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from kg import open_graph
    from nlp import Asker, render
    from kg.errors import QuestionError

    asker = Asker(open_graph())
    times = []
    for q in qs:
        start = time.perf_counter()
        try:
            render.json_text(asker.ask(q))
        except QuestionError:
            pass
        times.append(time.perf_counter() - start)
    return times


def whole_run(qs: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([KG, "ask", "--json", "-"], input="\n".join(qs).encode(), env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    qs = questions(args.questions)
    env = {**os.environ, "KG_CACHE_DIR": tempfile.mkdtemp(prefix="kg-bench-cache-")}
    os.environ["KG_CACHE_DIR"] = env["KG_CACHE_DIR"]
    whole_run(qs[:1], env)  # prime the cache
    times = sorted(in_process(qs))
    ms = [t * 1000 for t in times]
    many, one = [], []
    for _ in range(args.runs):  # interleaved
        many.append(whole_run(qs, env))
        one.append(whole_run(qs[:1], env))
    per_question = (statistics.median(many) - statistics.median(one)) / (len(qs) - 1) * 1000
    print(f"{len(qs)} questions (the suite, repeated); Python {sys.version.split()[0]}\n")
    print("| measure | ms |")
    print("| --- | ---: |")
    print(f"| median per question, in process | {statistics.median(ms):.2f} |")
    print(f"| 90th percentile, in process | {ms[int(len(ms) * 0.9)]:.2f} |")
    print(f"| 99th percentile, in process | {ms[int(len(ms) * 0.99)]:.2f} |")
    print(f"| mean per question, `kg ask --json -` ({len(qs)} lines vs 1, median of {args.runs}) | {per_question:.2f} |")


if __name__ == "__main__":
    main()

"""How cost grows with the graph: 10 k, 100 k and 1 M triples of synthetic data, side by side.

For each size, in one run: `kg load` against raw pyoxigraph `bulk_load` of the same file (both
interleaved, medians); the time to build the question parser's vocabulary; cold `kg ask` and
`kg sparql` on the store against the same commands on the shipped graph and their import floors;
warm per-question latency over 1,000 questions through one loaded pipeline; peak memory. Writes
the tables to stdout and a plot to docs/scale.png.

    .venv/bin/python bench/scale.py [--sizes 10000 100000 1000000] [--runs 3]
"""

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from startup import run_once as run  # bench/ is on sys.path when a script here runs

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
PY = sys.executable
QUESTION = "what prevents runner's knee?"
QUERY = "SELECT ?s WHERE { ?s kg:prevents kg:RunnersKnee }"
RAW = ("import sys, pyoxigraph as ox; s = ox.Store(sys.argv[2]); "
       "s.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES); s.flush()")


def synthetic(size: int) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import generate

    path = ROOT / "bench" / "out" / f"synth-{size}.nt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate(size, path)
    return path


def warm_latency(store: Path, n: int) -> list[float]:
    """Per-question seconds through one pipeline opened on the store (the `kg ask -` path)."""
    sys.path.insert(0, str(ROOT))
    from kg.disk import open_store
    from kg.errors import QuestionError
    from nlp import Asker, render

    suite = [json.loads(line)["q"] for line in (ROOT / "tests/questions/suite.jsonl").read_text().splitlines()]
    asker = Asker(open_store(store))
    times = []
    for i in range(n):
        start = time.perf_counter()
        try:
            render.json_text(asker.ask(suite[i % len(suite)]))
        except QuestionError:
            pass
        times.append(time.perf_counter() - start)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "scale.png")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-scale-"))
    env = {**os.environ, "KG_CACHE_DIR": str(work / "cache")}
    run([KG, "ask", QUESTION], env)  # prime the shipped graph's cache
    rows = []
    for size in args.sizes:
        data = synthetic(size)
        triples = sum(1 for line in data.open() if line.strip() and not line.startswith("#"))
        raw, ours, ours_memory = [], [], []
        for i in range(args.runs):  # interleaved
            target = work / f"raw-{size}-{i}"
            raw.append(run([PY, "-c", RAW, str(data), str(target)], env)[0])
            shutil.rmtree(target)
            seconds, kib = run([KG, "load", str(data), "--store", str(work / f"store-{size}"), "--no-parser"], env)
            ours.append(seconds)
            ours_memory.append(kib)
        store = work / f"store-{size}"
        with_parser, _ = run([KG, "load", str(data), "--store", str(store)], env)
        cold = {"ask store": [], "ask shipped": [], "sparql store": [], "sparql shipped": [],
                "floor ask": [], "floor sparql": []}
        memory = {"ask store": []}
        for _ in range(args.cold_runs):
            seconds, kib = run([KG, "ask", "--store", str(store), QUESTION], env)
            cold["ask store"].append(seconds)
            memory["ask store"].append(kib)
            cold["ask shipped"].append(run([KG, "ask", QUESTION], env)[0])
            cold["sparql store"].append(run([KG, "sparql", "--store", str(store), QUERY], env)[0])
            cold["sparql shipped"].append(run([KG, "sparql", QUERY], env)[0])
            cold["floor ask"].append(run([PY, "-c", "import spacy, typer, pyoxigraph; spacy.blank('en')"], env)[0])
            cold["floor sparql"].append(run([PY, "-c", "import typer, pyoxigraph"], env)[0])
        os.environ["KG_CACHE_DIR"] = env["KG_CACHE_DIR"]
        latency = warm_latency(store, args.questions)
        med = {k: statistics.median(v) for k, v in cold.items()}
        rows.append({
            "size": size, "triples": triples,
            "raw_load": statistics.median(raw), "kg_load": statistics.median(ours),
            "kg_load_with_parser": with_parser, "vocabulary": with_parser - statistics.median(ours),
            "load_memory_mib": statistics.median(ours_memory) / 1024,
            **{f"cold_{k.replace(' ', '_')}": v for k, v in med.items()},
            "ask_store_memory_mib": statistics.median(memory["ask store"]) / 1024,
            "warm_median_ms": statistics.median(latency) * 1000,
            "warm_p90_ms": latency[int(len(latency) * 0.9)] * 1000,
            "warm_p99_ms": latency[int(len(latency) * 0.99)] * 1000,
        })
        print(f"done {size}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    report(rows)
    plot(rows, args.plot)


def report(rows: list[dict]) -> None:
    base = rows[0]
    print(f"Python {sys.version.split()[0]}; medians of interleaved runs\n")
    print("| triples | raw bulk_load s | kg load s | throughput vs raw | + parser vocabulary s | kg load peak MiB |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['triples']:,} | {r['raw_load']:.2f} | {r['kg_load']:.2f} | {r['raw_load'] / r['kg_load']:.0%} "
              f"| {r['vocabulary']:.2f} | {r['load_memory_mib']:.0f} |")
    print("\n| triples | cold ask, store ms | vs shipped | cold sparql, store ms | vs shipped | ask peak MiB "
          "| warm median ms | vs smallest | warm p90 ms | warm p99 ms |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['triples']:,} | {r['cold_ask_store'] * 1000:.0f} | {r['cold_ask_store'] / r['cold_ask_shipped']:.2f}x "
              f"| {r['cold_sparql_store'] * 1000:.0f} | {r['cold_sparql_store'] / r['cold_sparql_shipped']:.2f}x "
              f"| {r['ask_store_memory_mib']:.0f} | {r['warm_median_ms']:.2f} "
              f"| {r['warm_median_ms'] / base['warm_median_ms']:.2f}x | {r['warm_p90_ms']:.2f} | {r['warm_p99_ms']:.2f} |")
    last = rows[-1]
    print(f"\nshipped graph, same runs: cold kg ask {last['cold_ask_shipped'] * 1000:.0f} ms "
          f"(floor {last['cold_floor_ask'] * 1000:.0f} ms), cold kg sparql {last['cold_sparql_shipped'] * 1000:.0f} ms "
          f"(floor {last['cold_floor_sparql'] * 1000:.0f} ms)")


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["triples"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), dpi=110)
    left.plot(sizes, [r["warm_median_ms"] for r in rows], "o-", label="median")
    left.plot(sizes, [r["warm_p90_ms"] for r in rows], "s--", label="90th percentile")
    left.set(xscale="log", xlabel="triples in the store", ylabel="ms per question",
             title="Warm latency, kg ask - (1,000 questions)")
    left.set_ylim(bottom=0)
    left.legend()
    right.plot(sizes, [r["cold_ask_store"] * 1000 for r in rows], "o-", label="kg ask --store")
    right.plot(sizes, [r["cold_sparql_store"] * 1000 for r in rows], "s-", label="kg sparql --store")
    right.axhline(rows[-1]["cold_ask_shipped"] * 1000, color="grey", linestyle=":", label="kg ask, shipped graph")
    right.set(xscale="log", xlabel="triples in the store", ylabel="ms, whole command", title="Cold start")
    right.set_ylim(bottom=0)
    right.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    print(f"\nplot: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()

"""What a default graph that repeats no triple costs: `kg load` of the same synthetic data by
this tree and by a baseline commit (before each triple got exactly one graph), side by side.

Each run loads the data into a fresh store with each tree's own `kg.disk.load` (no parser
vocabulary), in alternation, then times a few queries on the result. Reports medians: load
seconds and their ratio, size on disk, quads stored, and each query's time and row count.

    .venv/bin/python bench/union.py [--baseline REF] [--sizes 100000 1000000] [--runs 3]
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

QUERIES = {
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "prevents": "SELECT ?e ?i WHERE { ?e kg:prevents ?i }",
    "one subject": "SELECT ?m WHERE { kg:Running kg:engages ?m }",
}

# Run inside a child with PYTHONPATH set to one tree, so each side uses its own code.
CHILD = """
import json, sys, time
from pathlib import Path
import kg
assert Path(kg.__file__).resolve().is_relative_to(Path(sys.path[1]).resolve()), kg.__file__
from kg.disk import load, open_store
data, folder, queries = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
start = time.perf_counter()
load([data], folder)
seconds = time.perf_counter() - start
graph = open_store(folder)
out = {"load": seconds, "quads": len(graph.store), "disk": sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())}
for name, query in queries.items():
    start = time.perf_counter()
    rows = list(graph.query(query))
    out[name] = (time.perf_counter() - start, int(rows[0]["n"].value) if name == "count" else len(rows))
print(json.dumps(out))
"""


def synthetic(size: int) -> Path:
    from synth import generate

    path = ROOT / "bench" / "out" / f"synth-{size}.nt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generate(size, path)
    return path


def run(tree: Path, data: Path) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="union-bench-"))
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, str(data), str(folder / "store"), json.dumps(QUERIES)],
                              env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin", "HOME": str(folder)},
                              capture_output=True, text=True, check=True, cwd=folder)  # not this tree
        return json.loads(done.stdout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD", help="the commit to compare with (default HEAD)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="union-baseline-")) / "tree"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                   check=True, capture_output=True)
    try:
        print(f"Python {sys.version.split()[0]}; baseline {args.baseline}; medians of {args.runs} alternating runs\n")
        print("| triples | tree | load s | vs baseline | disk MiB | quads | "
              + " | ".join(f"{q} ms (rows)" for q in QUERIES) + " |")
        print("| ---: | --- | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in QUERIES) + " |")
        for size in args.sizes:
            data = synthetic(size)
            results = {"baseline": [], "this tree": []}
            for _ in range(args.runs):
                results["baseline"].append(run(base, data))
                results["this tree"].append(run(ROOT, data))
            reference = statistics.median(r["load"] for r in results["baseline"])
            for name, rows in results.items():
                load = statistics.median(r["load"] for r in rows)
                cells = [f"{statistics.median(r[q][0] for r in rows) * 1000:.1f} ({rows[-1][q][1]:,})" for q in QUERIES]
                print(f"| {size:,} | {name} | {load:.2f} | {load / reference:.2f}x | "
                      f"{statistics.median(r['disk'] for r in rows) / 2**20:.0f} | {rows[-1]['quads']:,} | "
                      + " | ".join(cells) + " |")
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], capture_output=True, check=False)


if __name__ == "__main__":
    main()

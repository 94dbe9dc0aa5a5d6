"""Cold start of `kg` commands against their import floors, measured side by side.

Each round runs every command once, in turn, so a noisy neighbour slows all of them alike; the
report gives the median wall time and peak memory of each, and each command's ratio to its floor.
The cache is primed first, and the run fails if any timed command rebuilt it.

    .venv/bin/python bench/startup.py [--runs 21]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
PY = sys.executable

#: (name, command, floor name); a floor has no floor of its own.
FLOOR_SPARQL = "floor: import typer, pyoxigraph"
FLOOR_ASK = "floor: import spacy, typer, pyoxigraph; spacy.blank('en')"
CASES = [
    (FLOOR_SPARQL, [PY, "-c", "import typer, pyoxigraph"], None),
    ("kg sparql (shipped graph)", [KG, "sparql", "--format", "json", "SELECT ?s WHERE { ?s a kg:Muscle }"],
     FLOOR_SPARQL),
    (FLOOR_ASK, [PY, "-c", "import spacy, typer, pyoxigraph; spacy.blank('en')"], None),
    ("kg ask \"what prevents runner's knee?\"", [KG, "ask", "what prevents runner's knee?"], FLOOR_ASK),
]


def run_once(command: list[str], env: dict, stdin: bytes | None = None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run, fed ``stdin``; fails loudly if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if stdin:
        process.stdin.write(stdin)
        process.stdin.close()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def cache_state(folder: Path) -> dict:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} if folder.exists() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="kg-bench-cache-"))
    env = {**os.environ, "KG_CACHE_DIR": str(cache)}
    for _, command, floor in CASES:
        if floor:
            run_once(command, env)  # prime the cache
    primed = cache_state(cache)
    times = {name: [] for name, _, _ in CASES}
    memory = {name: [] for name, _, _ in CASES}
    for _ in range(args.runs):
        for name, command, _ in CASES:
            seconds, kib = run_once(command, env)
            times[name].append(seconds)
            memory[name].append(kib)
    if cache_state(cache) != primed:
        raise SystemExit("a timed run rebuilt the cache: the measurement is not of a warm start")
    print(f"{args.runs} interleaved runs each; warm cache checked unchanged; Python {sys.version.split()[0]}\n")
    print("| command | median ms | peak MiB | ratio to floor (time) | ratio to floor (memory) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, _, floor in CASES:
        ms = statistics.median(times[name]) * 1000
        mib = statistics.median(memory[name]) / 1024
        if floor:
            t_ratio = ms / (statistics.median(times[floor]) * 1000)
            m_ratio = mib / (statistics.median(memory[floor]) / 1024)
            print(f"| {name} | {ms:.0f} | {mib:.0f} | {t_ratio:.2f}x | {m_ratio:.2f}x |")
        else:
            print(f"| {name} | {ms:.0f} | {mib:.0f} | | |")


if __name__ == "__main__":
    main()

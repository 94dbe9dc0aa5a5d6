"""Which lemmatizer: spaCy's lookup tables (spacy-lookups-data) or lemminflect, measured side by side.

Each candidate runs in a fresh process after `spacy.blank("en")`; the table gives the extra start-up
time and peak memory over that floor, the wheel size, and a few lemmas that matter to the graph.
spacy-lookups-data is not a dependency of runner-kg; install it into the bench venv to compare:

    .venv/bin/pip install spacy-lookups-data lemminflect
    .venv/bin/python bench/lemmatizers.py [--runs 11]
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORDS = ["calves", "used", "running", "glutes", "hamstrings", "stabilizes", "landing"]
FLOOR = "import spacy; nlp = spacy.blank('en')"
CASES = {
    "floor: spacy.blank('en')": FLOOR + "\nprint('{}')",
    "spaCy lookup lemmatizer (spacy-lookups-data)": FLOOR + """
nlp.add_pipe('lemmatizer', config={'mode': 'lookup'}); nlp.initialize()
import json; print(json.dumps({w: nlp(w)[0].lemma_ for w in %r}))""" % WORDS,
    "lemminflect, first use": FLOOR + """
import lemminflect, json
def lemma(w):
    found = lemminflect.getAllLemmas(w)
    return next(iter(found.get('NOUN', ()) or found.get('VERB', ()) or [w]))
print(json.dumps({w: lemma(w) for w in %r}))""" % WORDS,
    "runner-kg: lemminflect table built once, read from the cache": FLOOR + """
import json, sys; sys.path.insert(0, %r)
from kg import open_graph; from nlp import load_lexicon
lex = load_lexicon(open_graph(), nlp)
print(json.dumps({w: lex.lemma(w) for w in %r}))""" % (str(Path(__file__).resolve().parent.parent), WORDS),
}


def run(code: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode().strip()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(process.stderr.read().decode())
    return time.perf_counter() - start, usage.ru_maxrss, out


def wheel_mib(module: str) -> str:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return "-"
    folder = Path(list(spec.submodule_search_locations)[0])
    return f"{sum(p.stat().st_size for p in folder.rglob('*') if p.is_file()) / 2**20:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    cases = dict(CASES)
    if importlib.util.find_spec("spacy_lookups_data") is None:
        print("spacy-lookups-data is not installed: its row is skipped (see the docstring)\n")
        cases.pop("spaCy lookup lemmatizer (spacy-lookups-data)")
    run(cases["runner-kg: lemminflect table built once, read from the cache"])  # build the cache once
    times = {name: [] for name in cases}
    memory = {name: [] for name in cases}
    lemmas = {}
    for _ in range(args.runs):
        for name, code in cases.items():
            seconds, kib, out = run(code)
            times[name].append(seconds)
            memory[name].append(kib)
            lemmas[name] = out
    floor_t = statistics.median(times["floor: spacy.blank('en')"])
    floor_m = statistics.median(memory["floor: spacy.blank('en')"])
    sizes = {"spaCy lookup lemmatizer (spacy-lookups-data)": wheel_mib("spacy_lookups_data"),
             "lemminflect, first use": wheel_mib("lemminflect")}
    print(f"{args.runs} interleaved runs each; Python {sys.version.split()[0]}\n")
    print("| lemmatizer | extra ms over floor | extra MiB over floor | installed MiB | lemmas |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name in cases:
        if name.startswith("floor"):
            continue
        extra_t = (statistics.median(times[name]) - floor_t) * 1000
        extra_m = (statistics.median(memory[name]) - floor_m) / 1024
        found = json.loads(lemmas[name] or "{}")
        shown = ", ".join(f"{w}->{found.get(w, '?')}" for w in WORDS)
        print(f"| {name} | {extra_t:.0f} | {extra_m:.0f} | {sizes.get(name, '-')} | {shown} |")


if __name__ == "__main__":
    main()

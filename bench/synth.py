"""Synthetic graphs in the ontology's schema, for measuring how cost grows with size.

Many muscles, movements, injuries and exercises, each with a preferred name, two synonyms and a
definition; facts between them with the same properties the real graph uses, each with an
rdf:Statement naming a (synthetic) source, as the real facts have. Names are made of syllables, so
they read like words and never collide with the shipped graph's names. Deterministic for a seed.

    .venv/bin/python bench/synth.py 1000000 -o bench/out/synth-1m.nt
"""

import argparse
import random
from pathlib import Path

KG = "https://w3id.org/runner-kg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"

# (class, noun used in its names, share of entities)
KINDS = [("Muscle", "muscle", 0.35), ("Movement", "move", 0.15), ("RunningInjury", "syndrome", 0.15),
         ("Exercise", "drill", 0.35)]
# (property, subject kind, object kind, facts per subject)
FACTS = [("engages", "Movement", "Muscle", 3), ("strengthens", "Exercise", "Muscle", 2),
         ("weaknessCauses", "Muscle", "RunningInjury", 1), ("prevents", "Exercise", "RunningInjury", 1),
         ("relievesTightnessOf", "Exercise", "Muscle", 1)]
SYLLABLES = ["ka", "lo", "mi", "ru", "ten", "sa", "vo", "di", "ne", "pa", "gor", "li", "tu", "bre", "son", "ta",
             "ve", "nor", "fi", "qua", "zel", "mo", "ri", "dan", "pe", "sul", "ko", "ber", "ga", "lin"]

TRIPLES_PER_ENTITY = 5       # type, prefLabel, two altLabels, definition
TRIPLES_PER_FACT = 7         # the fact, and its rdf:Statement: type, subject, predicate, object, source, note


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate(size: int, out: Path, seed: int = 7) -> int:
    """Write about ``size`` triples of synthetic data as N-Triples; return how many were written."""
    rng = random.Random(seed)
    facts_per_entity = sum(share * per for _, subject, _, per in FACTS
                           for kind, _, share in KINDS if kind == subject)
    entities = max(8, int(size / (TRIPLES_PER_ENTITY + facts_per_entity * TRIPLES_PER_FACT)))
    names: set[str] = set()
    by_kind: dict[str, list[str]] = {}
    written = 0
    with out.open("w", encoding="utf-8") as f:
        def emit(s, p, o):
            nonlocal written
            f.write(f"{s} {p} {o} .\n")
            written += 1

        f.write(f"# synthetic runner-kg data, {entities} entities, seed {seed}\n")
        source = f"<{KG}synth/Source>"
        emit(source, f"<{RDF}type>", f"<{KG}Source>")
        emit(source, f"<{DCTERMS}title>", '"Synthetic benchmark data"@en')
        for kind, noun, share in KINDS:
            for _ in range(max(2, int(entities * share))):
                while True:
                    name = f"{word(rng)} {noun}"
                    if name not in names:
                        names.add(name)
                        break
                iri = f"<{KG}synth/{kind}/{len(names)}>"
                by_kind.setdefault(kind, []).append(iri)
                emit(iri, f"<{RDF}type>", f"<{KG}{kind}>")
                emit(iri, f"<{SKOS}prefLabel>", f'"{name}"@en')
                for _ in range(2):
                    while True:
                        alt = f"{word(rng)} {noun}"
                        if alt not in names:
                            names.add(alt)
                            break
                    emit(iri, f"<{SKOS}altLabel>", f'"{alt}"@en')
                emit(iri, f"<{SKOS}definition>", f'"A synthetic {noun} named {name}."@en')
        statement = 0
        for prop, subject_kind, object_kind, per in FACTS:
            for s in by_kind[subject_kind]:
                for o in rng.sample(by_kind[object_kind], min(per, len(by_kind[object_kind]))):
                    statement += 1
                    st = f"_:st{statement}"
                    emit(s, f"<{KG}{prop}>", o)
                    emit(st, f"<{RDF}type>", f"<{RDF}Statement>")
                    emit(st, f"<{RDF}subject>", s)
                    emit(st, f"<{RDF}predicate>", f"<{KG}{prop}>")
                    emit(st, f"<{RDF}object>", o)
                    emit(st, f"<{DCTERMS}source>", source)
                    emit(st, f"<{SKOS}note>", '"Generated."@en')
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="about how many triples")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    print(f"{generate(args.size, args.output, args.seed)} triples -> {args.output}")


if __name__ == "__main__":
    main()

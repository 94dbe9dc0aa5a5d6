"""Find an entity or class by any of its names: exact, then forgiving, then "did you mean ...".

A light index over the graph's labels (no spaCy): names are compared after lower-casing, straight
apostrophes, no possessive 's, hyphens as spaces and a final plural -s dropped, so "runners knee",
"Runner’s Knee" and "ITBS" all find their entity; a close typo ("hamstirngs") is taken when one
name is clearly closest.
"""

import difflib
import re
from dataclasses import dataclass

from .errors import NotFound

_NAMES = """
SELECT ?e ?name ?pref WHERE {
  { ?e skos:prefLabel ?name BIND(true AS ?pref) } UNION { ?e skos:altLabel ?name BIND(false AS ?pref) }
  UNION { ?e skos:hiddenLabel ?name BIND(false AS ?pref) }
  UNION { ?e a kg:Source ; dcterms:title ?name BIND(true AS ?pref) }
  FILTER(isIRI(?e))
}"""
_CLASSES = """
SELECT ?c ?name ?pref WHERE {
  ?c a owl:Class . FILTER(isIRI(?c))
  { ?c rdfs:label ?name BIND(true AS ?pref) } UNION { ?c skos:altLabel ?name BIND(false AS ?pref) }
}"""


def key(name: str) -> str:
    """The form names are compared in."""
    text = name.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"'s\b|(?<=s)'", "", text)
    text = re.sub(r"[-_/]", " ", text)
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


@dataclass
class Index:
    """Names to IRIs, and each IRI's preferred name."""

    names: dict[str, set[str]]
    labels: dict[str, str]

    def resolve(self, text: str, what: str = "entity") -> str:
        """The IRI named ``text``. Raises NotFound (exit 1) with the closest names when unsure."""
        wanted = key(text)
        if not wanted:
            raise NotFound(f"no {what} named {text!r}")
        found = self.names.get(wanted, set())
        if len(found) == 1:
            return next(iter(found))
        if len(found) > 1:
            options = ", ".join(sorted(self.labels[i] for i in found))
            raise NotFound(f"{text!r} names more than one {what}: {options}; use the full name")
        scored = sorted(_close(wanted, self.names), reverse=True)
        if scored and scored[0][0] >= 0.85 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.05) \
                and len(self.names[scored[0][1]]) == 1:
            return next(iter(self.names[scored[0][1]]))
        close = []
        words = set(wanted.split())
        for score, name in scored[:30]:
            for iri in self.names[name]:
                # Close in spelling, or sharing a word ("knee pain" -> "knee", "runner's knee").
                if (score >= 0.6 or words & set(name.split())) and self.labels[iri] not in close:
                    close.append(self.labels[iri])
        hint = f"; did you mean {', '.join(repr(c) for c in close[:5])}?" if close else ""
        raise NotFound(f"no {what} named {text!r}{hint}")


def _close(wanted: str, names) -> list[tuple[float, str]]:
    """(similarity, name) for the names that could be offered: those at least 0.6 alike, and those
    sharing a word. The cheap upper bounds come first, as difflib.get_close_matches does, so a
    graph of 150,000 names is scanned in well under a second."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)  # the matcher caches what it learns about its second sequence
    words = set(wanted.split())
    found = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 or words & set(name.split()):
            found.append((matcher.ratio(), name))
    return found


def index(graph, classes: bool = False) -> Index:
    """The name index of the graph's entities (things with a skos:prefLabel, and sources by their
    title) or of its classes."""
    names: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    for row in graph.select(_CLASSES if classes else _NAMES):
        iri, name = row["e" if not classes else "c"].value, row["name"].value
        names.setdefault(key(name), set()).add(iri)
        if row["pref"].value == "true" or iri not in labels:
            labels[iri] = name
    return Index(names, labels)


_EXACT = """
SELECT DISTINCT ?e ?name WHERE {
  VALUES ?label { skos:prefLabel skos:altLabel skos:hiddenLabel dcterms:title }
  ?e ?label ?name . FILTER(isIRI(?e))
}"""


def find(graph, text: str) -> str:
    """The entity named ``text``: a name written exactly as the graph has it is looked up directly
    (an index lookup, however large the graph); anything else goes through the forgiving index."""
    from pyoxigraph import Literal

    found = set()
    for variant in dict.fromkeys(v for v in (text.strip(), text.strip().lower()) if v):
        for name in (Literal(variant, language="en"), Literal(variant)):
            found |= {row["e"].value for row in graph.select(_EXACT, {"name": name})}
    if len(found) == 1:
        return next(iter(found))
    return index(graph).resolve(text)

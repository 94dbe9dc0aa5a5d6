"""The parser's vocabulary, read from the graph by SPARQL: names, classes, properties, phrases.

Nothing about running lives in this module. Entities are whatever has a ``skos:prefLabel``; their
names are its pref, alt and hidden labels. Classes are ``owl:Class`` with their labels. Properties
are ``owl:ObjectProperty`` and ``owl:DatatypeProperty`` with their domain, range, inverse and the
``kg:phrase`` words people use for them. A user's Turtle file adds to all of these.

Building a lexicon lemmatizes every vocabulary word with lemminflect and records every inflected
form of it (``calves`` -> ``calf``, ``used`` -> ``use``), so at question time a dictionary lookup
is the whole lemmatizer. The result is cached beside the graph, keyed by the same input content.
"""

import json
import re
from dataclasses import asdict, dataclass, field

from kg import terms

#: Bumped when the lexicon's shape or the way it is built changes.
VERSION = "5"

# Length-preserving normalization: the same text positions before and after, so a match found in
# the normalized question maps straight back to the words the user typed.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'})
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])'s\b|(?<=[sS])'(?=\s|$|[^\w])", re.I)
_JOINERS = re.compile(r"(?<=\w)[-/](?=\w)")
from .grammar import ARTICLES, PRONOUNS

#: Left out of a name's second pattern, so "reduce risk of" finds "reduce the risk of".
DETERMINERS = ARTICLES | PRONOUNS


def normalize(text: str) -> str:
    """Straight apostrophes, no possessive 's, hyphens and slashes as spaces; same length."""
    text = text.translate(_QUOTES)
    text = _POSSESSIVE.sub(lambda m: " " * len(m.group()), text)
    return _JOINERS.sub(" ", text)


@dataclass
class Entity:
    iri: str
    label: str
    names: list[str]
    types: list[str]


@dataclass
class Klass:
    iri: str
    label: str
    names: list[str]
    supers: list[str]


@dataclass
class Property:
    iri: str
    label: str
    phrases: list[str]
    domain: str | None
    range: str | None
    datatype: bool
    inverse: str | None = None
    canonical: bool = True
    asymmetric: bool = False
    chains: list[list[str]] = field(default_factory=list)
    note: str | None = None


@dataclass
class Lexicon:
    """Everything the parser knows, as plain data that round-trips through JSON."""

    entities: dict[str, Entity]
    classes: dict[str, Klass]
    properties: dict[str, Property]
    lemmas: dict[str, str]
    patterns: dict[str, list[list[str]]]   # lemmas -> [kind, iri, the name's own words]
    disjoint: list[list[str]]
    examples: list[str]
    graph_labels: dict[str, str] = field(default_factory=dict)
    about: str = ""

    # -- lookups the parser uses ---------------------------------------------------------------

    def lemma(self, word: str) -> str:
        return self.lemmas.get(word, word)

    def label(self, iri: str) -> str:
        if iri in self.entities:
            return self.entities[iri].label
        if iri in self.classes:
            return self.classes[iri].label
        if iri in self.properties:
            return self.properties[iri].label
        return self.graph_labels.get(iri) or terms.shorten(iri)

    def ancestors(self, cls: str) -> set[str]:
        """The class and every class above it."""
        found = {cls}
        if cls in self.classes:
            found.update(self.classes[cls].supers)
        return found

    def is_a(self, iri: str, cls: str | None) -> bool:
        """Whether the entity is an instance of ``cls`` (None means anything)."""
        if cls is None:
            return True
        entity = self.entities.get(iri)
        return entity is not None and cls in entity.types

    def compatible(self, cls: str | None, other: str | None) -> bool:
        """Whether instances of one class can be instances of the other (one is above the other)."""
        if cls is None or other is None:
            return True
        return other in self.ancestors(cls) or cls in self.ancestors(other)

    def disjoint_with(self, a: str, b: str) -> bool:
        """Whether the graph declares that nothing is both an ``a`` and a ``b``."""
        up_a, up_b = self.ancestors(a), self.ancestors(b)
        return any(len(up_a & set(group)) and len(up_b & set(group)) and not (up_a & up_b & set(group))
                   for group in self.disjoint)

    def specific_type(self, iri: str) -> str | None:
        """The most specific of the graph's classes the entity belongs to."""
        entity = self.entities.get(iri)
        if entity is None:
            return None
        known = [t for t in entity.types if t in self.classes]
        best = [t for t in known if not any(o != t and t in self.ancestors(o) for o in known)]
        return sorted(best)[0] if best else None

    def canonical(self, prop: str) -> tuple[str, bool]:
        """The property facts are stated with, and whether it reads the other way round."""
        p = self.properties.get(prop)
        if p is not None and not p.canonical and p.inverse:
            return p.inverse, True
        return prop, False

    def vocabulary(self) -> set[str]:
        """Every lemma that appears in a name or phrase: what fuzzy matching may correct towards."""
        return {word for key in self.patterns for word in key.split()}

    # -- persistence ---------------------------------------------------------------------------

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), separators=(",", ":")).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Lexicon":
        raw = json.loads(data)
        return cls(
            entities={k: Entity(**v) for k, v in raw["entities"].items()},
            classes={k: Klass(**v) for k, v in raw["classes"].items()},
            properties={k: Property(**v) for k, v in raw["properties"].items()},
            lemmas=raw["lemmas"],
            patterns=raw["patterns"],
            disjoint=raw["disjoint"],
            examples=raw["examples"],
            graph_labels=raw.get("graph_labels", {}),
            about=raw.get("about", ""),
        )


# -- building from the graph ----------------------------------------------------------------------

_NAMES = """
SELECT ?e ?name ?kind WHERE {
  { ?e skos:prefLabel ?name BIND(0 AS ?kind) } UNION { ?e skos:altLabel ?name BIND(1 AS ?kind) }
  UNION { ?e skos:hiddenLabel ?name BIND(2 AS ?kind) }
  FILTER(isIRI(?e) && (LANG(?name) = "" || LANGMATCHES(LANG(?name), "en")))
  FILTER NOT EXISTS { ?e a owl:Class } FILTER NOT EXISTS { ?e a owl:ObjectProperty }
} ORDER BY ?e ?kind ?name"""

_TYPES = """
SELECT DISTINCT ?e ?type WHERE { ?e skos:prefLabel ?l ; a ?type . FILTER(isIRI(?e) && isIRI(?type)) }"""

_CLASSES = """
SELECT ?c ?name ?kind WHERE {
  ?c a owl:Class . FILTER(isIRI(?c))
  { ?c rdfs:label ?name BIND(0 AS ?kind) } UNION { ?c skos:prefLabel ?name BIND(0 AS ?kind) }
  UNION { ?c skos:altLabel ?name BIND(1 AS ?kind) }
  FILTER(LANG(?name) = "" || LANGMATCHES(LANG(?name), "en"))
} ORDER BY ?c ?kind ?name"""

_SUPERS = "SELECT DISTINCT ?c ?super WHERE { ?c a owl:Class ; rdfs:subClassOf ?super . FILTER(isIRI(?super)) }"

_PROPERTIES = """
SELECT ?p ?kind ?label ?domain ?range WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty }
  ?p a ?kind . FILTER(isIRI(?p))
  OPTIONAL { ?p rdfs:label ?label FILTER(LANG(?label) = "" || LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?p rdfs:domain ?domain FILTER(isIRI(?domain)) }
  OPTIONAL { ?p rdfs:range ?range FILTER(isIRI(?range)) }
}"""

_PHRASES = "SELECT ?p ?phrase WHERE { ?p kg:phrase ?phrase }"
# Stated inverse declarations only: the property on the left is the one facts are stated with.
_INVERSES = """
SELECT ?p ?q WHERE { ?p owl:inverseOf ?q . FILTER NOT EXISTS { GRAPH ?rule { ?p owl:inverseOf ?q } } }"""
_ASYMMETRIC = "SELECT ?p WHERE { ?p a owl:AsymmetricProperty }"
_NOTES = "SELECT ?p ?note WHERE { ?p kg:inferenceNote ?note }"
_CHAINS = "SELECT ?p ?list WHERE { ?p owl:propertyChainAxiom ?list }"
_LIST_CELL = "SELECT ?node ?first ?rest WHERE { ?node rdf:first ?first ; rdf:rest ?rest }"
_DISJOINT = "SELECT ?group ?list WHERE { ?group a owl:AllDisjointClasses ; owl:members ?list }"
_EXAMPLES = "SELECT ?q WHERE { ?o kg:exampleQuestion ?q } ORDER BY ?q"
_RULE_LABELS = "SELECT ?r ?label WHERE { ?r a kg:InferenceRule ; rdfs:label ?label }"
_ABOUT = "SELECT ?about WHERE { ?o a owl:Ontology ; dcterms:description ?about } ORDER BY ?about LIMIT 1"


def build(graph, tokenize) -> Lexicon:
    """Read the vocabulary from ``graph`` (anything with ``select``); ``tokenize`` splits a string."""
    entities: dict[str, Entity] = {}
    for row in graph.select(_NAMES):
        iri, name, kind = row["e"].value, row["name"].value, int(row["kind"].value)
        entity = entities.get(iri)
        if entity is None:
            entity = entities[iri] = Entity(iri, name if kind == 0 else "", [], [])
        if kind == 0 and not entity.label:
            entity.label = name
        if name not in entity.names:
            entity.names.append(name)
    for iri, entity in list(entities.items()):
        if not entity.label:
            entity.label = entity.names[0]
    for row in graph.select(_TYPES):
        if row["e"].value in entities:
            entities[row["e"].value].types.append(row["type"].value)

    classes: dict[str, Klass] = {}
    for row in graph.select(_CLASSES):
        iri, name = row["c"].value, row["name"].value
        cls = classes.setdefault(iri, Klass(iri, name, [], []))
        if name not in cls.names:
            cls.names.append(name)
    for row in graph.select(_SUPERS):
        if row["c"].value in classes:
            classes[row["c"].value].supers.append(row["super"].value)

    properties: dict[str, Property] = {}
    for row in graph.select(_PROPERTIES):
        iri = row["p"].value
        if iri in properties:
            continue
        label = row["label"].value if "label" in row else terms.shorten(iri).split(":")[-1]
        properties[iri] = Property(iri, label, [], row["domain"].value if "domain" in row else None,
                                   row["range"].value if "range" in row else None,
                                   row["kind"].value == terms.OWL + "DatatypeProperty")
    for row in graph.select(_PHRASES):
        if row["p"].value in properties:
            properties[row["p"].value].phrases.append(row["phrase"].value)
    for row in graph.select(_INVERSES):
        p, q = row["p"].value, row["q"].value
        if p in properties and q in properties and properties[p].inverse is None:
            properties[p].inverse, properties[q].inverse = q, p
            properties[q].canonical = False
    for row in graph.select(_ASYMMETRIC):
        if row["p"].value in properties:
            properties[row["p"].value].asymmetric = True
    for row in graph.select(_NOTES):
        if row["p"].value in properties:
            properties[row["p"].value].note = row["note"].value
    for row in graph.select(_CHAINS):
        if row["p"].value in properties:
            properties[row["p"].value].chains.append([t.value for t in _read_list(graph, row["list"])])

    disjoint = [[t.value for t in _read_list(graph, row["list"])] for row in graph.select(_DISJOINT)]
    examples = [row["q"].value for row in graph.select(_EXAMPLES)]
    graph_labels = {row["r"].value: row["label"].value for row in graph.select(_RULE_LABELS)}

    about = next((row["about"].value for row in graph.select(_ABOUT)), "")
    lexicon = Lexicon(entities, classes, properties, {}, {}, disjoint, examples, graph_labels, about)
    _add_patterns(lexicon, tokenize)
    return lexicon


def _read_list(graph, node) -> list:
    items, seen = [], set()
    while node is not None and node.value != terms.RDF + "nil" and str(node) not in seen:
        seen.add(str(node))
        cells = graph.select(_LIST_CELL, {"node": node})
        if not cells:
            break
        items.append(cells[0]["first"])
        node = cells[0]["rest"]
    return items


def _add_patterns(lexicon: Lexicon, tokenize) -> None:
    """Lemmatize every name and phrase; index them by their lemma sequence."""
    named = [("entity", iri, name) for iri, e in lexicon.entities.items() for name in e.names]
    named += [("class", iri, name) for iri, c in lexicon.classes.items() for name in c.names]
    named += [("relation", iri, phrase) for iri, p in lexicon.properties.items() for phrase in p.phrases]
    words = {}
    tokenized = []
    for kind, iri, text in named:
        tokens = [t.lower() for t in tokenize(normalize(text)) if t.strip()]
        tokenized.append((kind, iri, tokens))
        for token in tokens:
            words[token] = None
    lexicon.lemmas = lemma_table(list(words))
    for kind, iri, tokens in tokenized:
        bare = [t for t in tokens if t not in DETERMINERS]
        for variant in (tokens, bare):
            if not variant:
                continue
            key = " ".join(lexicon.lemma(t) for t in variant)
            entry = [kind, iri, " ".join(variant)]
            if entry not in lexicon.patterns.setdefault(key, []):
                lexicon.patterns[key].append(entry)


def lemma_table(words: list[str]) -> dict[str, str]:
    """Map each word, and every inflected form of its lemma, to that lemma (lemminflect)."""
    import lemminflect

    table: dict[str, str] = {}
    chosen = {}
    for word in words:
        chosen[word] = _lemma(lemminflect, word)
        table[word] = chosen[word]
    for word, lemma in chosen.items():
        for forms in lemminflect.getAllInflections(lemma).values():
            for form in forms:
                table.setdefault(form, lemma)
    return {form: lemma for form, lemma in table.items() if form != lemma}


def _lemma(lemminflect, word: str) -> str:
    if not word.isalpha():
        return word
    lemmas = lemminflect.getAllLemmas(word)
    if not lemmas:
        # Unknown to the dictionary (glutes, adductors): strip a plural -s, the same way every time.
        if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
        return word
    participle = word.endswith(("ing", "ed"))
    order = ("VERB", "NOUN", "ADJ", "ADV") if participle else ("NOUN", "VERB", "ADJ", "ADV")
    for pos in order:
        if pos in lemmas:
            return lemmas[pos][0]
    return next(iter(lemmas.values()))[0]

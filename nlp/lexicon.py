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
import os
import re
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode

from kg import terms

#: Bumped when the lexicon's shape or the way it is built changes.
VERSION = "8"

# Length-preserving normalization: the same text positions before and after, so a match found in
# the normalized question maps straight back to the words the user typed.
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'})
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])'s\b|(?<=[sS])'(?=\s|$|[^\w])", re.I)
_JOINERS = re.compile(r"(?<=\w)[-/](?=\w)")
from .grammar import ARTICLES, IN_PASSING, PRONOUNS

_IN_PASSING = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in IN_PASSING) + r")\b", re.I)

#: Left out of a name's second pattern, so "reduce risk of" finds "reduce the risk of".
DETERMINERS = ARTICLES | PRONOUNS


def normalize(text: str) -> str:
    """Straight apostrophes, no possessive 's, hyphens and slashes as spaces, amounts said in
    passing ("burn a lot of calories") as spaces; same length."""
    text = text.translate(_QUOTES)
    text = _POSSESSIVE.sub(lambda m: " " * len(m.group()), text)
    text = _IN_PASSING.sub(lambda m: " " * len(m.group()), text)
    return _JOINERS.sub(" ", text)


@dataclass
class Entity:
    iri: str
    label: str
    names: list[str]
    types: list[str]
    hidden: list[str] = field(default_factory=list)  # misspellings (skos:hiddenLabel): matched, never shown


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
    supers: list[str] = field(default_factory=list)   # properties it is a subproperty of (stated)
    in_state: str | None = None                       # its subject is in this state (weakness causes)
    object_state: str | None = None                   # it acts on its object's state (relieves tightness of)
    state_phrases: list[str] = field(default_factory=list)  # its phrases whose object is that state ("relieve")
    values: list[str] = field(default_factory=list)   # a worded datatype property's text values ("most days of the week")
    abstract: bool = False                            # no fact states it: its subproperties carry them
    request: bool = False                             # answers "what should I do ...?" (kg:request)
    proxy: bool = False                               # its object may stand for its subject (kg:proxy)
    membership: bool = False                          # links a member to its group (kg:membership)
    distributes: bool = False                         # holds of a group's members too (kg:distributes)
    spoken: bool = False                              # its phrases are also the sources speaking (kg:sourceSpeech)
    transitive: bool = False
    functional: bool = False                          # one value per subject (owl:FunctionalProperty)


class Lexicon:
    """Everything the parser knows about a graph.

    The schema (classes, properties), the lemma table and a few texts stay in memory; the names of
    entities, the entities themselves and the words of their names live in a SQLite file beside
    the graph's cache, read a row at a time. So a graph of a million triples opens as fast as the
    shipped one, and a question only touches the handful of names it uses.
    """

    def __init__(self, classes: dict[str, Klass], properties: dict[str, Property], lemmas: dict[str, str],
                 disjoint: list[list[str]], examples: list[str], graph_labels: dict[str, str], about: str,
                 db: sqlite3.Connection, vocabulary: set[str], max_words: int, states: dict[str, list[str]],
                 remedies: dict[str, list[str]], topic: list[str], spelled: set[str], defining: list[str]):
        self.classes = classes
        self.properties = properties
        self.states = states              # state -> the classes of what can be in it (kg:appliesTo)
        self.remedies = remedies          # entity or class -> the relations that put it right (kg:remedy)
        self.topic = set(topic)           # what the graph is about: may be named in passing
        self.subs: dict[str, list[str]] = {}  # property -> its subproperties, all the way down
        for prop in properties.values():
            for up in self._supers(prop.iri):
                self.subs.setdefault(up, []).append(prop.iri)
        self.lemmas = lemmas
        self.disjoint = disjoint
        self.examples = examples
        self.graph_labels = graph_labels
        self.about = about
        self.db = db
        self.vocabulary = vocabulary      # every word of every name and phrase (lemmas and as written)
        self.spelled = spelled            # those words but for misspellings kept as hidden labels
        # Phrases of several words that ask what a name means ("stand for"), as lemmas.
        self.defining = [[self.lemma(w) for w in normalize(p).lower().split()] for p in defining if " " in p]
        self.max_words = max_words        # the longest name, in words
        self._entities: dict[str, Entity | None] = {}
        self._ancestors: dict[str, frozenset[str]] = {}
        # The properties facts are stated with, for links no word names.
        self.plain = [p.iri for p in properties.values() if p.canonical and not p.datatype and not p.abstract]

    # -- names -----------------------------------------------------------------------------------

    def lookup(self, key: str) -> list[tuple[str, str, str]]:
        """(kind, iri, the name as written) for every name whose lemmas are ``key``."""
        return self.db.execute("SELECT kind, iri, surface FROM patterns WHERE key = ?", (key,)).fetchall()

    def is_name(self, word: str) -> bool:
        """Whether a single word is a whole name or phrase on its own ('injury', but not 'injure')."""
        return self.db.execute("SELECT 1 FROM patterns WHERE key = ? LIMIT 1", (word,)).fetchone() is not None

    def words_like(self, word: str) -> list[str]:
        """Vocabulary words that could be ``word`` mistyped: same first letter, length within two."""
        return [w for (w,) in self.db.execute(
            "SELECT word FROM words WHERE first = ? AND length BETWEEN ? AND ? AND spelled",
            (word[:1], len(word) - 2, len(word) + 2))]

    def names_starting(self, prefix: str, limit: int = 50) -> list[str]:
        """Entity and class names that start with ``prefix`` (any case), for completion."""
        escaped = prefix.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [n for (n,) in self.db.execute(
            "SELECT name FROM names WHERE lower LIKE ? ESCAPE '\\' ORDER BY lower LIMIT ?", (escaped + "%", limit))]

    # -- entities ---------------------------------------------------------------------------------

    def entity(self, iri: str) -> Entity | None:
        if iri not in self._entities:
            row = self.db.execute("SELECT label, names, types FROM entities WHERE iri = ?", (iri,)).fetchone()
            self._entities[iri] = Entity(iri, row[0], json.loads(row[1]), json.loads(row[2])) if row else None
        return self._entities[iri]

    def has_entity(self, iri: str) -> bool:
        return self.entity(iri) is not None

    def entity_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM entities").fetchone()[0]

    def containing(self, words: set[str], every: bool) -> list[str]:
        """Entities with a name that holds every (or any) of the lemmas, most of them first."""
        if not words:
            return []
        marks = ",".join("?" * len(words))
        rows = self.db.execute(
            f"SELECT w.iri, COUNT(DISTINCT w.word) AS n, e.label FROM entity_words w JOIN entities e ON e.iri = w.iri "
            f"WHERE w.word IN ({marks}) GROUP BY w.iri ORDER BY n DESC, lower(e.label)", tuple(words)).fetchall()
        return [iri for iri, n, _ in rows if not every or n == len(words)]

    def members(self, cls: str, limit: int) -> list[str]:
        """Some entities of a class (direct or inferred), by name."""
        rows = self.db.execute("SELECT e.iri FROM entity_types t JOIN entities e ON e.iri = t.iri "
                               "WHERE t.type = ? ORDER BY lower(e.label) LIMIT ?", (cls, limit)).fetchall()
        return [iri for (iri,) in rows]

    # -- lookups the parser uses ------------------------------------------------------------------

    def lemma(self, word: str) -> str:
        return self.lemmas.get(word, word)

    def label(self, iri: str) -> str:
        entity = self.entity(iri)
        if entity is not None:
            return entity.label
        if iri in self.classes:
            return self.classes[iri].label
        if iri in self.properties:
            return self.properties[iri].label
        return self.graph_labels.get(iri) or terms.shorten(iri)

    def ancestors(self, cls: str) -> frozenset[str]:
        """The class and every class above it."""
        found = self._ancestors.get(cls)
        if found is None:
            found = self._ancestors[cls] = frozenset({cls, *(self.classes[cls].supers if cls in self.classes else ())})
        return found

    def is_a(self, iri: str, cls: str | None) -> bool:
        """Whether the entity is an instance of ``cls`` (None means anything)."""
        if cls is None:
            return True
        entity = self.entity(iri)
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
        entity = self.entity(iri)
        if entity is None:
            return None
        known = [t for t in entity.types if t in self.classes]
        best = [t for t in known if not any(o != t and t in self.ancestors(o) for o in known)]
        return sorted(best)[0] if best else None

    def _supers(self, prop: str) -> set[str]:
        found, todo = set(), list(self.properties[prop].supers)
        while todo:
            up = todo.pop()
            if up in self.properties and up not in found:
                found.add(up)
                todo += self.properties[up].supers
        return found

    def canonical(self, prop: str) -> tuple[str, bool]:
        """The property facts are stated with, and whether it reads the other way round."""
        p = self.properties.get(prop)
        if p is not None and not p.canonical and p.inverse:
            return p.inverse, True
        return prop, False

    # -- persistence ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> "Lexicon":
        """Open a lexicon saved by ``save``. Raises sqlite3.Error or ValueError if it is damaged."""
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("complete") != VERSION:
            raise ValueError("incomplete lexicon")
        small = json.loads(meta["small"])
        vocabulary = {w for (w,) in db.execute("SELECT word FROM words")}
        spelled = {w for (w,) in db.execute("SELECT word FROM words WHERE spelled")}
        return cls({k: Klass(**v) for k, v in small["classes"].items()},
                   {k: Property(**v) for k, v in small["properties"].items()},
                   small["lemmas"], small["disjoint"], small["examples"], small["graph_labels"], small["about"],
                   db, vocabulary, int(meta["max_words"]), small["states"], small["remedies"], small["topic"], spelled,
                   small["defining"])


# -- building from the graph ----------------------------------------------------------------------

_NAMES = """
SELECT ?e ?name ?kind WHERE {
  { ?e skos:prefLabel ?name BIND(0 AS ?kind) } UNION { ?e skos:altLabel ?name BIND(1 AS ?kind) }
  UNION { ?e skos:hiddenLabel ?name BIND(2 AS ?kind) }
  FILTER(isIRI(?e) && (LANG(?name) = "" || LANGMATCHES(LANG(?name), "en")))
}"""

_TYPES = """
SELECT ?e ?type WHERE { ?e skos:prefLabel ?l ; a ?type . FILTER(isIRI(?type)) }"""

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

_PHRASES = "SELECT ?p ?phrase WHERE { ?p kg:phrase ?phrase } ORDER BY ?p ?phrase"
# Stated inverse declarations only: the property on the left is the one facts are stated with.
_INVERSES = """
SELECT ?p ?q WHERE {
  ?p owl:inverseOf ?q .
  FILTER NOT EXISTS { VALUES ?rule { %s } GRAPH ?rule { ?p owl:inverseOf ?q } }
}""" % " ".join(str(rule) for rule in terms.RULES)
_ASYMMETRIC = "SELECT ?p WHERE { ?p a owl:AsymmetricProperty }"
_NOTES = "SELECT ?p ?note WHERE { ?p kg:inferenceNote ?note }"
# Stated subproperty declarations only: the rule graph's closure would make every property its own.
_SUBPROPERTIES = """
SELECT ?p ?q WHERE {
  ?p rdfs:subPropertyOf ?q . FILTER(isIRI(?q) && ?p != ?q)
  FILTER NOT EXISTS { VALUES ?rule { %s } GRAPH ?rule { ?p rdfs:subPropertyOf ?q } }
}""" % " ".join(str(rule) for rule in terms.RULES)
_IN_STATE = "SELECT ?p ?state WHERE { ?p kg:inState ?state }"
_OBJECT_STATE = "SELECT ?p ?state WHERE { ?p kg:objectInState ?state }"
_STATE_PHRASES = "SELECT ?p ?phrase WHERE { ?p kg:statePhrase ?phrase } ORDER BY ?p ?phrase"
#: Flags on properties the parser reads, each as (the Property field it sets, what the graph says).
_FLAGS = [("request", "?p kg:request true"), ("proxy", "?p kg:proxy true"), ("membership", "?p kg:membership true"),
          ("distributes", "?p kg:distributes true"), ("spoken", "?p kg:sourceSpeech true"),
          ("transitive", "?p a owl:TransitiveProperty"), ("functional", "?p a owl:FunctionalProperty")]
_STATES = "SELECT ?state ?class WHERE { ?state kg:appliesTo ?class } ORDER BY ?state ?class"
_REMEDIES = "SELECT ?x ?p WHERE { ?x kg:remedy ?p } ORDER BY ?x ?p"
# Whether any fact outside the rule graphs uses a property (a general one may have none of its own).
_STATED = """ASK { ?s %%s ?o FILTER NOT EXISTS { VALUES ?rule { %s } GRAPH ?rule { ?s %%s ?o } } }""" % \
    " ".join(str(rule) for rule in terms.RULES)
_TOPIC = "SELECT ?topic WHERE { ?o a owl:Ontology ; kg:topic ?topic } ORDER BY ?topic"
_DEFINING = "SELECT ?phrase WHERE { skos:definition kg:phrase ?phrase } ORDER BY ?phrase"
# RDF lists, read whole in one query each: an item's position is the number of cells from the
# list's head to its own (blank nodes cannot be sent back to a remote endpoint to walk a list).
_LIST_ITEMS = """
SELECT ?owner ?list ?item (COUNT(?middle) AS ?position) WHERE {
  %s
  ?list rdf:rest* ?middle . ?middle rdf:rest* ?cell . ?cell rdf:first ?item .
} GROUP BY ?owner ?list ?cell ?item"""
_CHAINS = _LIST_ITEMS % "?owner owl:propertyChainAxiom ?list ."
_DISJOINT = _LIST_ITEMS % "?owner a owl:AllDisjointClasses ; owl:members ?list ."
_EXAMPLES = "SELECT ?q WHERE { ?o kg:exampleQuestion ?q } ORDER BY ?q"
_RULE_LABELS = "SELECT ?r ?label WHERE { ?r a kg:InferenceRule ; rdfs:label ?label }"
_ABOUT = "SELECT ?about WHERE { ?o a owl:Ontology ; dcterms:description ?about } ORDER BY ?about LIMIT 1"


def build(graph, tokenize, path: Path) -> Lexicon:
    """Read the vocabulary from ``graph`` (anything with ``select``) into a lexicon saved at ``path``.

    ``tokenize`` splits a string into words the way the question pipeline does. The file is written
    beside its final name and renamed into place, so a reader never sees half of it.
    """
    schema = {iri for (iri,) in graph.rows("SELECT ?x WHERE { { ?x a owl:Class } UNION { ?x a owl:ObjectProperty } "
                                           "UNION { ?x a owl:DatatypeProperty } }")}
    names: dict[str, list[tuple[int, str]]] = {}
    for iri, name, kind in graph.rows(_NAMES):
        if iri not in schema:
            names.setdefault(iri, []).append((int(kind), name))
    entities: dict[str, Entity] = {}
    for iri, found in names.items():
        found.sort()
        ordered = list(dict.fromkeys(name for _, name in found))
        hidden = {name for kind, name in found if kind == 2} - {name for kind, name in found if kind < 2}
        entities[iri] = Entity(iri, ordered[0], [n for n in ordered if n not in hidden], [], sorted(hidden))
    types: dict[str, set[str]] = {}
    for iri, cls in graph.rows(_TYPES):
        if iri in entities:
            types.setdefault(iri, set()).add(cls)
    for iri, found in types.items():
        entities[iri].types = sorted(found)

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
    for (owner, _), items in _lists(graph, _CHAINS):
        if owner in properties:
            properties[owner].chains.append(items)
    for row in graph.select(_SUBPROPERTIES):
        if row["p"].value in properties and row["q"].value in properties:
            properties[row["p"].value].supers.append(row["q"].value)
    for row in graph.select(_IN_STATE):
        if row["p"].value in properties:
            properties[row["p"].value].in_state = row["state"].value
    for row in graph.select(_OBJECT_STATE):
        if row["p"].value in properties:
            properties[row["p"].value].object_state = row["state"].value
    for prop in properties.values():
        if prop.datatype and prop.phrases and prop.range == terms.XSD + "string":
            # The values a question may state ("should beginners run most days of the week?"): few,
            # since only the properties questions have words for are read.
            term = str(NamedNode(prop.iri))
            prop.values = sorted({row["v"].value for row in graph.select(
                f"SELECT DISTINCT ?v WHERE {{ ?s {term} ?v FILTER(isLiteral(?v)) }} LIMIT 50")})
    for row in graph.select(_STATE_PHRASES):
        if row["p"].value in properties:
            properties[row["p"].value].state_phrases.append(row["phrase"].value)
    for flag, pattern in _FLAGS:
        for row in graph.select(f"SELECT ?p WHERE {{ {pattern} }}"):
            if row["p"].value in properties:
                setattr(properties[row["p"].value], flag, True)
    states: dict[str, list[str]] = {}
    for row in graph.select(_STATES):
        states.setdefault(row["state"].value, []).append(row["class"].value)
    remedies: dict[str, list[str]] = {}
    for row in graph.select(_REMEDIES):
        if row["p"].value in properties:
            remedies.setdefault(row["x"].value, []).append(row["p"].value)
    for iri in sorted({q for p in properties.values() for q in p.supers}):
        term = str(NamedNode(iri))
        properties[iri].abstract = not graph.ask(_STATED % (term, term))
    topic = [row["topic"].value for row in graph.select(_TOPIC)]
    defining = [row["phrase"].value for row in graph.select(_DEFINING)]

    disjoint = [items for _, items in _lists(graph, _DISJOINT)]
    examples = [row["q"].value for row in graph.select(_EXAMPLES)]
    graph_labels = {row["r"].value: row["label"].value for row in graph.select(_RULE_LABELS)}

    about = next((row["about"].value for row in graph.select(_ABOUT)), "")
    # Sorted, so the parser reads the schema in the same order whatever engine returned the rows.
    for prop in properties.values():
        prop.supers.sort()
    small = {"classes": {k: asdict(v) for k, v in sorted(classes.items())},
             "properties": {k: asdict(v) for k, v in sorted(properties.items())},
             "disjoint": disjoint, "examples": examples, "graph_labels": graph_labels, "about": about,
             "states": dict(sorted(states.items())), "remedies": dict(sorted(remedies.items())), "topic": topic,
             "defining": defining}
    _save(path, entities, classes, properties, small, tokenize)
    return Lexicon.open(path)


def _lists(graph, query: str) -> list[tuple[tuple[str, str], list[str]]]:
    """The lists a query finds, as ((owner, list node), items in order), sorted for a stable result."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for row in graph.select(query):
        found.setdefault((row["owner"].value, str(row["list"])), []).append(
            (int(row["position"].value), row["item"].value))
    return [(key, [item for _, item in sorted(cells)]) for key, cells in sorted(found.items())]


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE patterns (key TEXT, kind TEXT, iri TEXT, surface TEXT);
CREATE TABLE entities (iri TEXT PRIMARY KEY, label TEXT, names TEXT, types TEXT);
CREATE TABLE entity_types (type TEXT, iri TEXT);
CREATE TABLE entity_words (word TEXT, iri TEXT);
CREATE TABLE words (word TEXT PRIMARY KEY, first TEXT, length INTEGER, spelled INTEGER);
CREATE TABLE names (lower TEXT, name TEXT);
"""
_INDEXES = """
CREATE INDEX patterns_key ON patterns (key);
CREATE INDEX entity_types_type ON entity_types (type);
CREATE INDEX entity_words_word ON entity_words (word);
CREATE INDEX words_first ON words (first, length);
CREATE INDEX names_lower ON names (lower);
"""


def _save(path: Path, entities, classes, properties, small: dict, tokenize) -> None:
    """Lemmatize every name and phrase, index them by their lemmas, and write it all to SQLite."""
    named = [("entity", iri, name, False) for iri, e in entities.items() for name in e.names]
    named += [("entity", iri, name, True) for iri, e in entities.items() for name in e.hidden]
    named += [("class", iri, name, False) for iri, c in classes.items() for name in c.names]
    named += [("relation", iri, phrase, False) for iri, p in properties.items() for phrase in p.phrases]
    tokenized, words = [], {}
    for kind, iri, text, hidden in named:
        tokens = [t.lower() for t in tokenize(normalize(text)) if t.strip()]  # (fast for plain words)
        tokenized.append((kind, iri, tokens, hidden))
        for token in tokens:
            words[token] = None
    lemmas = lemma_table(list(words))
    patterns, entity_words, max_words, spelled = set(), set(), 1, set()
    for kind, iri, tokens, hidden in tokenized:
        bare = [t for t in tokens if t not in DETERMINERS]
        for variant in (tokens, bare):
            if variant:
                key = " ".join(lemmas.get(t, t) for t in variant)
                patterns.add((key, kind, iri, " ".join(variant)))
                max_words = max(max_words, len(variant))
                if kind == "entity":
                    entity_words.update((word, iri) for word in key.split())
                if not hidden:
                    spelled.update(key.split())
    vocabulary = {w for key, _, _, _ in patterns for w in key.split()} | set(lemmas)
    # Words spelled right: those of names that are not misspellings, and their inflections. Only
    # these stop the spelling corrector, and only these are offered as corrections.
    spelled |= {form for form, lemma in lemmas.items() if lemma in spelled}
    small = {**small, "lemmas": lemmas}

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-", suffix=".tmp")
    os.close(fd)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(_SCHEMA)
        db.executemany("INSERT INTO patterns VALUES (?, ?, ?, ?)", sorted(patterns))
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?)",
                       ((iri, e.label, json.dumps(e.names), json.dumps(e.types)) for iri, e in entities.items()))
        db.executemany("INSERT INTO entity_types VALUES (?, ?)",
                       ((t, iri) for iri, e in entities.items() for t in e.types))
        db.executemany("INSERT INTO entity_words VALUES (?, ?)", sorted(entity_words))
        db.executemany("INSERT INTO words VALUES (?, ?, ?, ?)",
                       ((w, w[:1], len(w), w in spelled) for w in sorted(vocabulary)))
        db.executemany("INSERT INTO names VALUES (?, ?)", sorted(
            {(n.lower(), n) for e in entities.values() for n in e.names} |
            {(n.lower(), n) for c in classes.values() for n in c.names}))
        db.executescript(_INDEXES)
        db.executemany("INSERT INTO meta VALUES (?, ?)", [("small", json.dumps(small)),
                                                          ("max_words", str(max_words)), ("complete", VERSION)])
        db.commit()
        db.close()
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def lemma_table(words: list[str]) -> dict[str, str]:
    """Map each word, and every inflected form of its lemma, to that lemma (lemminflect)."""
    import lemminflect

    table: dict[str, str] = {}
    chosen = {}
    for word in words:
        chosen[word] = _lemma(lemminflect, word)
        table[word] = chosen[word]
    for word, lemma in chosen.items():
        if not lemminflect.getAllLemmas(word) and not lemminflect.getAllLemmas(lemma):
            continue  # a word the dictionary does not know has no inflections it knows either
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
